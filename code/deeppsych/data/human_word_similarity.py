"""人の語の類似度・関連度の評定と、それと比べるための英語のコーパス (``book/03_word2vec.md``)。

どれも PyPI のパッケージ gensim (4.x) がテスト用に同梱しているファイル
(``gensim/test/test_data/``) を読む。実行時に何もダウンロードしない。

人の評定
--------
``wordsim353()``・``simlex999()``
    WordSim-353 と SimLex-999 の (語 1, 語 2, 評定の平均) を小文字で。読み込みと出典は
    ``deeppsych.data.human_similarity`` (``book/02_cosine_correlation.md`` と同じデータ) にある。
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
from . import human_similarity

WORDSIM353_N_PAIRS = 353
SIMLEX999_N_PAIRS = 999
RATING_SCALE = (0.0, 10.0)
SIMLEX999_INTER_RATER_RHO = 0.67

SOURCES = {
    **human_similarity.SOURCES,
    "wiki": "gensim/test/test_data/head500.noblanks.cor (English Wikipedia, gensim-preprocessed)",
}


def _test_data(name: str) -> Path:
    from gensim.test.utils import datapath

    path = Path(datapath(name))
    if not path.is_file():
        raise FileNotFoundError(f"gensim のテストデータ {name} が見つかりません ({path})")
    return path


def _ratings(name: str) -> tuple[tuple[str, str, float], ...]:
    return tuple((p.word1.lower(), p.word2.lower(), p.rating) for p in human_similarity.load(name))


@functools.lru_cache(maxsize=1)
def wordsim353() -> tuple[tuple[str, str, float], ...]:
    """WordSimilarity-353: (語 1, 語 2, 人の評定の平均 0〜10) の 353 組。"""
    return _ratings("wordsim353")


@functools.lru_cache(maxsize=1)
def simlex999() -> tuple[tuple[str, str, float], ...]:
    """SimLex-999: (語 1, 語 2, 人の類似度の評定の平均 0〜10) の 999 組。"""
    return _ratings("simlex999")


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
