"""学習した単語ベクトルを調べる: 類似語 (と、その表)、類推 (3CosAdd)、典型的な文脈、差ベクトルの平行さ、
カテゴリーのまとまり、2 つのモデルの類似度の一致 (``book/03_word2vec.md``)。

``WordVectors`` は ``word2vec.train`` (本書の実装) と ``word2vec.train_gensim`` (gensim) の両方が返す。
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import similarity
from ._checks import as_float_array, positive_int
from .text import Vocabulary


@dataclass
class WordVectors:
    """学習した単語ベクトル (入力側の埋め込み) と学習の記録。"""

    vocab: Vocabulary
    vectors: np.ndarray
    model: str = ""
    losses: list[float] = field(default_factory=list)
    batch_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    contexts: np.ndarray | None = None  # 出力側 (文脈) のベクトル v'_w
    seconds: float = 0.0
    tokens_per_second: float = 0.0

    def __post_init__(self):
        as_float_array(self.vectors, "vectors", ndim=2)  # 検査だけ (数値の型はそのまま)
        if np.shape(self.vectors)[0] != len(self.vocab):
            raise ValueError(
                f"vectors の行の数 ({self.vectors.shape[0]}) が語彙の大きさ ({len(self.vocab)}) と違います"
            )
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.unit = self.vectors / np.maximum(norms, 1e-12)

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.vocab.index(word)]

    def cosine(self, a: str, b: str) -> float:
        """2 語のコサイン類似度。"""
        return float(self.unit[self.vocab.index(a)] @ self.unit[self.vocab.index(b)])

    def cosine_matrix(self, words) -> np.ndarray:
        """words のすべての対のコサイン類似度 (len(words) × len(words))。"""
        unit = self.unit[[self.vocab.index(w) for w in words]]
        return unit @ unit.T


def most_similar(wv: WordVectors, word: str, k: int = 5, exclude=()) -> list[tuple[str, float]]:
    """コサイン類似度の高い順に k 語 (word 自身と exclude は除く)。"""
    return _nearest(wv, wv.unit[wv.vocab.index(word)], k, {word, *exclude})


def neighbour_table(wv: WordVectors, words, k: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """words の各語の最近傍 k 語 (``most_similar``) を表にする: 語の名前 (形 (語数, k)) と
    コサイン類似度 (形 (語数, k)、各行は高い順)。スライダーで語を選ぶ図に使う。"""
    words = [words] if isinstance(words, str) else list(words)
    if not words:
        raise ValueError("words が空です: 少なくとも 1 語が必要です")
    if len(wv.vocab) <= positive_int(k, "k"):
        raise ValueError(f"k は語彙の大きさ ({len(wv.vocab)}) より小さくなければなりません ({k})")
    rows = [most_similar(wv, word, k) for word in words]
    names = np.array([[w for w, _ in row] for row in rows], dtype=object)
    return names, np.array([[s for _, s in row] for row in rows])


def analogy(
    wv: WordVectors, a: str, b: str, c: str, k: int = 1, exclude_inputs: bool = True
) -> list[tuple[str, float]]:
    """類推 a : b = c : ? を、b − a + c に最も近い語で答える (3CosAdd)。

    例: analogy(wv, "男", "王", "女") → 女王。Mikolov らの評価と同じく、ふつうは問題の 3 語
    a, b, c を答えの候補から除く。``exclude_inputs=False`` にすると除かない。
    """
    query = wv.unit[wv.vocab.index(b)] - wv.unit[wv.vocab.index(a)] + wv.unit[wv.vocab.index(c)]
    exclude = {a, b, c} if exclude_inputs else set()
    return _nearest(wv, query / np.linalg.norm(query), k, exclude)


def _nearest(wv: WordVectors, query: np.ndarray, k: int, exclude) -> list[tuple[str, float]]:
    k = positive_int(k, "k")
    scores = wv.unit @ query
    for w in exclude:
        if w in wv.vocab:
            scores[wv.vocab.index(w)] = -np.inf
    best = np.argsort(-scores, kind="stable")[:k]
    return [(wv.vocab.words[i], float(scores[i])) for i in best]


def analogy_accuracy(
    wv: WordVectors, questions: dict, exclude_inputs: bool = True
) -> dict[str, float]:
    """関係の種類ごとの類推の正答率。questions は 種類 → [(a, b, c, d), …] (a:b = c:d)。"""
    if (
        not isinstance(questions, dict)
        or not questions
        or not all(len(q) for q in questions.values())
    ):
        raise ValueError(
            "questions は 種類 → 空でない問題 (a, b, c, d) のリスト の dict でなければなりません"
        )
    return {
        name: float(
            np.mean([analogy(wv, a, b, c, 1, exclude_inputs)[0][0] == d for a, b, c, d in qs])
        )
        for name, qs in questions.items()
    }


def typical_contexts(wv: WordVectors, word: str, k: int = 5) -> list[tuple[str, float]]:
    """word の周りに現れるとモデルが予測する語を、入力側と出力側のベクトルの内積 v_word · v'_c の
    大きい順に返す。負例サンプリングの最適解ではこの内積は (自己相互情報量 − log k) に近い
    (Levy & Goldberg, 2014)。入力側どうしの類似度が「同じ種類の語」を表すのに対し、
    こちらは「一緒に使う語」を表す。
    """
    if wv.contexts is None:
        raise ValueError(
            "この WordVectors には出力側のベクトルがありません (train で学習したものを使う)"
        )
    scores = wv.contexts @ wv.vectors[wv.vocab.index(word)]
    best = np.argsort(-scores, kind="stable")[: positive_int(k, "k")]
    return [(wv.vocab.words[i], float(scores[i])) for i in best]


def offset_consistency(wv: WordVectors, pairs) -> float:
    """対 (a, b) の差ベクトル b − a が互いにどれだけ平行かを、各差ベクトルと平均の差ベクトルの
    コサイン類似度の平均で測る (1 なら完全に平行)。"""
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs が空です: 語の対 (a, b) が少なくとも 1 つ必要です")
    offsets = np.stack([wv.unit[wv.vocab.index(b)] - wv.unit[wv.vocab.index(a)] for a, b in pairs])
    mean = offsets.mean(axis=0)
    cosines = offsets @ mean / (np.linalg.norm(offsets, axis=1) * np.linalg.norm(mean))
    return float(cosines.mean())


def category_purity(wv: WordVectors, labels: dict[str, str], k: int = 3) -> float:
    """labels の各語について、labels の語のなかの最近傍 k 語が同じカテゴリーである割合。"""
    words = [w for w in labels if w in wv.vocab]
    if len(words) < 2:
        raise ValueError("labels に語彙の単語が 2 つ以上必要です")
    vectors = wv.vectors[[wv.vocab.index(w) for w in words]]
    return similarity.neighbour_rate(vectors, [labels[w] for w in words], k)


def pca_2d(wv: WordVectors, words) -> np.ndarray:
    """words のベクトルを中心化し、主成分分析で 2 次元に射影する (形 (len(words), 2))。
    ``similarity.pca_2d`` と同じく、最初の語が両軸とも 0 以上の側に来る向きにそろえる。"""
    return similarity.pca_2d(np.stack([wv[w] for w in words]))


def similarity_agreement(first: WordVectors, second: WordVectors, words) -> float:
    """2 つのモデルで、words のすべての対のコサイン類似度の順位相関 (Spearman)。"""
    from scipy.stats import spearmanr

    words = list(words)
    if len(words) < 3:
        raise ValueError("words は 3 語以上必要です")
    upper = np.triu_indices(len(words), k=1)
    a, b = first.cosine_matrix(words)[upper], second.cosine_matrix(words)[upper]
    return float(spearmanr(a, b).statistic)
