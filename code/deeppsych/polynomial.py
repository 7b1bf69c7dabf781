"""多項式の当てはめ: 正則化の章 (``book/08_regularization.md``) の模型の族。

x を [−1, 1] に移した z の多項式 ŷ = b + Σ_k w_k z^k を、最小二乗法・リッジ回帰・ラッソで当てはめる
(解くのは ``linear`` の関数。ここは多項式の基底と、λ を動かしたときの当てはめの並びだけ)。
章は ``regularization`` を通して ``reg.fit_polynomial`` のように呼ぶ。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, one_of, positive_int
from .data.noisy_sine import DOMAIN
from .linear import LinearFit, lasso, ridge

PENALTIES = ("ridge", "lasso")


def polynomial_features(x, degree: int, domain=DOMAIN) -> np.ndarray:
    """x を domain から [−1, 1] に線形に移した z について、列 z¹, …, z^degree を並べる。

    尺度をそろえないと (例えば x ∈ [0, 6π] で x¹⁵) 列の大きさが何桁も違い、
    正規方程式が数値的に解けなくなる。
    切片の列は含まない (切片は当てはめの側で扱う)。degree = 0 なら (n, 0) の空の行列。
    """
    x = as_float_array(x, "x", 1)
    degree = positive_int(degree, "degree", minimum=0)
    lo, hi = domain
    if not hi > lo:
        raise ValueError(f"domain は (下限, 上限) で 下限 < 上限 です ({domain!r})")
    z = 2 * (x - lo) / (hi - lo) - 1
    return z[:, None] ** np.arange(1, degree + 1)


@dataclass
class PolynomialFit(LinearFit):
    """多項式モデル。predict は x (1 次元) を受け取る。"""

    degree: int = 0
    domain: tuple = DOMAIN

    def predict(self, x) -> np.ndarray:
        return super().predict(polynomial_features(x, self.degree, self.domain))


def path_fits(X, y, lams, penalty: str = "ridge") -> list[LinearFit]:
    """λ ごとの当てはめ (lams と同じ順)。ラッソは大きい λ から順に、前の解を初期値にして解く。"""
    one_of(penalty, PENALTIES, "penalty")
    lams = as_float_array(lams, "lams", 1)
    fits: list = [None] * lams.size
    w = None
    for i in np.argsort(-lams):
        if penalty == "ridge":
            fits[i] = ridge(X, y, float(lams[i]))
        else:
            fits[i] = lasso(X, y, float(lams[i]), init=w)
            w = fits[i].coef
    return fits


def coefficient_path(X, y, lams, penalty: str = "ridge") -> np.ndarray:
    """λ ごとの係数を並べた (len(lams), 列数) の配列。"""
    return np.array([fit.coef for fit in path_fits(X, y, lams, penalty)])


def fit_polynomial(x, y, degree: int, lam: float = 0.0, penalty: str = "ridge") -> PolynomialFit:
    """多項式を当てはめる。lam = 0 なら最小二乗法、そうでなければ penalty (ridge / lasso)。"""
    one_of(penalty, PENALTIES, "penalty")
    X = polynomial_features(x, degree)
    fit = (ridge if penalty == "ridge" else lasso)(X, y, lam)
    return PolynomialFit(fit.coef, fit.intercept, fit.lam, fit.n_sweeps, fit.converged, degree)


def fit_curves(x, y, degrees, lams, x_eval, penalty: str = "ridge") -> np.ndarray:
    """次数 ``degrees`` × λ ``lams`` の格子の各点で多項式を当てはめ、``x_eval`` での予測を並べる。

    返り値は (len(degrees), len(lams), len(x_eval))。λ = 0 は罰則なし (最小二乗法)。
    """
    degrees = [
        positive_int(d, "degrees の要素", minimum=0) for d in np.atleast_1d(degrees).tolist()
    ]
    lams = as_float_array(lams, "lams", 1)
    if not degrees:
        raise ValueError("degrees が空です: 次数を 1 つ以上")
    if (lams < 0).any():
        raise ValueError(f"lams は 0 以上の値です ({lams.tolist()})")
    x_eval = as_float_array(x_eval, "x_eval", 1)
    return np.array(
        [[fit_polynomial(x, y, d, lam, penalty).predict(x_eval) for lam in lams] for d in degrees]
    )
