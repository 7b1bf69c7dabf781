"""線形モデルのテストが共有する計画行列 (tests/test_linear.py と tests/test_regularization.py)。"""

import numpy as np


def random_design(n=30, p=6, seed=0):
    """相関のある列をもつ X と、係数 (3, −2, 0, 0, 1.5, 0)・切片 0.7・雑音 0.5 の y。"""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ rng.standard_normal((p, p))  # 相関のある列
    w = np.array([3.0, -2.0, 0.0, 0.0, 1.5, 0.0])[:p]
    y = X @ w + 0.7 + 0.5 * rng.standard_normal(n)
    return X, y
