"""人の語の類似度・関連度の評定と、それと比べるための英語のコーパス (``book/03_word2vec.md``)。

どれも PyPI のパッケージ gensim (4.x) がテスト用に同梱しているファイル
(``gensim/test/test_data/``) を読む。実行時に何もダウンロードしない。

人の評定
--------
``wordsim353()``
    WordSimilarity-353 (Finkelstein, Gabrilovich, Matias, Rivlin, Solan, Wolfman & Ruppin 2002,
    "Placing search in context: The concept revisited", ACM Transactions on Information Systems
    20(1), 116–131)。英語の語の対 353 組に、人が 0 (無関係) 〜 10 (とても関連が強い、または同じ
    意味) で付けた評定の平均。評定者は 13 人 (最初の 153 組) と 16 人 (残りの 200 組)。教示は
    「類似 (similarity)」を求めたが、関連 (tiger–jungle のような連想) も高く評定されている。
    同梱ファイル ``wordsim353.tsv`` の列は Word 1、Word 2、Human (mean)。
``simlex999()``
    SimLex-999 (Hill, Reichart & Korhonen 2015, "SimLex-999: Evaluating semantic models with
    (genuine) similarity estimation", Computational Linguistics 41(4), 665–695)。999 組
    (名詞 666・動詞 222・形容詞 111 組) に、0〜10 で「意味の類似 (similarity)」だけを評定させた
    平均。関連はあっても似ていない対は低く評定するよう教示した (反対語 old–new は 1.58)。評定は
    Amazon Mechanical Turk の英語の母語話者 500 人で、1 組あたりおよそ 50 人。
    同梱ファイル ``simlex999.txt`` の列は Word 1、Word 2、Human (mean)。
``SIMLEX999_INTER_RATER_RHO``
    SimLex-999 の評定者どうしの一致: 評定者の対ごとの順位相関 (Spearman) の平均 0.67
    (Hill et al. 2015 が評定者間の一致として報告した値。節・ページは本書では確かめていない)。
    モデルとの相関を読むときの「人どうしでもこの程度」という目安にする。

コーパス
--------
``wiki_sentences()``
    gensim 同梱の ``head500.noblanks.cor``: 英語版ウィキペディアの記事の本文を gensim の前処理
    (小文字化・記号とストップワードの除去・Porter の語幹化) にかけたもの。250 行 (記事)・
    約 33 万語。語幹化されているので (anarchism → anarch)、人の評定の語も同じ語幹化
    (``stem``) をしてから引く。出典の記事の一覧は同梱されていない。
"""

from __future__ import annotations

import functools
from pathlib import Path

from .._checks import positive_int

WORDSIM353_N_PAIRS = 353
SIMLEX999_N_PAIRS = 999
RATING_SCALE = (0.0, 10.0)
SIMLEX999_INTER_RATER_RHO = 0.67

SOURCES = {
    "wordsim353": "Finkelstein et al. (2002), ACM TOIS 20(1), 116-131; file gensim/test/test_data/"
    "wordsim353.tsv",
    "simlex999": "Hill, Reichart & Korhonen (2015), Computational Linguistics 41(4), 665-695; "
    "file gensim/test/test_data/simlex999.txt",
    "wiki": "gensim/test/test_data/head500.noblanks.cor (English Wikipedia, gensim-preprocessed)",
}


def _test_data(name: str) -> Path:
    from gensim.test.utils import datapath

    path = Path(datapath(name))
    if not path.is_file():
        raise FileNotFoundError(f"gensim のテストデータ {name} が見つかりません ({path})")
    return path


def _ratings(name: str) -> tuple[tuple[str, str, float], ...]:
    pairs = []
    for line in _test_data(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        first, second, score = line.split("\t")
        pairs.append((first.lower(), second.lower(), float(score)))
    return tuple(pairs)


@functools.lru_cache(maxsize=1)
def wordsim353() -> tuple[tuple[str, str, float], ...]:
    """WordSimilarity-353: (語 1, 語 2, 人の評定の平均 0〜10) の 353 組。"""
    return _ratings("wordsim353.tsv")


@functools.lru_cache(maxsize=1)
def simlex999() -> tuple[tuple[str, str, float], ...]:
    """SimLex-999: (語 1, 語 2, 人の類似度の評定の平均 0〜10) の 999 組。"""
    return _ratings("simlex999.txt")


def stem(word: str) -> str:
    """コーパスと同じ Porter の語幹化 (gensim の実装)。"""
    if not isinstance(word, str) or not word:
        raise TypeError(f"word は空でない文字列でなければなりません ({word!r} を受け取りました)")
    from gensim.parsing.porter import PorterStemmer

    return _stemmer(PorterStemmer).stem(word.lower())


@functools.lru_cache(maxsize=1)
def _stemmer(cls):
    return cls()


def wiki_sentences(chunk: int = 100) -> list[list[str]]:
    """英語版ウィキペディアの前処理済みコーパスを、chunk 語ずつの「文」に切って返す。

    記事 1 つが 1 行 (数千語) なので、文脈窓が記事をまたがないまま、1 文を扱いやすい長さにする。
    """
    chunk = positive_int(chunk, "chunk", minimum=2)
    text = _test_data("head500.noblanks.cor").read_text(encoding="utf-8")
    return [
        tokens[i : i + chunk]
        for tokens in (line.split() for line in text.splitlines())
        for i in range(0, len(tokens), chunk)
        if tokens
    ]


def covered_pairs(pairs, vocabulary) -> list[tuple[str, str, float]]:
    """語幹化した 2 語がともに vocabulary にあり、しかも別の語になる組だけを残す (語は元の形のまま返す)。

    vocabulary は ``in`` で語幹を引けるもの (``word2vec.Vocabulary``、集合など)。モデルで引くときは
    ``stem`` した語を使う。語幹化で同じ語になる組 (例: 活用形どうし) は、コサイン類似度が 1 に決まるので除く。
    """
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs が空です: (語 1, 語 2, 評定) の組が少なくとも 1 つ必要です")
    out = []
    for first, second, score in pairs:
        a, b = stem(first), stem(second)
        if a != b and a in vocabulary and b in vocabulary:
            out.append((first, second, float(score)))
    return out
