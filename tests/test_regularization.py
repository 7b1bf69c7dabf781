"""deeppsych.regularization: 第 8 章の式を数値で確かめ、scikit-learn と突き合わせる (ERRATA 11 を含む)。"""

import numpy as np
import pytest
import torch
from scipy import optimize

from deeppsych import regularization as R

sklearn = pytest.importorskip("sklearn")
from sklearn.kernel_ridge import KernelRidge  # noqa: E402
from sklearn.linear_model import Lasso, Ridge  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402

# 章と同じ設定
CHAPTER_DATA = {"n_train": 12, "n_test": 200, "noise": 0.3, "seed": 2}
CHAPTER_DEGREE = 9


def random_design(n=30, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ rng.standard_normal((p, p))  # 相関のある列
    w = np.array([3.0, -2.0, 0.0, 0.0, 1.5, 0.0])[:p]
    y = X @ w + 0.7 + 0.5 * rng.standard_normal(n)
    return X, y


def chapter_design():
    data = R.make_curve_data(**CHAPTER_DATA)
    return R.polynomial_features(data.x_train, CHAPTER_DEGREE), data.y_train


# --- データと特徴 ----------------------------------------------------------------


def test_curve_data_is_seeded_and_sampled_without_replacement():
    a = R.make_curve_data(30, 200, seed=5, n_val=20)
    b = R.make_curve_data(30, 200, seed=5, n_val=20)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    x_all = np.concatenate([a.x_train, a.x_val, a.x_test])
    assert x_all.size == 250 and np.unique(x_all).size == 250  # 重複なし
    assert x_all.min() >= 0 and x_all.max() <= 1
    assert not np.array_equal(a.x_train, R.make_curve_data(30, 200, seed=6).x_train)
    # 雑音は N(0, noise²): 大きな標本で標準偏差を確かめる
    big = R.make_curve_data(1500, 1, noise=0.3, seed=0)
    residual = big.y_train - R.target_function(big.x_train)
    assert residual.std() == pytest.approx(0.3, rel=0.06)


def test_polynomial_features_are_scaled_to_unit_interval():
    x = np.linspace(0, 1, 11)
    F = R.polynomial_features(x, 15)
    assert F.shape == (11, 15)
    assert np.abs(F).max() == pytest.approx(1.0)
    z = 2 * x - 1
    assert np.allclose(F, np.vander(z, 16, increasing=True)[:, 1:])
    assert R.polynomial_features(x, 0).shape == (11, 0)
    # 尺度をそろえない x ∈ [0, 6π] の x¹⁵ では条件数が桁違いに悪い
    raw = np.vander(x * 6 * np.pi, 16, increasing=True)
    scaled = np.vander(z, 16, increasing=True)
    assert np.linalg.cond(raw) > 1e6 * np.linalg.cond(scaled)


# --- 最小二乗法・リッジ回帰・ラッソ ------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("lam", [1e-3, 0.5, 10.0])
def test_ridge_equals_sklearn_ridge(lam, fit_intercept):
    for X, y in [random_design(), chapter_design()]:
        ours = R.ridge(X, y, lam, fit_intercept=fit_intercept)
        ref = Ridge(alpha=lam, fit_intercept=fit_intercept, solver="cholesky").fit(X, y)
        assert np.allclose(ours.coef, ref.coef_, rtol=1e-7, atol=1e-8)
        assert ours.intercept == pytest.approx(ref.intercept_, abs=1e-8)
        assert np.allclose(ours.predict(X), ref.predict(X), atol=1e-8)


def test_ridge_with_zero_lambda_is_least_squares():
    X, y = random_design()
    ols = R.least_squares(X, y)
    ref = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    assert np.allclose(ols.coef, ref[:-1]) and ols.intercept == pytest.approx(ref[-1])
    assert np.allclose(R.ridge(X, y, 0.0).coef, ols.coef)


@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.01, 1e-3])
def test_lasso_equals_sklearn_lasso_with_rescaled_alpha(fraction):
    # ours: ‖y − Xw − b‖² + λ‖w‖₁ ; scikit-learn: ‖y − Xw − b‖²/(2n) + α‖w‖₁  →  α = λ/(2n)
    for X, y in [random_design(), chapter_design()]:
        lam = fraction * R.lasso_lambda_max(X, y)
        ours = R.lasso(X, y, lam)
        assert ours.converged
        ref = Lasso(alpha=lam / (2 * len(y)), tol=1e-12, max_iter=1_000_000).fit(X, y)
        scale = np.abs(ref.coef_).max()
        assert np.allclose(ours.coef, ref.coef_, atol=1e-6 * scale)
        assert ours.intercept == pytest.approx(ref.intercept_, abs=1e-6 * scale)
        assert np.array_equal(ours.coef == 0, ref.coef_ == 0)


def test_lasso_satisfies_the_optimality_conditions():
    X, y = chapter_design()
    lam = 0.01 * R.lasso_lambda_max(X, y)
    fit = R.lasso(X, y, lam)
    Xc, r = X - X.mean(0), y - fit.predict(X)
    grad = 2 * Xc.T @ r  # 誤差の項の負の勾配
    active = fit.coef != 0
    assert np.allclose(grad[active], lam * np.sign(fit.coef[active]), atol=1e-4 * lam)
    assert np.all(np.abs(grad[~active]) <= lam * (1 + 1e-6))


def test_lasso_gives_exact_zeros_where_ridge_does_not():
    X, y = chapter_design()
    lam_max = R.lasso_lambda_max(X, y)
    lam = 0.05 * lam_max
    lasso, ridge = R.lasso(X, y, lam), R.ridge(X, y, lam)
    assert 0 < np.sum(lasso.coef == 0.0) < X.shape[1]  # 一部の係数がちょうど 0
    assert np.all(ridge.coef != 0.0)
    assert np.all(R.lasso(X, y, lam_max).coef == 0.0)
    assert np.any(R.lasso(X, y, 0.99 * lam_max).coef != 0.0)
    # λ を大きくすると、0 でない係数の数は (おおむね) 減っていく
    path = R.coefficient_path(X, y, lam_max * np.logspace(-3, 0, 12), "lasso")
    nonzero = (path != 0).sum(axis=1)
    assert nonzero[0] > nonzero[-1] == 0


def test_soft_threshold():
    v = np.array([-3.0, -0.5, 0.0, 0.2, 2.0])
    assert np.allclose(R.soft_threshold(v, 1.0), [-2.0, 0.0, 0.0, 0.0, 1.0])


def test_ridge_is_the_map_estimate_under_a_gaussian_prior():
    X, y = random_design(seed=3)
    sigma, tau = 0.5, 0.8
    ridge = R.ridge(X, y, sigma**2 / tau**2, fit_intercept=False)
    result = optimize.minimize(
        R.negative_log_posterior,
        np.zeros(X.shape[1]),
        args=(X, y, sigma, tau, "gaussian"),
        method="BFGS",
        options={"gtol": 1e-10},
    )
    assert np.allclose(result.x, ridge.coef, atol=1e-5)
    # 事前分布を広くする (τ → ∞) と最小二乗法に近づく
    wide = R.ridge(X, y, sigma**2 / 1e6**2, fit_intercept=False)
    assert np.allclose(wide.coef, R.least_squares(X, y, fit_intercept=False).coef, atol=1e-6)


def test_lasso_is_the_map_estimate_under_a_laplace_prior():
    X, y = random_design(seed=4)
    sigma, b = 0.5, 0.05
    fit = R.lasso(X, y, 2 * sigma**2 / b, fit_intercept=False)
    best = R.negative_log_posterior(fit.coef, X, y, sigma, b, "laplace")
    rng = np.random.default_rng(0)
    for _ in range(200):
        w = fit.coef + 1e-3 * rng.standard_normal(X.shape[1])
        assert R.negative_log_posterior(w, X, y, sigma, b, "laplace") >= best - 1e-9
    result = optimize.minimize(
        R.negative_log_posterior,
        np.zeros(X.shape[1]),
        args=(X, y, sigma, b, "laplace"),
        method="Powell",
        options={"xtol": 1e-10, "ftol": 1e-14, "maxfev": 200_000},
    )
    assert best <= result.fun + 1e-8
    assert np.allclose(result.x, fit.coef, atol=1e-2)  # Powell 法は角 (w_j = 0) で粗い


# --- 過学習と未学習の実験 ----------------------------------------------------------


def test_seeded_degree_sweep_has_a_u_shaped_test_error():
    data = R.make_curve_data(**CHAPTER_DATA)
    sweep = R.degree_sweep(data, range(0, 12))
    assert np.all(np.diff(sweep["train"]) <= 1e-12)  # 訓練誤差は次数とともに単調に減る
    assert sweep["train"][-1] < 1e-12  # 12 点を 11 次式は補間する
    best = int(np.argmin(sweep["test"]))
    assert 2 <= best <= 6  # テスト誤差の最小は中間の次数
    assert sweep["test"][best] < 0.5 * sweep["test"][0]
    assert sweep["test"][-1] > 10 * sweep["test"][best]


def test_sample_size_sweep_converges_to_the_noise_level():
    result = R.sample_size_sweep([12, 20, 50, 200], degree=3, n_repeats=30, seed=0)
    assert result["train"][0] < result["train"][-1] < 0.09  # 訓練誤差は雑音 σ² = 0.09 に下から
    assert result["test"][0] > result["test"][-1] > 0.09  # テスト誤差は上から近づく
    assert result["test"][-1] - result["train"][-1] < 0.02


def test_bias_variance_decomposition_predicts_the_test_error():
    models = [(1, 0.0), (3, 0.0), (7, 0.0)]
    result = R.bias_variance(models, n_train=25, n_repeats=300, seed=1)
    assert result["bias2"][0] > result["bias2"][1]  # 直線は偏りが大きい
    assert result["variance"][2] > result["variance"][1]  # 7 次式は分散が大きい
    # 偏り² + 分散 + σ² は、新しい雑音で測った期待テスト誤差に一致する
    grid = result["grid"]
    rng = np.random.default_rng(2)
    for i in range(2):
        preds = result["predictions"][i]
        fresh = R.target_function(grid) + 0.3 * rng.standard_normal(preds.shape)
        empirical = np.mean((fresh - preds) ** 2)
        predicted = result["bias2"][i] + result["variance"][i] + result["noise"]
        assert empirical == pytest.approx(predicted, rel=0.03)


# --- 交差検証 -----------------------------------------------------------------


def test_kfold_indices_partition_the_data():
    folds = R.kfold_indices(23, 5, seed=0)
    assert len(folds) == 5
    vals = np.concatenate([va for _, va in folds])
    assert np.array_equal(np.sort(vals), np.arange(23))
    for tr, va in folds:
        assert np.intersect1d(tr, va).size == 0 and tr.size + va.size == 23
    assert {va.size for _, va in folds} <= {4, 5}
    assert np.array_equal(folds[0][1], R.kfold_indices(23, 5, seed=0)[0][1])


def test_cross_validation_matches_sklearn_and_picks_a_sensible_lambda():
    data = R.make_curve_data(**CHAPTER_DATA)
    lams = np.logspace(-6, 2, 33)
    cv = R.cross_validation_error(data.x_train, data.y_train, CHAPTER_DEGREE, lams, k=4, seed=0)
    X = R.polynomial_features(data.x_train, CHAPTER_DEGREE)
    folds = R.kfold_indices(len(data.y_train), 4, seed=0)
    for i in [0, 16, 32]:
        ref = -cross_val_score(
            Ridge(alpha=lams[i], solver="cholesky"),
            X,
            data.y_train,
            cv=folds,
            scoring="neg_mean_squared_error",
        ).mean()
        assert cv[i] == pytest.approx(ref, rel=1e-6)
    best = int(np.argmin(cv))
    assert 0 < best < len(lams) - 1  # 格子の端ではない
    test = [
        R.mse(
            data.y_test, R.fit_polynomial(data.x_train, data.y_train, 9, lam).predict(data.x_test)
        )
        for lam in lams
    ]
    assert test[best] < 1.3 * min(test)  # 選んだ λ のテスト誤差は最良に近い
    assert test[best] < 0.1 * test[0]  # ほぼ罰則なしよりずっとよい


# --- 標準正則化理論と正則化ネットワーク ------------------------------------------------


def deblur_problem(seed=0):
    n = 100
    z = np.full(n, 0.2)
    z[25:45], z[60:80] = 0.8, 0.5
    A = R.blur_matrix(n, 2.0)
    y = A @ z + 0.01 * np.random.default_rng(seed).standard_normal(n)
    return A, y, z


def test_tikhonov_solves_the_normal_equations_and_minimises_the_functional():
    A, y, _ = deblur_problem()
    P = R.difference_matrix(len(y), 1)
    lam = 0.01
    z = R.tikhonov(A, y, lam, P)
    assert np.allclose(z, np.linalg.solve(A.T @ A + lam * P.T @ P, A.T @ y), atol=1e-8)
    # 汎関数 ‖Az − y‖² + λ‖Pz‖² の勾配 2Aᵀ(Az − y) + 2λPᵀPz が 0
    grad = 2 * A.T @ (A @ z - y) + 2 * lam * P.T @ P @ z
    assert np.abs(grad).max() < 1e-8
    rng = np.random.default_rng(1)
    best = R.tikhonov_objective(z, A, y, lam, P)
    for _ in range(20):
        assert R.tikhonov_objective(z + 1e-3 * rng.standard_normal(z.size), A, y, lam, P) > best


def test_tikhonov_objective_squares_the_data_term():  # ERRATA 11
    A, y, z_true = deblur_problem()
    z = np.zeros_like(z_true)
    assert R.tikhonov_objective(z, A, y, 0.0) == pytest.approx(np.sum(y**2))
    assert R.tikhonov_objective(z, A, y, 0.0) != pytest.approx(np.linalg.norm(y))
    assert R.tikhonov_objective(z_true, A, y, 2.0) == pytest.approx(
        np.sum((A @ z_true - y) ** 2) + 2.0 * np.sum(z_true**2)
    )


def test_ridge_is_tikhonov_with_identity_penalty():
    X, y = random_design()
    Xc, yc = X - X.mean(0), y - y.mean()
    assert np.allclose(R.tikhonov(Xc, yc, 0.7), R.ridge(X, y, 0.7).coef)


def test_regularisation_stabilises_the_ill_posed_deblurring():
    A, y, z = deblur_problem()
    assert np.linalg.cond(A) > 1e6
    naive = R.tikhonov(A, y, 0.0)
    regularised = R.tikhonov(A, y, 0.01, R.difference_matrix(len(y), 1))
    rms = lambda v: np.sqrt(np.mean((v - z) ** 2))  # noqa: E731
    assert rms(naive) > 100 * rms(regularised)
    assert rms(regularised) < 0.1
    # 雑音だけを変える (データのわずかな違い) と、素朴な解は大きく変わる (不安定)
    A2, y2, _ = deblur_problem(seed=1)
    assert np.abs(R.tikhonov(A2, y2, 0.0) - naive).max() > 1e3 * np.abs(y2 - y).max()


@pytest.mark.parametrize("width", [0.05, 0.2])
@pytest.mark.parametrize("lam", [1e-3, 0.1, 3.0])
def test_regularisation_network_equals_kernel_ridge(lam, width):
    data = R.make_curve_data(15, 50, seed=0)
    net = R.fit_regularization_network(data.x_train, data.y_train, lam, width)
    ref = KernelRidge(alpha=lam, kernel="rbf", gamma=1 / (2 * width**2))
    ref.fit(data.x_train[:, None], data.y_train)
    assert np.allclose(net.coef, ref.dual_coef_, rtol=1e-6, atol=1e-8)
    assert np.allclose(net.predict(data.x_test), ref.predict(data.x_test[:, None]), atol=1e-8)
    assert np.allclose(net.components(data.x_test).sum(axis=1), net.predict(data.x_test))


def test_regularisation_network_in_two_dimensions_and_solves_g_plus_lambda():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(size=(20, 2)), rng.standard_normal(20)
    net = R.fit_regularization_network(x, y, 0.1, 0.3)
    G = R.gaussian_kernel(x, x, 0.3)
    assert np.allclose((G + 0.1 * np.eye(20)) @ net.coef, y)
    ref = KernelRidge(alpha=0.1, kernel="rbf", gamma=1 / (2 * 0.3**2)).fit(x, y)
    assert np.allclose(net.predict(x), ref.predict(x))


# --- ニューラルネットワークの正則化 (縮小版の学習) ---------------------------------------


@pytest.fixture(scope="module")
def mlp_runs():
    data = R.make_curve_data(20, 200, 0.3, seed=1, n_val=20)
    kwargs = {"epochs": 800, "eval_every": 20}
    return {
        "none": R.train_mlp(data, **kwargs),
        "decay": R.train_mlp(data, weight_decay=1e-3, **kwargs),
        "dropout": R.train_mlp(data, dropout=0.1, **kwargs),
        "early": R.train_mlp(data, patience=10, **kwargs),
        "again": R.train_mlp(data, **kwargs),
    }


def test_unregularised_mlp_overfits_and_each_regulariser_helps(mlp_runs):
    none = mlp_runs["none"]
    assert none.train[-1] < 0.03  # 雑音 σ² = 0.09 よりずっと小さい: 雑音まで覚えた
    assert none.test[-1] > 1.5 * none.test.min()  # テスト誤差は最小値のあと上がる
    for name in ["decay", "dropout"]:
        assert mlp_runs[name].test[-1] < 0.8 * none.test[-1], name
        assert mlp_runs[name].train[-1] > none.train[-1], name


def test_early_stopping_stops_and_restores_the_best_validation_model(mlp_runs):
    early, none = mlp_runs["early"], mlp_runs["none"]
    assert early.stopped_epoch < 800
    best = int(np.argmin(early.val))
    assert early.best_epoch == early.epochs[best]
    data = R.make_curve_data(20, 200, 0.3, seed=1, n_val=20)
    assert R.mse(data.y_val, early.predict(data.x_val)) == pytest.approx(early.val[best], rel=1e-5)
    assert R.mse(data.y_test, early.predict(data.x_test)) < 0.8 * none.test[-1]
    # 同じ種なので、止めるまでの道のりは正則化なしの学習と同じ
    k = len(early.epochs)
    assert np.allclose(early.train, none.train[:k])


def test_mlp_training_is_deterministic(mlp_runs):
    assert np.array_equal(mlp_runs["none"].test, mlp_runs["again"].test)


def test_input_noise_augmentation_regularises():
    data = R.make_curve_data(20, 200, 0.3, seed=1, n_val=20)
    plain = R.train_mlp(data, epochs=800, eval_every=100)
    noisy = R.train_mlp(data, epochs=800, eval_every=100, input_noise=0.03)
    assert noisy.train[-1] > plain.train[-1]
    assert noisy.test[-1] < plain.test[-1]


def test_train_mlp_leaves_the_thread_count_alone():
    before = torch.get_num_threads()
    R.train_mlp(R.make_curve_data(5, 5, seed=0), epochs=2, eval_every=1)
    assert torch.get_num_threads() == before


def test_make_mlp_shapes_and_dropout():
    net = R.make_mlp(hidden=8, layers=3, dropout=0.2)
    assert sum(isinstance(m, torch.nn.Dropout) for m in net) == 3
    assert net(torch.zeros(4, 1)).shape == (4, 1)
    assert float(R.weight_penalty(net).detach()) == pytest.approx(
        sum(float((m.weight.detach() ** 2).sum()) for m in net if isinstance(m, torch.nn.Linear))
    )


# --- 誤った入力 ----------------------------------------------------------------


def test_bad_inputs_raise_clear_errors():
    X, y = random_design()
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="0 以上"):
        R.ridge(X, y, -1.0)
    with pytest.raises(ValueError, match="0 以上"):
        R.lasso(X, y, -0.1)
    with pytest.raises(ValueError, match="0 以上"):
        R.tikhonov(X, y, -1.0)
    with pytest.raises(ValueError, match="0 以上"):
        R.fit_regularization_network(x, x, -1.0, 0.1)
    with pytest.raises(TypeError):
        R.ridge(X, y, "0.1")
    with pytest.raises(ValueError, match="degree"):
        R.polynomial_features(x, -1)
    with pytest.raises(TypeError, match="degree"):
        R.polynomial_features(x, 2.5)
    with pytest.raises(ValueError, match="解が 1 つに"):
        R.fit_polynomial(x, x, degree=5)  # 6 個の係数に 5 点
    assert R.fit_polynomial(x, x, degree=5, lam=0.1).coef.size == 5  # 罰則があれば解ける
    with pytest.raises(ValueError, match="一次従属"):
        R.least_squares(np.column_stack([X[:, 0], 2 * X[:, 0]]), y)
    with pytest.raises(ValueError, match="特異"):
        R.fit_regularization_network([0.1, 0.1, 0.5], [1.0, 2.0, 0.0], 0.0, 0.2)
    with pytest.raises(ValueError, match="行数"):
        R.ridge(X, y[:-1], 1.0)
    with pytest.raises(ValueError, match="格子"):
        R.make_curve_data(2000, 200)
    with pytest.raises(ValueError, match="penalty"):
        R.fit_polynomial(x, x, 2, 0.1, penalty="elastic")
    with pytest.raises(ValueError, match="k"):
        R.kfold_indices(3, 5)
    with pytest.raises(ValueError, match="NaN"):
        R.ridge(np.array([[np.nan], [1.0]]), [1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="dropout"):
        R.make_mlp(dropout=1.0)
    with pytest.raises(ValueError, match="検証データ"):
        R.train_mlp(R.make_curve_data(5, 5), epochs=5, patience=2)
    with pytest.raises(ValueError, match="prior"):
        R.negative_log_posterior(np.zeros(6), X, y, 1.0, 1.0, prior="cauchy")
    with pytest.raises(ValueError, match="width"):
        R.gaussian_kernel(x, x, 0.0)
    with pytest.raises(ValueError, match="列数"):
        R.tikhonov(X, y, 1.0, P=np.eye(3))
