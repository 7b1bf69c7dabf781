"""標準正則化理論と正則化ネットワーク (``book/08_regularization.md``)。

* 標準正則化理論 (Tikhonov 1963; Poggio, Torre & Koch 1985): 不良設定問題 Az ≈ y を
  ‖Az − y‖² + λ‖Pz‖² の最小化として解く (データの項も 2 乗する。docs/common_mistakes.md の 11)。
  P = I ならリッジ回帰 (``linear.ridge``) と同じ。
* 正則化ネットワーク (Poggio & Girosi 1990): f(x) = Σ_i c_i G(x; x_i)、(G + λI)c = y。
  scikit-learn の KernelRidge(alpha=λ, kernel="rbf", gamma=1 / (2 width²)) と同じ解。
* 般化勾配: 1 点だけで学んだときの応答の形はグリーン関数そのもの (``green_function``)。人の般化勾配
  (``data.human_generalization``) に「基線 + 振幅 × グリーン関数」を当てはめて形を比べる。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    as_float_tensor,
    nonnegative_number,
    one_of,
    positive_int,
    positive_number,
)
from .linear import design

# --- 標準正則化理論 (Tikhonov; Poggio, Torre & Koch 1985) ---------------------------


def blur_matrix(n: int, width: float) -> np.ndarray:
    """1 次元のガウスぼかしの行列 A (各行の和 1)。像 y = Az は「ぼけた網膜像」にあたる。"""
    n, width = positive_int(n, "n"), positive_number(width, "width")
    i = np.arange(n)
    A = np.exp(-((i[:, None] - i[None, :]) ** 2) / (2 * width**2))
    return A / A.sum(axis=1, keepdims=True)


def difference_matrix(n: int, order: int = 1) -> np.ndarray:
    """差分の行列 P ((n − order) × n)。‖Pz‖² は z の「でこぼこ」を測る。"""
    n, order = positive_int(n, "n"), positive_int(order, "order", minimum=0)
    if order >= n:
        raise ValueError(f"order = {order} は n = {n} より小さくなければなりません")
    return np.diff(np.eye(n), order, axis=0)


def tikhonov_objective(z, A, y, lam: float, P=None) -> float:
    """標準正則化の汎関数 ‖Az − y‖² + λ‖Pz‖² (第 1 項も 2 乗する。docs/common_mistakes.md の 11)。"""
    A, y = design(A, y)
    z = as_float_array(z, "z", 1)
    if z.size != A.shape[1]:
        raise ValueError(f"z の長さ {z.size} が A の列数 {A.shape[1]} と違います")
    P = np.eye(A.shape[1]) if P is None else as_float_array(P, "P", 2)
    lam = nonnegative_number(lam, "lam")
    return float(np.sum((A @ z - y) ** 2) + lam * np.sum((P @ z) ** 2))


def tikhonov(A, y, lam: float, P=None) -> np.ndarray:
    """‖Az − y‖² + λ‖Pz‖² を最小にする z = (AᵀA + λPᵀP)⁻¹Aᵀy (P を省くと単位行列)。

    数値的には、積み重ねた最小二乗問題 [A; √λ P] z ≈ [y; 0] として解く。
    解が 1 つに決まらなければ ValueError。
    """
    A, y = design(A, y)
    lam = nonnegative_number(lam, "lam")
    P = np.eye(A.shape[1]) if P is None else as_float_array(P, "P", 2)
    if P.shape[1] != A.shape[1]:
        raise ValueError(f"P の列数 {P.shape[1]} が A の列数 {A.shape[1]} と違います")
    stacked = np.vstack([A, np.sqrt(lam) * P]) if lam > 0 else A
    rhs = np.concatenate([y, np.zeros(P.shape[0])]) if lam > 0 else y
    z, _, rank, _ = np.linalg.lstsq(stacked, rhs, rcond=None)
    if rank < A.shape[1]:
        raise ValueError("解が 1 つに決まりません (λ を大きくするか、P を変えてください)")
    return z


# --- 正則化ネットワーク (Poggio & Girosi 1990) ------------------------------------


def _points(x, name: str) -> np.ndarray:
    """(n,) または (n, d) の点の並びを (n, d) の配列にする。"""
    a = as_float_tensor(x, name).detach().cpu().numpy().astype(np.float64)
    if a.ndim not in (1, 2) or not np.isfinite(a).all():
        raise ValueError(
            f"{name} は有限の値の (n,) か (n, d) の配列でなければなりません ({a.shape})"
        )
    return a[:, None] if a.ndim == 1 else a


def gaussian_kernel(x1, x2, width: float) -> np.ndarray:
    """G_ij = exp(−‖x1_i − x2_j‖² / (2 width²))。

    ガウス関数は、ある平滑化の罰則 ‖Pf‖² のグリーン関数である (Poggio & Girosi 1990)。
    """
    a, b = _points(x1, "x1"), _points(x2, "x2")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x1 と x2 の次元が違います ({a.shape[1]} と {b.shape[1]})")
    width = positive_number(width, "width")
    d2 = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    return np.exp(-d2 / (2 * width**2))


@dataclass
class RegularizationNetwork:
    """f(x) = Σ_i c_i G(x; x_i): データ点を中心とするグリーン関数の重みつき和。"""

    centres: np.ndarray
    coef: np.ndarray
    width: float
    lam: float

    def predict(self, x) -> np.ndarray:
        return gaussian_kernel(x, self.centres, self.width) @ self.coef

    def components(self, x) -> np.ndarray:
        """各中心のグリーン関数 c_i G(x; x_i) を列に並べたもの (和が predict)。"""
        return gaussian_kernel(x, self.centres, self.width) * self.coef


def fit_regularization_network(x, y, lam: float, width: float) -> RegularizationNetwork:
    """Σ_i (y_i − f(x_i))² + λ‖Pf‖² の解の係数を (G + λI)c = y から求める (Poggio & Girosi 1990)。

    λ = 0 (補間) で G が数値的に特異なら ValueError。
    """
    X, y = _points(x, "x"), as_float_array(y, "y", 1)
    if X.shape[0] != y.size:
        raise ValueError(f"x の点数 {X.shape[0]} と y の長さ {y.size} が違います")
    lam = nonnegative_number(lam, "lam")
    G = gaussian_kernel(X, X, width)
    system = G + lam * np.eye(y.size)
    if np.linalg.cond(system) > 1e12:
        raise ValueError("G + λI がほぼ特異で解けません (λ を大きくするか、幅を狭くしてください)")
    return RegularizationNetwork(X, np.linalg.solve(system, y), float(width), lam)


# --- 般化勾配: 1 点だけで学んだ応答の広がり (グリーン関数の形) -------------------------

GREEN_FUNCTIONS = ("gaussian", "exponential")


def green_function(distance, width: float, kind: str = "gaussian") -> np.ndarray:
    """1 点 x_0 だけで学んだときの応答の形 G(d) (d = |x − x_0|、G(0) = 1)。

    * "gaussian": exp(−d²/(2 width²))。正則化ネットワークのグリーン関数 (あらゆる階数の微分に
      罰則をかける、とてもなめらかな関数を好む事前分布)。1 点 (x_0, 1) で学んだネットワークの応答の形
    * "exponential": exp(−d/width)。1 次元で ∫(width² f′² + f²) dx を罰則にしたときのグリーン関数
      (1 階の微分だけに罰則)。Shepard (1987) の般化の指数法則と同じ形
    """
    d = as_float_array(distance, "distance", 1)
    if np.any(d < 0):
        raise ValueError("distance は 0 以上の距離でなければなりません")
    width = positive_number(width, "width")
    if one_of(kind, GREEN_FUNCTIONS, "kind") == "gaussian":
        return np.exp(-(d**2) / (2 * width**2))
    return np.exp(-d / width)


@dataclass
class GradientFit:
    """般化勾配の当てはめ: 応答 ≈ baseline + amplitude × G(d; width)。rmse と r2 は当てはめた点で。"""

    kind: str
    width: float
    amplitude: float
    baseline: float
    rmse: float
    r2: float

    def predict(self, distance) -> np.ndarray:
        return self.baseline + self.amplitude * green_function(distance, self.width, self.kind)


def fit_generalization_gradient(distance, response, kind="gaussian", widths=None) -> GradientFit:
    """応答 ≈ b + a G(d; s) を最小二乗法で当てはめる (a、b は閉じた形、幅 s は格子 widths から)。

    widths を省くと、距離の最大値の 0.05 倍から 10 倍までの対数の格子 (400 点)。点は 3 つ以上
    (自由な数が 3 つあるので、3 点ならいつもぴったり合う。点が少ないほど当てはまりは何も言わない)。
    """
    d, y = as_float_array(distance, "distance", 1), as_float_array(response, "response", 1)
    if d.size != y.size:
        raise ValueError(f"distance の長さ {d.size} と response の長さ {y.size} が違います")
    if d.size < 3 or np.ptp(d) == 0:
        raise ValueError(f"distance と response には、違う距離の 3 点以上が必要です ({d.size} 点)")
    if widths is None:
        widths = np.geomspace(0.05 * d.max(), 10 * d.max(), 400)
    widths = as_float_array(widths, "widths", 1)
    if np.any(widths <= 0):
        raise ValueError("widths は正の値でなければなりません")
    best = None
    for s in widths:
        design_matrix = np.column_stack([green_function(d, s, kind), np.ones_like(d)])
        coef = np.linalg.lstsq(design_matrix, y, rcond=None)[0]
        rmse = float(np.sqrt(np.mean((design_matrix @ coef - y) ** 2)))
        if best is None or rmse < best[0]:
            best = (rmse, float(s), float(coef[0]), float(coef[1]))
    rmse, s, a, b = best
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - rmse**2 * y.size / total if total > 0 else float("nan")
    return GradientFit(kind, s, a, b, rmse, r2)
