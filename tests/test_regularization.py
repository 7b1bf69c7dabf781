"""deeppsych.regularization: book/08_regularization.md の式を数値で確かめ、scikit-learn と突き合わせる (docs/common_mistakes.md の 11 を含む)。"""

import numpy as np
import pytest
import torch
from scipy import optimize

from deeppsych import regularization as R

sklearn = pytest.importorskip("sklearn")
from designs import random_design  # noqa: E402
from sklearn.kernel_ridge import KernelRidge  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402

# 章と同じ設定
CHAPTER_DATA = {"n_train": 12, "n_test": 200, "noise": 0.3, "seed": 2}
CHAPTER_DEGREE = 9


def chapter_design():
    data = R.make_curve_data(**CHAPTER_DATA)
    return R.polynomial_features(data.x_train, CHAPTER_DEGREE), data.y_train


# --- データと特徴 ----------------------------------------------------------------


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


# --- 正則化の経路 (リッジ回帰・ラッソそのものは tests/test_linear.py) -----------------


def test_lasso_path_loses_nonzero_coefficients_as_lambda_grows():
    # 係数がちょうど 0 になること自体は tests/test_linear.py が確かめる。ここは章の係数の道筋の図
    X, y = chapter_design()
    lam_max = R.lasso_lambda_max(X, y)
    # λ を大きくすると、0 でない係数の数は (おおむね) 減っていく
    path = R.coefficient_path(X, y, lam_max * np.logspace(-3, 0, 12), "lasso")
    nonzero = (path != 0).sum(axis=1)
    assert nonzero[0] > nonzero[-1] == 0


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


@pytest.mark.slow
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


def test_tikhonov_objective_squares_the_data_term():  # docs/common_mistakes.md の 11
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


@pytest.mark.slow
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


# 学習したモデルの閾値は、種 0–2 × CPU の計算経路 {native, default (ATEN_CPU_CAPABILITY=default
# ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=COMPATIBLE), pinned (Makefile の既定)} の 9 通りで測った範囲から、
# 余裕をもって決めた。


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


@pytest.mark.slow
def test_unregularised_mlp_overfits_and_each_regulariser_helps(mlp_runs):
    none = mlp_runs["none"]
    # sweep seeds 0-2 × {native, default, pinned}: observed 0.0177–0.0181; threshold 0.03 (margin 0.012)
    assert none.train[-1] < 0.03  # 雑音 σ² = 0.09 よりずっと小さい: 雑音まで覚えた
    # sweep: test[-1] / min(test) observed 1.92–2.23; threshold 1.5 (margin 0.42)
    assert none.test[-1] > 1.5 * none.test.min()  # テスト誤差は最小値のあと上がる
    for name in ["decay", "dropout"]:
        # sweep: ratio to unregularised observed 0.46–0.54 (decay), 0.47–0.66 (dropout);
        # threshold 0.8 (margin 0.14)
        assert mlp_runs[name].test[-1] < 0.8 * none.test[-1], name
        # sweep: train error above unregularised by 0.027–0.041; threshold 0 (margin 0.027)
        assert mlp_runs[name].train[-1] > none.train[-1], name


@pytest.mark.slow
def test_early_stopping_stops_and_restores_the_best_validation_model(mlp_runs):
    early, none = mlp_runs["early"], mlp_runs["none"]
    # sweep seeds 0-2 × {native, default, pinned}: stopped at epoch 340–460; threshold 800 (margin 340)
    assert early.stopped_epoch < 800
    best = int(np.argmin(early.val))
    assert early.best_epoch == early.epochs[best]
    data = R.make_curve_data(20, 200, 0.3, seed=1, n_val=20)
    assert R.mse(data.y_val, early.predict(data.x_val)) == pytest.approx(early.val[best], rel=1e-5)
    # sweep: ratio to unregularised observed 0.49–0.52; threshold 0.8 (margin 0.28)
    assert R.mse(data.y_test, early.predict(data.x_test)) < 0.8 * none.test[-1]
    # 同じ種なので、止めるまでの道のりは正則化なしの学習と同じ
    k = len(early.epochs)
    assert np.allclose(early.train, none.train[:k])


@pytest.mark.slow
def test_mlp_training_is_deterministic(mlp_runs):
    assert np.array_equal(mlp_runs["none"].test, mlp_runs["again"].test)


@pytest.mark.slow
def test_input_noise_augmentation_regularises():
    data = R.make_curve_data(20, 200, 0.3, seed=1, n_val=20)
    plain = R.train_mlp(data, epochs=800, eval_every=100)
    noisy = R.train_mlp(data, epochs=800, eval_every=100, input_noise=0.03)
    # sweep seeds 0-2 × {native, default, pinned}: train error higher by 0.025–0.037; threshold 0
    # (margin 0.025); test error ratio noisy / plain observed 0.47–0.67; threshold 0.85 (margin 0.18)
    assert noisy.train[-1] > plain.train[-1]
    assert noisy.test[-1] < 0.85 * plain.test[-1]


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


# 公開関数は NaN・inf・空・数でない型を、計算の前に、引数の名前を挙げて拒む (issue 13.5)
_X = np.random.default_rng(0).standard_normal((10, 3))
_Y = np.linspace(-1.0, 1.0, 10)
_XS = np.linspace(0.0, 1.0, 10)
_CORRUPT = {
    "nan": (ValueError, lambda a: np.where(np.arange(a.size).reshape(a.shape) == 0, np.nan, a)),
    "inf": (ValueError, lambda a: np.where(np.arange(a.size).reshape(a.shape) == 0, np.inf, a)),
    "empty": (ValueError, lambda a: a[:0]),
    "text": (TypeError, lambda a: a.astype(str)),
    "bool": (TypeError, lambda a: a > 0),
}
_ARRAY_ARGUMENTS = {  # 名前 → (壊した配列を 1 つ受け取る呼び出し, エラーに出るべき引数名)
    "ridge X": (lambda b: R.ridge(b(_X), _Y, 1.0), "X"),
    "ridge y": (lambda b: R.ridge(_X, b(_Y), 1.0), "y"),
    "lasso X": (lambda b: R.lasso(b(_X), _Y, 1.0), "X"),
    "lasso y": (lambda b: R.lasso(_X, b(_Y), 1.0), "y"),
    "least_squares y": (lambda b: R.least_squares(_X, b(_Y)), "y"),
    "lasso_lambda_max X": (lambda b: R.lasso_lambda_max(b(_X), _Y), "X"),
    "polynomial_features x": (lambda b: R.polynomial_features(b(_XS), 3), "x"),
    "fit_polynomial x": (lambda b: R.fit_polynomial(b(_XS), _Y, 3), "x"),
    "fit_polynomial y": (lambda b: R.fit_polynomial(_XS, b(_Y), 3), "y"),
    "mse y_true": (lambda b: R.mse(b(_Y), _Y), "y_true"),
    "mse y_pred": (lambda b: R.mse(_Y, b(_Y)), "y_pred"),
    "target_function x": (lambda b: R.target_function(b(_XS)), "x"),
    "cross_validation_error x": (
        lambda b: R.cross_validation_error(b(_XS), _Y, 3, [0.1], k=2),
        "x",
    ),
    "cross_validation_error lams": (
        lambda b: R.cross_validation_error(_XS, _Y, 3, b(np.array([0.1, 1.0])), k=2),
        "lams",
    ),
    "coefficient_path lams": (
        lambda b: R.coefficient_path(_X, _Y, b(np.array([0.1, 1.0]))),
        "lams",
    ),
    "tikhonov A": (lambda b: R.tikhonov(b(_X), _Y, 1.0), "X"),
    "tikhonov y": (lambda b: R.tikhonov(_X, b(_Y), 1.0), "y"),
    "tikhonov_objective z": (lambda b: R.tikhonov_objective(b(np.ones(3)), _X, _Y, 1.0), "z"),
    "gaussian_kernel x1": (lambda b: R.gaussian_kernel(b(_XS), _XS, 0.1), "x1"),
    "fit_regularization_network x": (
        lambda b: R.fit_regularization_network(b(_XS), _Y, 0.1, 0.1),
        "x",
    ),
    "fit_regularization_network y": (
        lambda b: R.fit_regularization_network(_XS, b(_Y), 0.1, 0.1),
        "y",
    ),
    "negative_log_posterior w": (
        lambda b: R.negative_log_posterior(b(np.ones(3)), _X, _Y, 1.0, 1.0),
        "w",
    ),
    "LinearFit.predict X": (lambda b: R.ridge(_X, _Y, 1.0).predict(b(_X)), "X"),
    "PolynomialFit.predict x": (lambda b: R.fit_polynomial(_XS, _Y, 2).predict(b(_XS)), "x"),
    "RegularizationNetwork.predict x": (
        lambda b: R.fit_regularization_network(_XS, _Y, 0.1, 0.1).predict(b(_XS)),
        "x",
    ),
}


@pytest.mark.parametrize("corruption", sorted(_CORRUPT))
@pytest.mark.parametrize("argument", sorted(_ARRAY_ARGUMENTS))
def test_public_functions_reject_bad_arrays(argument, corruption):
    call, name = _ARRAY_ARGUMENTS[argument]
    error, corrupt = _CORRUPT[corruption]
    with pytest.raises(error) as info:
        call(corrupt)
    assert name in str(info.value) or corruption in ("text", "bool"), str(info.value)


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (lambda: R.ridge(_X, _Y[:-1], 1.0), ("X", "y")),
        (lambda: R.lasso(_X, _Y[:-1], 1.0), ("X", "y")),
        (lambda: R.tikhonov(_X, _Y[:-1], 1.0), ("X", "y")),
        (lambda: R.tikhonov(_X, _Y, 1.0, P=np.eye(4)), ("P",)),
        (lambda: R.mse(_Y, _Y[:-1]), ("y_true", "y_pred")),
        (lambda: R.cross_validation_error(_XS, _Y[:-1], 3, [0.1], k=2), ("x", "y")),
        (lambda: R.fit_regularization_network(_XS, _Y[:-1], 0.1, 0.1), ("x", "y")),
        (lambda: R.gaussian_kernel(np.zeros((3, 2)), np.zeros((3, 3)), 0.1), ("x1", "x2")),
        (lambda: R.ridge(_X, _Y, 1.0).predict(np.zeros((2, 4))), ("X",)),
    ],
)
def test_shape_mismatches_name_the_arguments(call, names):
    with pytest.raises(ValueError) as info:
        call()
    assert all(n in str(info.value) for n in names), str(info.value)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: R.make_curve_data(10, 10, noise=float("nan")), ValueError, "noise"),
        (lambda: R.make_curve_data(-1, 10), ValueError, "n_train"),
        (lambda: R.lasso(_X, _Y, float("nan")), ValueError, "lam"),
        (lambda: R.ridge(_X, _Y, float("inf")), ValueError, "lam"),
        (lambda: R.blur_matrix(10, -1.0), ValueError, "width"),
        (lambda: R.kfold_indices(10, 1), ValueError, "k"),
        (lambda: R.sample_size_sweep([10.5], 3, n_repeats=2), TypeError, "size"),
        (lambda: R.bias_variance([(1, float("nan"))], 10, n_repeats=3), ValueError, "lam"),
        (lambda: R.degree_sweep(R.make_curve_data(10, 10), [-1]), ValueError, "degree"),
        (lambda: R.train_mlp(R.make_curve_data(5, 5), epochs=2, lr=float("nan")), ValueError, "lr"),
        (
            lambda: R.train_mlp(R.make_curve_data(5, 5), epochs=2, weight_decay=float("nan")),
            ValueError,
            "weight_decay",
        ),
        (lambda: R.make_mlp(hidden=0), ValueError, "hidden"),
    ],
)
def test_bad_scalars_are_rejected_by_name(call, error, name):
    with pytest.raises(error, match=name):
        call()


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: R.degree_sweep(R.make_curve_data(10, 10), []), ValueError, "degrees"),
        (lambda: R.degree_sweep("data", [1]), TypeError, "data"),
        (lambda: R.train_mlp("data", epochs=2), TypeError, "data"),
        (lambda: R.tikhonov_objective(np.ones(4), _X, _Y, 1.0), ValueError, "z"),
        (lambda: R.negative_log_posterior(np.ones(4), _X, _Y, 1.0, 1.0), ValueError, "w"),
        (lambda: R.bias_variance([], 10), ValueError, "models"),
        (lambda: R.sample_size_sweep([], 3), ValueError, "sizes"),
    ],
)
def test_remaining_bad_inputs_are_rejected_by_name(call, error, name):
    with pytest.raises(error, match=name):
        call()


# --- 般化勾配 (人のデータとの比較) -------------------------------------------------------


def test_gaussian_green_function_is_the_network_trained_on_one_point():
    d = np.linspace(0, 3, 31)
    for width in [0.3, 1.0]:
        net = R.fit_regularization_network([0.0], [1.0], 0.0, width)
        assert np.allclose(net.predict(d), R.green_function(d, width, "gaussian"))
    assert np.allclose(R.green_function(d, 0.7, "exponential"), np.exp(-d / 0.7))


@pytest.mark.slow
def test_exponential_is_the_green_function_of_the_first_order_penalty():
    # 1 次元の格子で (s² D^T D + I) g = δ を解くと、g は exp(−|x|/s) に比例する
    h, s = 0.01, 0.5
    n = 1201
    D = np.diff(np.eye(n), axis=0) / h
    delta = np.zeros(n)
    delta[n // 2] = 1 / h
    g = np.linalg.solve(s**2 * D.T @ D + np.eye(n), delta)
    x = (np.arange(n) - n // 2) * h
    inner = np.abs(x) < 3
    expected = R.green_function(np.abs(x[inner]), s, "exponential") / (2 * s)
    assert np.allclose(g[inner], expected, atol=0.02 * expected.max())


@pytest.mark.parametrize("kind", ["gaussian", "exponential"])
def test_fit_generalization_gradient_recovers_known_parameters(kind):
    d = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
    y = 4.0 + 6.0 * R.green_function(d, 0.8, kind)
    fit = R.fit_generalization_gradient(d, y, kind, widths=np.linspace(0.2, 2.0, 181))
    assert fit.width == pytest.approx(0.8, abs=0.011)
    assert fit.amplitude == pytest.approx(6.0, rel=0.02)
    assert fit.baseline == pytest.approx(4.0, abs=0.1)
    assert fit.rmse < 0.02 and fit.r2 > 0.999
    assert np.allclose(fit.predict(d), y, atol=0.05)


def test_exponential_fits_hovland_better_than_the_gaussian_network():
    from deeppsych.data import human_generalization

    steps, gsr = human_generalization.hovland_gradient()
    gauss = R.fit_generalization_gradient(steps, gsr, "gaussian")
    expo = R.fit_generalization_gradient(steps, gsr, "exponential")
    assert expo.rmse < 0.5 * gauss.rmse  # 指数関数型のほうがよく合う
    assert min(gauss.r2, expo.r2) > 0.95  # どちらも大まかな形はとらえる (4 点に 3 つの数)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: R.green_function([0.0, -1.0], 1.0), ValueError, "distance"),
        (lambda: R.green_function([0.0, np.nan], 1.0), ValueError, "distance"),
        (lambda: R.green_function([0.0], 0.0), ValueError, "width"),
        (lambda: R.green_function([0.0], 1.0, "cauchy"), ValueError, "kind"),
        (lambda: R.fit_generalization_gradient([0, 1, 2], [1.0, 2.0]), ValueError, "distance"),
        (lambda: R.fit_generalization_gradient([0, 1], [1.0, 2.0]), ValueError, "3 点"),
        (lambda: R.fit_generalization_gradient([1, 1, 1], [1.0, 2.0, 3.0]), ValueError, "distance"),
        (
            lambda: R.fit_generalization_gradient([0, 1, 2], [1.0, np.inf, 3.0]),
            ValueError,
            "response",
        ),
        (lambda: R.fit_generalization_gradient([0, 1, 2], ["a", "b", "c"]), TypeError, "response"),
        (
            lambda: R.fit_generalization_gradient([0, 1, 2], [1, 2, 3], widths=[0.0]),
            ValueError,
            "widths",
        ),
    ],
)
def test_gradient_functions_reject_bad_input(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_fit_curves_holds_each_fit_of_the_degree_lambda_grid():
    data = R.make_curve_data(**CHAPTER_DATA)
    x = np.linspace(0, 1, 21)
    lams = [0.0, 1e-4, 10.0]
    curves = R.fit_curves(data.x_train, data.y_train, [3, 11], lams, x)
    assert curves.shape == (2, 3, 21)
    for i, d in enumerate([3, 11]):
        for j, lam in enumerate(lams):
            direct = R.fit_polynomial(data.x_train, data.y_train, d, lam).predict(x)
            assert np.allclose(curves[i, j], direct)
    # 罰則なしの 11 次は 12 点を通る。λ を強くすると曲線は平らになる
    at_data = R.fit_curves(data.x_train, data.y_train, [11], [0.0], data.x_train)[0, 0]
    assert np.allclose(at_data, data.y_train, atol=1e-6)
    assert np.ptp(curves[1, 2]) < 0.5 * np.ptp(curves[1, 1])
    with pytest.raises(ValueError, match="lams"):
        R.fit_curves(data.x_train, data.y_train, [3], [-1.0], x)
    with pytest.raises(ValueError, match="degrees"):
        R.fit_curves(data.x_train, data.y_train, [], [0.0], x)
    with pytest.raises(TypeError, match="degrees"):
        R.fit_curves(data.x_train, data.y_train, [2.5], [0.0], x)
    with pytest.raises(ValueError, match="x_eval"):
        R.fit_curves(data.x_train, data.y_train, [3], [0.0], [[0.5]])
