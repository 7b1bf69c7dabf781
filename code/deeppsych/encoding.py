"""Mitchell et al. (2008) の符号化モデル: 名詞の意味特徴からボクセルごとの活動を予測する (``book/02_cosine_correlation.md``)。

Mitchell, T. M. et al. (2008). Predicting human brain activity associated with the meanings of
nouns. Science, 320, 1191–1195.

1. 意味特徴 ``verb_features``: 名詞 w ごとに、25 の感覚・運動動詞との結びつきの強さ f_i(w)
   を並べる。
   原論文は大規模コーパスでの共起を使った。ここでは埋め込みのコサイン類似度で代える。
2. 線形の符号化 (原論文の式 1): ボクセル v の活動の予測は y_v(w) = Σ_i c_{v i} f_i(w)。
   係数 c_{v i} はボクセルごとの回帰で求める。ここでは ``linear.ridge`` (L2 正則化つき最小二乗、
   ``book/08_regularization.md`` と同じ関数) を使う。
3. 2 語取り置き法 ``leave_two_out``: 2 つの名詞を除いた残りで学習し、除いた 2 語の画像を予測して、
   どちらの予測がどちらの観測かをコサイン類似度で当てる。偶然の正答率は 0.5。
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

from . import similarity
from ._checks import as_float_array, as_float_tensor, nonnegative_number, positive_int


def verb_features(noun_vectors, verb_vectors, reference=None) -> torch.Tensor:
    """名詞 × 動詞の意味特徴: 中心化した埋め込みのコサイン類似度を、名詞ごとに長さ 1 にそろえる。

    reference (基準語の埋め込み) を与えると、その平均ベクトルを名詞と動詞の両方から引いてから
    コサイン類似度をとる。原論文も名詞ごとの特徴ベクトルを長さ 1 に正規化している。
    """
    nouns = as_float_tensor(noun_vectors, "noun_vectors", min_dim=2)
    verbs = as_float_tensor(verb_vectors, "verb_vectors", min_dim=2)
    if reference is not None:
        nouns = similarity.subtract_mean_vector(nouns, reference)
        verbs = similarity.subtract_mean_vector(verbs, reference)
    f = similarity.cosine_matrix(nouns, verbs)
    return f / torch.linalg.vector_norm(f, dim=1, keepdim=True)


def match_by_cosine(predicted, observed) -> bool:
    """2 語取り置き法の判定: 正しい組み合わせのコサイン類似度の和が、入れ替えたものより大きいか。

    predicted と observed は (2, ボクセル数)。
    cos(p1, i1) + cos(p2, i2) > cos(p1, i2) + cos(p2, i1) なら正解。
    """
    s = similarity.cosine_matrix(predicted, observed)
    if s.shape != (2, 2):
        raise ValueError(
            f"predicted と observed は 2 行 (取り置いた 2 語) でなければなりません (類似度の形 {tuple(s.shape)})"
        )
    return bool(s[0, 0] + s[1, 1] > s[0, 1] + s[1, 0])


@dataclass(frozen=True)
class LeaveTwoOutResult:
    accuracy: float
    correct: np.ndarray  # (組の数,) bool
    pairs: np.ndarray  # (組の数, 2) 取り置いた名詞の番号


def leave_two_out(
    features, images, lam: float = 1.0, max_pairs: int | None = None, seed: int = 0
) -> LeaveTwoOutResult:
    """Mitchell et al. (2008) の 2 語取り置き法の正答率 (偶然 0.5)。

    すべての名詞の組 (n(n−1)/2 通り) について、その 2 語を除いた残りで ``linear.ridge`` と同じ
    リッジ回帰を学習し、除いた 2 語の画像を予測して ``match_by_cosine`` と同じ規則で判定する。
    max_pairs を与えると、組を seed で決まる無作為な max_pairs 個に減らす。

    1770 回の学習を 1 回ずつ解く代わりに、全体の XᵀX・XᵀY から除いた 2 語の分を引いて
    まとめて解く (結果は 1 回ずつ解いたものと同じ。tests/test_encoding.py で確かめている)。
    """
    x = as_float_array(features, "features", 2)
    y = as_float_array(images, "images", 2)
    n, p = x.shape
    if y.shape[0] != n:
        raise ValueError(f"features と images の行数 (名詞数) が違います ({n} と {y.shape[0]})")
    if n < 4:
        raise ValueError(f"名詞は 4 つ以上必要です ({n})")
    lam = nonnegative_number(lam, "lam")
    pairs = np.array(list(itertools.combinations(range(n), 2)))
    if max_pairs is not None and positive_int(max_pairs, "max_pairs") < len(pairs):
        keep = np.random.default_rng(seed).choice(len(pairs), size=max_pairs, replace=False)
        pairs = pairs[np.sort(keep)]
    correct = np.concatenate(
        [
            _leave_two_out_chunk(x, y, lam, chunk)
            for chunk in np.array_split(pairs, -(-len(pairs) // 256))
        ]
    )
    return LeaveTwoOutResult(float(correct.mean()), correct, pairs)


def _leave_two_out_chunk(x, y, lam, pairs) -> np.ndarray:
    """組の束について、2 語を除いた学習・予測と、コサイン類似度による判定をまとめて行う。"""
    pred = held_out_predictions(x, y, lam, pairs)
    observed = np.stack([y[pairs[:, 0]], y[pairs[:, 1]]], axis=1)  # (組, 2, V)
    pred_unit = pred / np.linalg.norm(pred, axis=2, keepdims=True)
    obs_unit = observed / np.linalg.norm(observed, axis=2, keepdims=True)
    s = np.einsum("ktv,kuv->ktu", pred_unit, obs_unit)
    return s[:, 0, 0] + s[:, 1, 1] > s[:, 0, 1] + s[:, 1, 0]


def held_out_predictions(x: np.ndarray, y: np.ndarray, lam: float, pairs) -> np.ndarray:
    """各組 (i, j) について、i と j を除いて学習したリッジ回帰による 2 語の予測画像 (組, 2, V)。"""
    pairs = np.asarray(pairs)
    m = x.shape[0] - 2
    xi, xj = x[pairs[:, 0]], x[pairs[:, 1]]  # (組, p)
    yi, yj = y[pairs[:, 0]], y[pairs[:, 1]]  # (組, V)
    x_mean = (x.sum(axis=0) - xi - xj) / m
    y_mean = (y.sum(axis=0) - yi - yj) / m
    gram = (
        x.T @ x
        - np.einsum("ka,kb->kab", xi, xi)
        - np.einsum("ka,kb->kab", xj, xj)
        - m * np.einsum("ka,kb->kab", x_mean, x_mean)
        + lam * np.eye(x.shape[1])
    )
    held = np.stack([xi - x_mean, xj - x_mean], axis=2)  # (組, p, 2)
    a = np.linalg.solve(gram, held)  # (XcᵀXc + λI)⁻¹ (x − x̄)
    # 予測 = aᵀ Xcᵀ Yc + ȳ。Xcᵀ Yc = XᵀY − x_i y_iᵀ − x_j y_jᵀ − m x̄ ȳᵀ
    pred = np.matmul(a.transpose(0, 2, 1), x.T @ y)  # (組, 2, V)
    pred -= np.einsum("kpt,kp->kt", a, xi)[:, :, None] * yi[:, None, :]
    pred -= np.einsum("kpt,kp->kt", a, xj)[:, :, None] * yj[:, None, :]
    pred -= m * np.einsum("kpt,kp->kt", a, x_mean)[:, :, None] * y_mean[:, None, :]
    pred += y_mean[:, None, :]
    return pred


def shuffled_rows(features, seed: int = 0) -> np.ndarray:
    """特徴の行 (名詞) を無作為に並べ替える。名詞と画像の対応を壊した「偶然」の基準に使う。"""
    x = as_float_array(features, "features", 2)
    return x[np.random.default_rng(seed).permutation(x.shape[0])]


def signature_recovery(coef, true_weights) -> np.ndarray:
    """特徴ごとに、学習した署名 (coef の行) と真の署名のピアソンの r を返す (模擬データでだけ測れる)。"""
    learned = as_float_array(coef, "coef", 2)
    truth = as_float_array(true_weights, "true_weights", 2)
    if learned.shape != truth.shape:
        raise ValueError(f"coef と true_weights の形が違います ({learned.shape} と {truth.shape})")
    return similarity.pearson_r(learned, truth).numpy()


def accuracy_by_snr(features, snrs, lam: float = 1.0, seeds=(0, 1, 2)) -> np.ndarray:
    """SNR ごと・乱数の種ごとに模擬データを作り、2 語取り置き法の正答率を (SNR 数, 種の数) で返す。"""
    from .data import synthetic_fmri

    return np.array(
        [
            [
                leave_two_out(
                    features, synthetic_fmri.generate(features, snr=snr, seed=s).images, lam
                ).accuracy
                for s in seeds
            ]
            for snr in snrs
        ]
    )


def accuracy_by_n_nouns(
    features, images, sizes, lam: float = 1.0, n_subsets: int = 5, seed: int = 0
) -> np.ndarray:
    """名詞を sizes 個ずつ無作為に選んだ部分集合で 2 語取り置き法を行い、(sizes 数, n_subsets) で返す。"""
    x = as_float_array(features, "features", 2)
    y = as_float_array(images, "images", 2)
    rng = np.random.default_rng(seed)
    out = np.empty((len(sizes), positive_int(n_subsets, "n_subsets")))
    for row, size in enumerate(sizes):
        size = positive_int(size, "size", minimum=4)
        if size > x.shape[0]:
            raise ValueError(f"size は名詞数 {x.shape[0]} 以下でなければなりません ({size})")
        for col in range(n_subsets):
            keep = np.sort(rng.choice(x.shape[0], size=size, replace=False))
            out[row, col] = leave_two_out(x[keep], y[keep], lam).accuracy
    return out


def permutation_null(
    features, images, n_permutations: int = 200, lam: float = 1.0, seed: int = 0
) -> np.ndarray:
    """名詞と画像の対応を壊したときの 2 語取り置き法の正答率を n_permutations 回分返す (偶然の分布)。

    各回は ``leave_two_out(shuffled_rows(features, s), images, lam)`` と同じ値になる
    (s = seed, seed + 1, …)。特徴の行を並べ替えることは画像の行を逆に並べ替えることと同じで、
    組の集合は並べ替えで変わらない。予測は画像について線形なので、組ごとの重み W (2 × 名詞数) を
    ``held_out_predictions`` に単位行列を渡して 1 回だけ求め、あとは画像のグラム行列 G = YYᵀ だけで
    コサイン類似度を計算する (並べ替えごとの回帰は不要)。
    """
    x = as_float_array(features, "features", 2)
    y = as_float_array(images, "images", 2)
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"features と images の行数 (名詞数) が違います ({n} と {y.shape[0]})")
    if n < 4:
        raise ValueError(f"名詞は 4 つ以上必要です ({n})")
    n_permutations = positive_int(n_permutations, "n_permutations")
    lam = nonnegative_number(lam, "lam")
    pairs = np.array(list(itertools.combinations(range(n), 2)))
    weights = held_out_predictions(x, np.eye(n), lam, pairs)  # (組, 2, 名詞): 予測 = W @ Y
    gram = y @ y.T
    i, j = pairs[:, 0], pairs[:, 1]
    out = np.empty(n_permutations)
    for k in range(n_permutations):
        # shuffled_rows の並べ替え π で特徴を並べ替える = 画像を π⁻¹ で並べ替える
        perm = np.random.default_rng(seed + k).permutation(n)
        inverse = np.argsort(perm)
        g = gram[np.ix_(inverse, inverse)]
        wg = weights @ g  # (組, 2, 名詞)
        pred_norm = np.sqrt(np.einsum("ktn,ktn->kt", wg, weights))
        obs_norm = np.sqrt(np.diag(g))
        dot = np.stack([wg[np.arange(len(pairs)), :, i], wg[np.arange(len(pairs)), :, j]], axis=2)
        s = dot / pred_norm[:, :, None] / np.stack([obs_norm[i], obs_norm[j]], axis=1)[:, None, :]
        out[k] = float(np.mean(s[:, 0, 0] + s[:, 1, 1] > s[:, 0, 1] + s[:, 1, 0]))
    return out
