"""日本語の全文検索: 索引と検索語を同じ規則で区切る (文字 2-gram)。

Sphinx の日本語検索は、索引を作るときは TinySegmenter で分かち書きするが、ブラウザ側は検索語を
区切らない。そのため索引で 符号 / 化器 に分かれた「符号化器」は、検索しても見つからない。
TinySegmenter を両側で使っても、区切り方が前後の文字で変わるので (「区間埋め込み」は単独では
「間埋め込み」、文中では別の区切り)、複合語の 1 割ほどは見つからないままになる。

ここでは全文検索エンジンで標準的な文字 2-gram (Lucene の CJKAnalyzer、Elasticsearch の cjk_bigram と
同じ考え方) を使う。かな・漢字の連なりを、重なり合う 2 文字ずつに区切り (1 文字だけならその 1 文字)、
ラテン文字や数字の語はそのまま小文字にする。検索語も同じ関数 (下の JavaScript 版) で区切り、
Sphinx の検索はすべての区切りを含むページを返すので、本文にそのまま現れる語は必ず見つかる。
両側とも、全角英数字などを NFKC で正規化してから区切る。
"""

from __future__ import annotations

import re
import unicodedata

from sphinx.application import Sphinx
from sphinx.search.ja import SearchJapanese

# ひらがな・カタカナ (長音符、々 を含む)、CJK 統合漢字 (拡張 A を含む)、半角カナ
CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f"
_TOKEN = re.compile(rf"[{CJK}]+|[^\W{CJK}]+")
_IS_CJK = re.compile(rf"[{CJK}]")


def split(text: str) -> list[str]:
    """本文または検索語を、索引の語の列に区切る (JS_SPLIT_QUERY と同じ規則)。"""
    words: list[str] = []
    for run in _TOKEN.findall(unicodedata.normalize("NFKC", text)):
        if _IS_CJK.match(run):
            if len(run) == 1:
                words.append(run)
            else:
                words.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            words.append(run.lower())
    return words


# ブラウザ側: Sphinx の searchtools.js は、language_data.js に splitQuery があればそれを使う。
JS_SPLIT_QUERY = r"""
/* 本書の日本語検索 (book/_ext/ja_search.py の split と同じ規則): かな・漢字の連なりは文字 2-gram */
var splitQuery = (query) => {
  const cjk = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f";
  // Python の [^\W<cjk>]+ と同じ: かな・漢字以外の文字・数字・_ の連なり
  const token = new RegExp("[" + cjk + "]+|(?:(?![" + cjk + "])[\\p{L}\\p{N}_])+", "gu");
  const isCjk = new RegExp("^[" + cjk + "]");
  const words = [];
  for (const run of query.normalize("NFKC").match(token) || []) {
    if (isCjk.test(run)) {
      const chars = Array.from(run);
      if (chars.length === 1) words.push(run);
      for (let i = 0; i + 1 < chars.length; i++) words.push(chars[i] + chars[i + 1]);
    } else {
      words.push(run.toLowerCase());
    }
  }
  return words;
};
"""


class SearchJapaneseBigram(SearchJapanese):
    """日本語 (ja) の検索言語を置き換える: 索引もブラウザも文字 2-gram。"""

    js_splitter_code = JS_SPLIT_QUERY

    def init(self, options: dict[str, str]) -> None:  # TinySegmenter は使わない
        pass

    def split(self, input: str) -> list[str]:
        return split(input)

    def word_filter(self, stemmed_word: str) -> bool:
        # 1 文字の漢字 (脳、色 など) も索引に入れる。ラテン文字の 1 文字は入れない。
        return len(stemmed_word) > 1 or bool(_IS_CJK.match(stemmed_word))


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchJapaneseBigram)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
