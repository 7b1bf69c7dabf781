"""deeppsych.linear: 最小二乗法・リッジ回帰・ラッソを scikit-learn と突き合わせる (book/02_cosine_correlation.md の符号化モデルと book/08_regularization.md が共有)。"""

import numpy as np
import pytest
from designs import random_design  # noqa: E402
from sklearn.linear_model import Lasso, Ridge

from deeppsych import linear as L
from deeppsych.data import noisy_sine
from deeppsych.regularization import polynomial_features


def chapter_design():
    """book/08_regularization.md と同じ 9 次の多項式の特徴 (12 点)。"""
    data = noisy_sine.make_curve_data(12, 200, 0.3, seed=2)
    return polynomial_features(data.x_train, 9), data.y_train


def random_problem(n=14, p=5, v=30, seed=0):
    """book/02_cosine_correlation.md の符号化モデルの形: 出力 (ボクセル) が v 個。"""
    rng = np.random.default_rng(seed)
    x = rng.random((n, p))
    y = x @ rng.normal(size=(p, v)) + 2.0 + 0.3 * rng.normal(size=(n, v))
    return x, y


# --- リッジ回帰 --------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("lam", [1e-3, 0.5, 10.0])
def test_ridge_equals_sklearn_ridge(lam, fit_intercept):
    for X, y in [random_design(), chapter_design(), random_problem()]:
        ours = L.ridge(X, y, lam, fit_intercept=fit_intercept)
        ref = Ridge(alpha=lam, fit_intercept=fit_intercept, solver="cholesky").fit(X, y)
        assert np.allclose(ours.coef, ref.coef_.T, rtol=1e-7, atol=1e-8)
        assert np.allclose(ours.intercept, ref.intercept_, atol=1e-8)
        assert np.allclose(ours.predict(X), ref.predict(X), atol=1e-8)


def test_ridge_with_zero_lambda_is_least_squares():
    for X, y in [random_design(), random_problem()]:
        ols = L.least_squares(X, y)
        ref = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
        assert np.allclose(ols.coef, ref[:-1]) and np.allclose(ols.intercept, ref[-1])
        assert np.allclose(L.ridge(X, y, 0.0).coef, ols.coef)


def test_ridge_is_one_independent_regression_per_output():
    x, y = random_problem(v=6)
    together = L.ridge(x, y, 0.5)
    assert together.coef.shape == (5, 6) and together.intercept.shape == (6,)
    for v in range(y.shape[1]):
        alone = L.ridge(x, y[:, v], 0.5)
        assert np.allclose(alone.coef, together.coef[:, v])
        assert isinstance(alone.intercept, float)
        assert alone.intercept == pytest.approx(together.intercept[v])


# --- ラッソ ----------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.01, 1e-3])
def test_lasso_equals_sklearn_lasso_with_rescaled_alpha(fraction):
    # ours: ‖y − Xw − b‖² + λ‖w‖₁ ; scikit-learn: ‖y − Xw − b‖²/(2n) + α‖w‖₁  →  α = λ/(2n)
    for X, y in [random_design(), chapter_design()]:
        lam = fraction * L.lasso_lambda_max(X, y)
        ours = L.lasso(X, y, lam)
        assert ours.converged
        ref = Lasso(alpha=lam / (2 * len(y)), tol=1e-12, max_iter=1_000_000).fit(X, y)
        scale = np.abs(ref.coef_).max()
        assert np.allclose(ours.coef, ref.coef_, atol=1e-6 * scale)
        assert ours.intercept == pytest.approx(ref.intercept_, abs=1e-6 * scale)
        assert np.array_equal(ours.coef == 0, ref.coef_ == 0)


@pytest.mark.parametrize("fraction", [0.5, 0.05])
def test_fast_lasso_equals_the_plain_reference_version(fraction):
    X, y = random_design()
    Xc, yc = X - X.mean(0), y - y.mean()
    lam = fraction * L.lasso_lambda_max(X, y)
    fast = L.lasso(X, y, lam, tol=1e-14)
    plain = L.lasso_reference(Xc, yc, lam, tol=1e-14)
    assert np.allclose(fast.coef, plain, atol=1e-8)
    assert np.array_equal(fast.coef == 0, plain == 0)


def test_lasso_satisfies_the_optimality_conditions():
    X, y = chapter_design()
    lam = 0.01 * L.lasso_lambda_max(X, y)
    fit = L.lasso(X, y, lam)
    Xc, r = X - X.mean(0), y - fit.predict(X)
    grad = 2 * Xc.T @ r  # 誤差の項の負の勾配
    active = fit.coef != 0
    assert np.allclose(grad[active], lam * np.sign(fit.coef[active]), atol=1e-4 * lam)
    assert np.all(np.abs(grad[~active]) <= lam * (1 + 1e-6))


def test_lasso_gives_exact_zeros_where_ridge_does_not():
    X, y = chapter_design()
    lam_max = L.lasso_lambda_max(X, y)
    lam = 0.05 * lam_max
    lasso, ridge = L.lasso(X, y, lam), L.ridge(X, y, lam)
    assert 0 < np.sum(lasso.coef == 0.0) < X.shape[1]  # 一部の係数がちょうど 0
    assert np.all(ridge.coef != 0.0)
    assert np.all(L.lasso(X, y, lam_max).coef == 0.0)
    assert np.any(L.lasso(X, y, 0.99 * lam_max).coef != 0.0)


def test_soft_threshold():
    v = np.array([-3.0, -0.5, 0.0, 0.2, 2.0])
    assert np.allclose(L.soft_threshold(v, 1.0), [-2.0, 0.0, 0.0, 0.0, 1.0])


# --- 誤った入力 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda X, y: L.ridge(X, y, -1.0), ValueError, "lam"),
        (lambda X, y: L.lasso(X, y, -0.1), ValueError, "lam"),
        (lambda X, y: L.ridge(X, y, "0.1"), TypeError, "lam"),
        (lambda X, y: L.ridge(X, y[:-1], 1.0), ValueError, "行数"),
        (lambda X, y: L.ridge(X[:, 0], y, 1.0), ValueError, "X"),
        (lambda X, y: L.ridge(X, y, 1.0).predict(X[:, :2]), ValueError, "特徴数"),
        (lambda X, y: L.lasso(X, np.column_stack([y, y]), 1.0), ValueError, "y"),
        (lambda X, y: L.ridge(np.where(X > 1, np.nan, X), y, 1.0), ValueError, "NaN"),
        (lambda X, y: L.ridge(X, np.full_like(y, np.inf), 1.0), ValueError, "inf"),
        (lambda X, y: L.ridge(X[:0], y[:0], 1.0), ValueError, "空"),
        (lambda X, y: L.ridge(X.astype(str), y, 1.0), TypeError, "X"),
        (lambda X, y: L.lasso(X, y, 1.0, init=np.zeros(2)), ValueError, "init"),
        (lambda X, y: L.least_squares(np.column_stack([X[:, 0], 2 * X[:, 0]]), y), ValueError,
         "一次従属"),
        (lambda X, y: L.least_squares(X[:5], y[:5]), ValueError, "解が 1 つに"),
    ],
)  # fmt: skip
def test_bad_inputs_raise_clear_errors(call, error, message):
    X, y = random_design()
    with pytest.raises(error, match=message):
        call(X, y)


@pytest.mark.parametrize(
    "value, threshold, error",
    [(np.nan, 1.0, ValueError), ([1.0, np.inf], 1.0, ValueError), (1.0, -0.5, ValueError),
     (1.0, "1", TypeError)],
)  # fmt: skip
def test_soft_threshold_rejects_bad_input(value, threshold, error):
    with pytest.raises(error, match="value|threshold"):
        L.soft_threshold(value, threshold)
