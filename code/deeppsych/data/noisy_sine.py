"""雑音のある sin 曲線: 正則化の章 (``book/08_regularization.md``) の当てはめのデータ。

y = sin(2πx) + ε, ε ~ N(0, noise²)。x は [0, 1] の格子から seed で非復元抽出する
(同じ x が 2 度出ないので、多項式の当てはめの行列が特異にならない)。訓練・検証・テストの x は互いに重ならない。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import as_float_array, nonnegative_number, positive_int

DOMAIN = (0.0, 1.0)


def target_function(x) -> np.ndarray:
    """真の関数 f(x) = sin(2πx) (x ∈ [0, 1])。"""
    return np.sin(2 * np.pi * as_float_array(x, "x", 1))


@dataclass
class CurveData:
    """訓練・検証・テスト用の (x, y)。3 つは同じ格子から重複なしに選ばれている。"""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    noise: float


def make_curve_data(
    n_train: int, n_test: int = 200, noise: float = 0.3, seed=0, n_val: int = 0, grid: int = 2001
) -> CurveData:
    """y = sin(2πx) + ε, ε ~ N(0, noise²) を、[0, 1] の grid 点の格子から非復元抽出で作る。

    seed は整数か numpy.random.Generator。訓練・検証・テストの x は互いに重ならない。
    """
    n_train = positive_int(n_train, "n_train")
    n_test = positive_int(n_test, "n_test")
    n_val = positive_int(n_val, "n_val", minimum=0)
    noise = nonnegative_number(noise, "noise")
    grid = positive_int(grid, "grid", minimum=2)
    total = n_train + n_val + n_test
    if total > grid:
        raise ValueError(f"n_train + n_val + n_test = {total} が格子の点数 {grid} を超えています")
    rng = np.random.default_rng(seed)
    x = rng.choice(np.linspace(*DOMAIN, grid), size=total, replace=False)
    y = target_function(x) + noise * rng.standard_normal(total)
    parts = np.split(np.arange(total), [n_train, n_train + n_val])
    (xt, yt), (xv, yv), (xs, ys) = [(np.sort(x[i]), y[i][np.argsort(x[i])]) for i in parts]
    return CurveData(xt, yt, xv, yv, xs, ys, noise)
