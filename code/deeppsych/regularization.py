"""正則化: 過学習と未学習、リッジ回帰とラッソ、標準正則化理論、正則化ネットワーク (``book/08_regularization.md``)。

式はすべて「誤差 + λ × 罰則」の形にそろえてある (誤差の項も 2 乗する。docs/common_mistakes.md の 11):

* リッジ回帰とラッソ: ``linear.ridge``・``linear.lasso`` (``book/02_cosine_correlation.md`` の符号化モデルと同じ関数)
* 多項式の基底と当てはめ、λ ごとの係数の道筋: ``polynomial`` モジュール
* 過学習と未学習 (次数・データ数)、偏り–分散分解、交差検証、ベイズ的な読み方: このモジュール
* 標準正則化理論と正則化ネットワーク: ``tikhonov`` モジュール
* ニューラルネットワークの正則化: 重みの減衰、ドロップアウト、入力の雑音、早期終了 (``train_mlp``)

切片 b には罰則をかけない (scikit-learn の fit_intercept=True と同じ)。scikit-learn との対応は
Ridge(alpha=λ)、Lasso(alpha=λ / (2n))、KernelRidge(alpha=λ, kernel="rbf", gamma=1 / (2 width²))。
データ (雑音のある sin 曲線) は ``data.noisy_sine`` にある。章は ``regularization`` だけを import し、
``linear``・``polynomial``・``tikhonov``・``data.noisy_sine`` の名前もここから呼ぶ (定義はそれぞれ 1 か所)。
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from . import training
from ._checks import (
    as_float_array,
    nonnegative_number,
    one_of,
    positive_int,
    positive_number,
)
from .data.noisy_sine import DOMAIN, CurveData, make_curve_data, target_function  # noqa: F401
from .linear import (  # noqa: F401  (book/08_regularization.md は reg.ridge などと呼ぶ)
    LinearFit,
    design,
    lasso,
    lasso_lambda_max,
    lasso_reference,
    least_squares,
    ridge,
    soft_threshold,
)
from .polynomial import (  # noqa: F401  (章は reg.fit_polynomial などと呼ぶ)
    PENALTIES,
    PolynomialFit,
    coefficient_path,
    fit_curves,
    fit_polynomial,
    path_fits,
    polynomial_features,
)
from .tikhonov import (  # noqa: F401  (章は reg.tikhonov などと呼ぶ)
    GradientFit,
    RegularizationNetwork,
    blur_matrix,
    difference_matrix,
    fit_generalization_gradient,
    fit_regularization_network,
    gaussian_kernel,
    green_function,
    tikhonov,
    tikhonov_objective,
)


def mse(y_true, y_pred) -> float:
    """平均二乗誤差。"""
    y_true, y_pred = as_float_array(y_true, "y_true", 1), as_float_array(y_pred, "y_pred", 1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} と y_pred {y_pred.shape} の形が違います")
    return float(np.mean((y_true - y_pred) ** 2))


# --- 次数・データ数・繰り返し標本 ---------------------------------------------------


def _curve_data(data) -> CurveData:
    if not isinstance(data, CurveData):
        raise TypeError(f"data は make_curve_data の返す CurveData です ({type(data).__name__})")
    return data


def degree_sweep(data: CurveData, degrees) -> dict[str, np.ndarray]:
    """次数ごとの訓練誤差とテスト誤差 (平均二乗誤差)。"""
    data, degrees = _curve_data(data), [positive_int(d, "degree", minimum=0) for d in degrees]
    if not degrees:
        raise ValueError("degrees が空です: 次数を 1 つ以上")
    train, test = [], []
    for d in degrees:
        fit = fit_polynomial(data.x_train, data.y_train, d)
        train.append(mse(data.y_train, fit.predict(data.x_train)))
        test.append(mse(data.y_test, fit.predict(data.x_test)))
    return {"degree": np.array(degrees), "train": np.array(train), "test": np.array(test)}


def sample_size_sweep(sizes, degree: int, n_repeats: int = 50, noise: float = 0.3, seed=0):
    """データ数ごとの訓練誤差とテスト誤差。各データ数で n_repeats 個の標本の中央値をとる。"""
    degree, n_repeats = (
        positive_int(degree, "degree", minimum=0),
        positive_int(n_repeats, "n_repeats"),
    )
    sizes = [positive_int(n, "size", minimum=degree + 2) for n in sizes]
    if not sizes:
        raise ValueError("sizes が空です: データ数を 1 つ以上")
    rng = np.random.default_rng(seed)
    train = np.zeros((len(sizes), n_repeats))
    test = np.zeros_like(train)
    for i, n in enumerate(sizes):
        for r in range(n_repeats):
            data = make_curve_data(n, 200, noise, rng)
            fit = fit_polynomial(data.x_train, data.y_train, degree)
            train[i, r] = mse(data.y_train, fit.predict(data.x_train))
            test[i, r] = mse(data.y_test, fit.predict(data.x_test))
    return {"size": np.array(sizes), "train": np.median(train, 1), "test": np.median(test, 1)}


def bias_variance(models, n_train: int, n_repeats: int = 200, noise: float = 0.3, seed=0):
    """繰り返し標本による偏り–分散分解 (Geman, Bienenstock & Doursat 1992)。

    models は (次数, λ) の組の並び。n_repeats 個の訓練標本 (どの模型にも同じ標本) で当てはめ、
    x の格子上で 偏り² = 平均 (E[f̂(x)] − f(x))²、分散 = 平均 Var[f̂(x)] を求める。
    期待テスト誤差 = 偏り² + 分散 + noise²。E[f̂] は有限個の標本平均なので、その誤差の分
    Var/n_repeats を偏り² から差し引いておく (分散が大きい模型で偏りを過大に見積もらないため)。
    """
    models = [
        (positive_int(d, "degree", minimum=0), nonnegative_number(lam, "lam")) for d, lam in models
    ]
    if not models:
        raise ValueError("models が空です: (次数, λ) の組を 1 つ以上")
    n_repeats = positive_int(n_repeats, "n_repeats", minimum=2)
    rng = np.random.default_rng(seed)
    grid = np.linspace(*DOMAIN, 201)
    preds = np.zeros((len(models), n_repeats, grid.size))
    for r in range(n_repeats):
        data = make_curve_data(n_train, 1, noise, rng)
        for i, (d, lam) in enumerate(models):
            preds[i, r] = fit_polynomial(data.x_train, data.y_train, d, lam).predict(grid)
    variance = preds.var(axis=1, ddof=1)
    bias2 = (preds.mean(axis=1) - target_function(grid)) ** 2 - variance / n_repeats
    return {
        "bias2": np.maximum(bias2.mean(axis=1), 0.0),
        "variance": variance.mean(axis=1),
        "noise": noise**2,
        "grid": grid,
        "predictions": preds,
    }


# --- 交差検証 -----------------------------------------------------------------


def kfold_indices(n: int, k: int, seed=0) -> list[tuple[np.ndarray, np.ndarray]]:
    """n 個のデータを k 個の折り (fold) に分け、(訓練の添字, 検証の添字) の組を k 個返す。"""
    n = positive_int(n, "n")
    k = positive_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"k = {k} がデータ数 n = {n} より大きい")
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    return [
        (np.sort(np.concatenate(folds[:i] + folds[i + 1 :])), np.sort(f))
        for i, f in enumerate(folds)
    ]


def cross_validation_error(x, y, degree: int, lams, k: int = 5, penalty="ridge", seed=0):
    """k 分割交差検証の誤差: λ ごとに、検証用の折りでの平均二乗誤差を k 個の折りで平均したもの。"""
    x, y = as_float_array(x, "x", 1), as_float_array(y, "y", 1)
    if x.size != y.size:
        raise ValueError(f"x の長さ {x.size} と y の長さ {y.size} が違います")
    lams = as_float_array(lams, "lams", 1)
    errors = np.zeros((lams.size, k))
    for f, (tr, va) in enumerate(kfold_indices(x.size, k, seed)):
        X_tr, X_va = polynomial_features(x[tr], degree), polynomial_features(x[va], degree)
        for i, fit in enumerate(path_fits(X_tr, y[tr], lams, penalty)):
            errors[i, f] = mse(y[va], fit.predict(X_va))
    return errors.mean(axis=1)


# --- ベイズ的な読み方 -------------------------------------------------------------


def negative_log_posterior(w, X, y, noise_sd: float, prior_scale: float, prior="gaussian"):
    """負の対数事後確率 (定数を除く)。尤度は y ~ N(Xw, σ²)。

    * prior = "gaussian":  w_j ~ N(0, τ²)   → ‖y − Xw‖²/(2σ²) + ‖w‖²/(2τ²)   (リッジ, λ = σ²/τ²)
    * prior = "laplace":   w_j ~ Laplace(0, b) → ‖y − Xw‖²/(2σ²) + ‖w‖₁/b      (ラッソ, λ = 2σ²/b)
    """
    X, y = design(X, y)
    w = as_float_array(w, "w", 1)
    if w.size != X.shape[1]:
        raise ValueError(f"w の長さ {w.size} が X の列数 {X.shape[1]} と違います")
    sigma = positive_number(noise_sd, "noise_sd")
    scale = positive_number(prior_scale, "prior_scale")
    r = y - X @ w
    if one_of(prior, ("gaussian", "laplace"), "prior") == "gaussian":
        return float(r @ r / (2 * sigma**2) + w @ w / (2 * scale**2))
    return float(r @ r / (2 * sigma**2) + np.abs(w).sum() / scale)


# --- ニューラルネットワークの正則化 ---------------------------------------------------


def make_mlp(hidden: int = 64, layers: int = 2, dropout: float = 0.0) -> nn.Sequential:
    """1 入力 1 出力の多層パーセプトロン (tanh)。

    dropout > 0 なら各隠れ層の後にドロップアウトを置く。
    """
    hidden, layers = positive_int(hidden, "hidden"), positive_int(layers, "layers")
    dropout = nonnegative_number(dropout, "dropout")
    if dropout >= 1:
        raise ValueError(f"dropout は 0 以上 1 未満です ({dropout!r})")
    modules, width = [], 1
    for _ in range(layers):
        modules += [nn.Linear(width, hidden), nn.Tanh()]
        if dropout > 0:
            modules.append(nn.Dropout(dropout))
        width = hidden
    modules.append(nn.Linear(width, 1))
    return nn.Sequential(*modules)


@dataclass
class MLPRun:
    """学習の記録。epochs の各時点での訓練・検証・テスト誤差 (平均二乗誤差) と、最良の模型。"""

    epochs: np.ndarray
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    best_epoch: int
    stopped_epoch: int
    model: nn.Module = field(repr=False)

    def predict(self, x) -> np.ndarray:
        return _predict(self.model, x)

    def at_best(self, curve: str = "test") -> float:
        """検証誤差が最小だった時点での誤差 (早期終了で残る模型の誤差)。"""
        return float(getattr(self, curve)[list(self.epochs).index(self.best_epoch)])


def _as_input(x, device) -> torch.Tensor:
    """x を多項式と同じく [−1, 1] に移した (n, 1) の入力。"""
    z = polynomial_features(x, 1)
    return torch.tensor(z, dtype=torch.float32, device=device)


def _predict(model: nn.Module, x) -> np.ndarray:
    device = next(model.parameters()).device
    with torch.no_grad():
        return model(_as_input(x, device)).squeeze(1).cpu().numpy().astype(np.float64)


def weight_penalty(model: nn.Module) -> torch.Tensor:
    """重み行列の二乗和 Σ‖W‖² (バイアスには罰則をかけない)。"""
    return sum((p**2).sum() for name, p in model.named_parameters() if name.endswith("weight"))


def train_mlp(
    data: CurveData,
    epochs: int = 1000,
    lr: float = 0.02,
    weight_decay: float = 0.0,
    dropout: float = 0.0,
    input_noise: float = 0.0,
    patience: int | None = None,
    eval_every: int = 10,
    hidden: int = 32,
    seed: int = 0,
    device=None,
) -> MLPRun:
    """多層パーセプトロンを全データ一括の Adam で学習する。

    損失 = 平均二乗誤差 + weight_decay × Σ‖W‖² (重み行列だけの L2 罰則。Adam では AdamW の減衰とは別物)。

    * dropout: 隠れ層のユニットを確率 dropout で落とす (Srivastava et al. 2014)
    * input_noise: データ拡張。エポックごとに訓練の x に N(0, input_noise²) のずれを加える
      (雑音が小さければ、近似的に Tikhonov 正則化と同じ; Bishop 1995)
    * patience: 早期終了。検証誤差が patience 回の評価のあいだ下がらなければ止め、最良の重みに戻す
    """
    data, epochs = _curve_data(data), positive_int(epochs, "epochs")
    eval_every = positive_int(eval_every, "eval_every")
    weight_decay = nonnegative_number(weight_decay, "weight_decay")
    input_noise = nonnegative_number(input_noise, "input_noise")
    if patience is not None:
        patience = positive_int(patience, "patience")
        if data.x_val.size == 0:
            raise ValueError("早期終了には検証データが必要です (make_curve_data の n_val > 0)")
    device = training.resolve_device(device)
    with training.seeded(seed) as generator:
        model = make_mlp(hidden, dropout=dropout).to(device)
        x_tr = _as_input(data.x_train, device)
        y_tr = torch.tensor(data.y_train, dtype=torch.float32, device=device)

        def batches(epoch: int):  # 全データ一括: 1 エポック = 1 回の更新
            if input_noise == 0:
                return [(x_tr, y_tr)]
            jitter = torch.randn(x_tr.shape, generator=generator) * (2 * input_noise)
            return [(x_tr + jitter.to(device), y_tr)]

        def loss_fn(m, x, y):
            return ((m(x).squeeze(1) - y) ** 2).mean() + weight_decay * weight_penalty(m)

        monitor = _Monitor(data, epochs, eval_every, patience)
        training.train(model, batches, loss_fn, epochs=epochs, lr=lr, callbacks=[monitor])
        return monitor.result(model)


class _Monitor:
    """``training.train`` のコールバック: eval_every エポックごと (と最後) に訓練・検証・テスト誤差を記録し、
    patience があれば早期終了する (検証誤差が patience 回の評価のあいだ下がらなければ止め、最良の重みに戻す)。"""

    def __init__(self, data: CurveData, epochs: int, eval_every: int, patience: int | None):
        self.sets = {
            "train": (data.x_train, data.y_train),
            "val": (data.x_val, data.y_val),
            "test": (data.x_test, data.y_test),
        }
        self.epochs, self.eval_every, self.patience = epochs, eval_every, patience
        self.history = {name: [] for name in ["epoch", *self.sets]}
        self.best, self.best_state, self.since_best = np.inf, None, 0

    def on_epoch(self, epoch: int, loss: float, model: nn.Module) -> bool:
        epoch += 1  # エポックは 1 から数える
        if epoch % self.eval_every and epoch != self.epochs:
            return False
        model.eval()
        self.history["epoch"].append(epoch)
        for name, (x, y) in self.sets.items():
            self.history[name].append(mse(y, _predict(model, x)) if x.size else np.nan)
        if self.patience is None:
            return False
        if self.history["val"][-1] < self.best:
            self.best, self.best_state, self.since_best = (
                self.history["val"][-1],
                copy.deepcopy(model),
                0,
            )
            return False
        self.since_best += 1
        return self.since_best >= self.patience

    def result(self, model: nn.Module) -> MLPRun:
        model = self.best_state if self.best_state is not None else model
        history = {name: np.array(values) for name, values in self.history.items()}
        val = history["val"]
        best_index = int(np.nanargmin(val)) if np.isfinite(val).any() else len(val) - 1
        return MLPRun(
            history["epoch"],
            history["train"],
            val,
            history["test"],
            int(history["epoch"][best_index]),
            int(history["epoch"][-1]),
            model.eval(),
        )
