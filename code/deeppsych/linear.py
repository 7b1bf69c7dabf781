"""線形モデル ŷ = Xw + b の当てはめ: 最小二乗法、リッジ回帰、ラッソ。

符号化モデル (``book/02_cosine_correlation.md``、ボクセルごとのリッジ回帰) と正則化の章
(``book/08_regularization.md``、多項式の係数) が同じ関数を使う。目的関数は「誤差 + λ × 罰則」の形:

* 最小二乗法:                          ‖y − Xw − b‖²
* リッジ回帰 (Hoerl & Kennard 1970):   ‖y − Xw − b‖² + λ‖w‖²
* ラッソ (Tibshirani 1996):            ‖y − Xw − b‖² + λ‖w‖₁   (座標降下法, Friedman et al. 2010)

切片 b には罰則をかけない (scikit-learn の fit_intercept=True と同じ)。scikit-learn との対応は
Ridge(alpha=λ)、Lasso(alpha=λ / (2n))。y は (n,) でも (n, 出力数) でもよい (リッジ回帰と最小二乗法。
出力ごとの回帰は互いに独立だが、説明変数 X が共通なので 1 回の連立方程式でまとめて解ける)。
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, nonnegative_number, positive_int


@dataclass
class LinearFit:
    """線形モデル ŷ = Xw + b の係数。coef は (特徴数,) か (特徴数, 出力数)、intercept は数か (出力数,)。"""

    coef: np.ndarray
    intercept: float | np.ndarray
    lam: float = 0.0
    n_sweeps: int = 0
    converged: bool = True

    def predict(self, X) -> np.ndarray:
        X = as_float_array(X, "X", 2)
        if X.shape[1] != self.coef.shape[0]:
            raise ValueError(
                f"X の列数 (特徴数) {X.shape[1]} が係数の数 {self.coef.shape[0]} と違います"
            )
        return X @ self.coef + self.intercept


def design(X, y, outputs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """X (n, 特徴数) と y (n,) を float64 の配列にして、行数がそろうか確かめる。

    outputs=True なら y は (n, 出力数) の行列でもよい。
    """
    X = as_float_array(X, "X", 2)
    y = as_float_array(y, "y", np.ndim(y) if outputs and np.ndim(y) == 2 else 1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X の行数 {X.shape[0]} と y の行数 {y.shape[0]} が違います")
    return X, y


def _centre(X, y, fit_intercept: bool):
    """切片を当てはめるなら X と y の列の平均を引く (切片は後から b = ȳ − x̄ᵀw で決まる)。"""
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1:])
    x_mean, y_mean = X.mean(axis=0), y.mean(axis=0)
    return X - x_mean, y - y_mean, x_mean, y_mean


def _intercept(y_mean, x_mean, w):
    b = y_mean - x_mean @ w
    return float(b) if np.ndim(b) == 0 else b


def least_squares(X, y, fit_intercept: bool = True) -> LinearFit:
    """罰則なしの最小二乗法。未知数が式の数より多い、または列が従属なら ValueError。"""
    X, y = design(X, y, outputs=True)
    n_coef = X.shape[1] + int(fit_intercept)
    if n_coef > X.shape[0]:
        raise ValueError(
            f"係数 {n_coef} 個に対してデータが {X.shape[0]} 点しかなく、罰則なしでは解が 1 つに"
            "決まりません (次数を下げるか、λ > 0 の正則化を使ってください)"
        )
    Xc, yc, x_mean, y_mean = _centre(X, y, fit_intercept)
    w, _, rank, _ = np.linalg.lstsq(Xc, yc, rcond=None)
    if rank < X.shape[1]:
        raise ValueError(
            "X の列が一次従属で、罰則なしでは解が 1 つに決まりません (λ > 0 を使ってください)"
        )
    return LinearFit(w, _intercept(y_mean, x_mean, w))


def ridge(X, y, lam: float, fit_intercept: bool = True) -> LinearFit:
    """リッジ回帰 ‖y − Xw − b‖² + λ‖w‖² の閉じた形の解 w = (XᵀX + λI)⁻¹Xᵀy (中心化した X, y)。

    y が (n, 出力数) なら、出力ごとの回帰を 1 回の連立方程式でまとめて解く。λ = 0 は最小二乗法。
    """
    lam = nonnegative_number(lam, "lam")
    if lam == 0:
        return least_squares(X, y, fit_intercept)
    X, y = design(X, y, outputs=True)
    Xc, yc, x_mean, y_mean = _centre(X, y, fit_intercept)
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ yc)
    return LinearFit(w, _intercept(y_mean, x_mean, w), lam)


def soft_threshold(value, threshold: float):
    """軟閾値関数 S(v, t) = sign(v) max(|v| − t, 0)。ラッソの係数がちょうど 0 になる理由。"""
    threshold = nonnegative_number(threshold, "threshold")
    value = as_float_array(value, "value", np.ndim(value)) if np.ndim(value) else float(value)
    if not np.isfinite(value).all():
        raise ValueError(f"value は有限の値でなければなりません ({value!r})")
    return np.sign(value) * np.maximum(np.abs(value) - threshold, 0.0)


def lasso_lambda_max(X, y, fit_intercept: bool = True) -> float:
    """これ以上の λ ではラッソの係数がすべて 0 になる値 2 max_j |x_jᵀ y| (中心化した X, y)。"""
    X, y = design(X, y)
    Xc, yc, _, _ = _centre(X, y, fit_intercept)
    return float(2 * np.abs(Xc.T @ yc).max()) if X.shape[1] else 0.0


def lasso(
    X,
    y,
    lam: float,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_sweeps: int = 100_000,
    init=None,
) -> LinearFit:
    """ラッソ ‖y − Xw − b‖² + λ‖w‖₁ を座標降下法で解く (Friedman, Hastie & Tibshirani 2010)。

    計算は ``lasso_reference`` (本に載せる素直な版) と同じで、1 係数ずつの更新を Python の数で速く回す
    (同じ答えになることは tests/test_linear.py で確かめている)。双対ギャップが tol × ‖y‖² / 2 以下に
    なったら止める。init は初期値 (経路の計算で前の解を使う)。
    """
    lam = nonnegative_number(lam, "lam")
    max_sweeps = positive_int(max_sweeps, "max_sweeps")
    X, y = design(X, y)
    Xc, yc, x_mean, y_mean = _centre(X, y, fit_intercept)
    p = X.shape[1]
    gram, xty = Xc.T @ Xc, Xc.T @ yc
    if np.any(np.diag(gram) == 0):
        raise ValueError("X に定数 (中心化すると 0) の列があります")
    w = np.zeros(p) if init is None else as_float_array(init, "init", 1).copy()
    if w.size != p:
        raise ValueError(f"init の長さ {w.size} が X の列数 {p} と違います")
    threshold, scale = lam / 2, max(float(yc @ yc) / 2, np.finfo(float).tiny)
    g, b, wl = gram.tolist(), xty.tolist(), w.tolist()  # 1 係数ずつの更新は Python の数で速く回す
    converged, sweep = p == 0, 0
    while not converged and sweep < max_sweeps:
        sweep += 1
        for j in range(p):
            rho = b[j] - sum(map(operator.mul, g[j], wl)) + g[j][j] * wl[j]
            wl[j] = math.copysign(max(abs(rho) - threshold, 0.0), rho) / g[j][j]  # S(ρ, λ/2)/‖x_j‖²
        if sweep % 10 == 0 or sweep == max_sweeps:
            converged = _lasso_gap(Xc, yc, np.array(wl), threshold) <= tol * scale
    w = np.array(wl)
    return LinearFit(w, float(y_mean - x_mean @ w), lam, sweep, bool(converged))


def lasso_reference(X, y, lam: float, tol: float = 1e-10, max_sweeps: int = 100_000) -> np.ndarray:
    """ラッソの座標降下法の素直な版 (係数 w だけを返す。X と y は中心化したもの)。

    1 つの係数 w_j だけを動かすと、最小値は閉じた形 w_j = S(ρ_j, λ/2) / ‖x_j‖² で求まる
    (ρ_j = x_jᵀ(y − Σ_{k≠j} x_k w_k)、S は軟閾値関数)。これを全係数について繰り返し、
    双対ギャップ (今の目的関数の値と最小値との差の上限) が tol × ‖y‖² / 2 以下になったら止める。
    """
    X, y = design(X, y)
    w = np.zeros(X.shape[1])
    for _ in range(max_sweeps):
        for j in range(X.shape[1]):
            residual = y - X @ w + X[:, j] * w[j]  # w_j 以外で説明できなかった部分
            rho = X[:, j] @ residual
            w[j] = soft_threshold(rho, lam / 2) / (X[:, j] @ X[:, j])
        if _lasso_gap(X, y, w, lam / 2) <= tol * (y @ y) / 2:
            break
    return w


def _lasso_gap(X, y, w, threshold) -> float:
    """½‖r‖² + (λ/2)‖w‖₁ の双対ギャップ (0 以上、最適解で 0)。threshold = λ/2。"""
    r = y - X @ w
    dual_norm = np.abs(X.T @ r).max()
    s = min(1.0, threshold / dual_norm) if dual_norm > 0 else 1.0
    return float(0.5 * r @ r + threshold * np.abs(w).sum() - s * r @ y + 0.5 * s**2 * r @ r)
