"""活性化関数、ソフトマックス関数、交差エントロピー、勝者専有 (``book/01_softmax_attention.md``)。

式はよくある誤りを正した形で実装している (docs/common_mistakes.md の 1–7):

* シグモイド関数 σ(x) = 1 / (1 + e^{-x}),  σ'(x) = σ(x)(1 − σ(x))
* tanh x = (e^x − e^{-x}) / (e^x + e^{-x}) = 2σ(2x) − 1,  tanh'(x) = 1 − tanh² x
* 温度 T のソフトマックス関数 s_i = e^{x_i/T} / Σ_j e^{x_j/T}
* ヤコビ行列 ∂s_i/∂x_j = s_i(δ_ij − s_j) / T
* 2 値交差エントロピー ℓ = −[t log p + (1 − t) log(1 − p)]
* ボルツマン分布 p_i = e^{−βE_i} / Z(β)  (β = 1/T)

すべての関数は配列風の入力を受け取り、torch.Tensor を返す。
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from . import training
from ._checks import as_float_tensor, one_of, positive_int, positive_number

# --- 1 変数の活性化関数 ------------------------------------------------------


def sigmoid(x) -> torch.Tensor:
    """ロジスティックシグモイド関数 σ(x) = 1/(1 + e^{-x})。

    x が大きな負の値でも e^{-x} があふれないよう、符号で式を使い分ける。
    """
    x = as_float_tensor(x, min_dim=0)
    positive = 1.0 / (1.0 + torch.exp(-x.clamp(min=0.0)))  # x ≥ 0 で使う: e^{-x} ≤ 1
    e = torch.exp(x.clamp(max=0.0))  # x < 0 で使う: e^{x} < 1
    return torch.where(x >= 0, positive, e / (1.0 + e))


def sigmoid_derivative(x) -> torch.Tensor:
    """σ'(x) = σ(x)(1 − σ(x))。最大値は x = 0 での 0.25。"""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x) -> torch.Tensor:
    """双曲線正接 tanh x = (e^x − e^{-x})/(e^x + e^{-x})。

    数値的には恒等式 tanh x = 2σ(2x) − 1 で計算する (オーバーフローしない)。
    """
    x = as_float_tensor(x, min_dim=0)
    return 2.0 * sigmoid(2.0 * x) - 1.0


def tanh_derivative(x) -> torch.Tensor:
    """tanh'(x) = 1 − tanh² x。最大値は x = 0 での 1。"""
    t = tanh(x)
    return 1.0 - t * t


def relu(x) -> torch.Tensor:
    """ReLU: max(0, x)。"""
    x = as_float_tensor(x, min_dim=0)
    return torch.clamp(x, min=0.0)


def logit(p) -> torch.Tensor:
    """対数オッズ log(p / (1 − p))。シグモイド関数の逆関数 (0 < p < 1)。"""
    p = as_float_tensor(p, "p", min_dim=0)
    if bool(((p <= 0) | (p >= 1)).any()):
        raise ValueError("p は 0 < p < 1 の確率でなければなりません")
    return torch.log(p) - torch.log1p(-p)


# --- ソフトマックス関数と温度 --------------------------------------------------


def _scores(x) -> torch.Tensor:
    """ソフトマックス関数の入力: 有限の値か、マスクされた位置の −inf (exp(−inf) = 0)。"""
    x = as_float_tensor(x, finite=False)
    if torch.isposinf(x.detach()).any():
        raise ValueError(
            "x に +inf が含まれています (有限の値か、マスクを表す -inf だけが使えます)"
        )
    return x


def softmax(x, temperature: float = 1.0, dim: int = -1) -> torch.Tensor:
    """温度 T のソフトマックス関数 s_i = exp(x_i/T) / Σ_j exp(x_j/T)。

    最大値を引いてから指数をとるので、±1e4 のような入力でもあふれない。
    T → 0 で勝者専有 (argmax の one-hot)、T → ∞ で一様分布に近づく。
    """
    x = _scores(x)
    t = positive_number(temperature, "temperature")
    z = x / t
    z = z - z.amax(dim=dim, keepdim=True)
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, temperature: float = 1.0, dim: int = -1) -> torch.Tensor:
    """log s_i = x_i/T − log Σ_j exp(x_j/T) (logsumexp で安定に計算)。"""
    x = _scores(x)
    t = positive_number(temperature, "temperature")
    z = x / t
    z = z - z.amax(dim=dim, keepdim=True)
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))


def softmax_jacobian(x, temperature: float = 1.0) -> torch.Tensor:
    """ソフトマックス関数のヤコビ行列 J_ij = ∂s_i/∂x_j = s_i(δ_ij − s_j)/T (x は 1 次元)。"""
    x = as_float_tensor(x)
    if x.dim() != 1:
        raise ValueError(f"x は 1 次元のベクトルでなければなりません (形 {tuple(x.shape)})")
    t = positive_number(temperature, "temperature")
    s = softmax(x, t)
    return (torch.diag(s) - torch.outer(s, s)) / t


def log_partition_function(x, temperature: float = 1.0) -> torch.Tensor:
    """分配関数 Z(T) = Σ_i exp(x_i/T) の対数 (最後の次元について)。softmax = exp(x/T)/Z。"""
    x = as_float_tensor(x)
    t = positive_number(temperature, "temperature")
    return torch.logsumexp(x / t, dim=-1)


def boltzmann(energies, beta: float) -> torch.Tensor:
    """ボルツマン分布 p_i = exp(−β E_i) / Z(β)。逆温度 β = 1/T のソフトマックス関数に等しい。

    エネルギーが低い状態ほど起こりやすい、という統計力学の符号の約束に従う。
    """
    b = positive_number(beta, "beta")
    return softmax(-as_float_tensor(energies, "energies"), temperature=1.0 / b)


def winner_take_all(x, dim: int = -1) -> torch.Tensor:
    """勝者専有: 最大の要素だけ 1、ほかは 0 (同点なら先頭)。softmax の T → 0 の極限。"""
    x = as_float_tensor(x)
    index = x.argmax(dim=dim, keepdim=True)
    return torch.zeros_like(x).scatter_(dim, index, 1.0)


# --- 損失関数 --------------------------------------------------------------------


def _targets_like(targets, logits: torch.Tensor) -> torch.Tensor:
    t = as_float_tensor(targets, "targets", min_dim=0).to(logits.dtype)
    if t.shape != logits.shape:
        raise ValueError(
            f"targets の形 {tuple(t.shape)} が logits の形 {tuple(logits.shape)} と違います"
        )
    if bool(((t < 0) | (t > 1)).any()):
        raise ValueError("targets は 0 以上 1 以下でなければなりません")
    return t


def binary_cross_entropy(logits, targets) -> torch.Tensor:
    """2 値交差エントロピー ℓ = −[t log p + (1−t) log(1−p)]、p = σ(z) (平均)。

    ロジット z から直接 ℓ = log(1 + e^z) − t z と計算するので p が 0 や 1 に張り付いても安定。
    """
    z = as_float_tensor(logits, "logits", min_dim=0)
    t = _targets_like(targets, z)
    return (torch.nn.functional.softplus(z) - t * z).mean()


def squared_error(logits, targets) -> torch.Tensor:
    """比較用の二乗誤差 ½(σ(z) − t)² (平均)。シグモイド出力に使うと学習が遅くなる。"""
    z = as_float_tensor(logits, "logits", min_dim=0)
    t = _targets_like(targets, z)
    return (0.5 * (sigmoid(z) - t) ** 2).mean()


def cross_entropy(logits, targets) -> torch.Tensor:
    """多クラス交差エントロピー −log softmax(z)_t (平均)。

    logits は (N, C)、targets はクラス番号 (N,)。
    """
    z = as_float_tensor(logits, "logits", min_dim=2)
    if z.dim() != 2:
        raise ValueError(f"logits は (N, C) の 2 次元でなければなりません (形 {tuple(z.shape)})")
    t = torch.as_tensor(targets)
    if t.is_floating_point() or t.dtype == torch.bool:
        raise TypeError("targets はクラス番号 (整数) でなければなりません")
    if t.shape != z.shape[:1]:
        raise ValueError(f"targets の形 {tuple(t.shape)} は ({z.shape[0]},) でなければなりません")
    if bool(((t < 0) | (t >= z.shape[1])).any()):
        raise ValueError(f"targets は 0 以上 {z.shape[1] - 1} 以下のクラス番号でなければなりません")
    return -log_softmax(z).gather(1, t.long().unsqueeze(1)).mean()


def gradient_wrt_logits(loss: Callable, logits, targets) -> torch.Tensor:
    """損失を各ロジットで微分した値 (自動微分)。要素ごとの損失の和について求める。"""
    z = as_float_tensor(logits, "logits", min_dim=0).detach().clone().requires_grad_(True)
    total = loss(z, targets) * z.numel()  # 平均ではなく和の勾配にする
    (grad,) = torch.autograd.grad(total, z)
    return grad


# --- k 勝者専有回路 -------------------------------------------------------------


@dataclass
class KWTAResult:
    """k 勝者専有回路の結果: 活動の時系列 (steps+1, n)、抑制の時系列 (steps+1,)、勝者。"""

    activity: torch.Tensor
    inhibition: torch.Tensor
    winners: torch.Tensor


def k_winners_take_all(
    x, k: int, gain: float = 100.0, rate: float = 0.005, steps: int = 2000
) -> KWTAResult:
    """大域的抑制をもつ k 勝者専有回路をオイラー法で動かす。

    各ユニットの活動は a_i = σ(gain·(x_i − θ))、抑制ユニット θ は全体の活動が k を超えると強まる:
    dθ/dt = Σ_i a_i − k。平衡では Σ a_i = k となり、θ は k 番目と k+1 番目の入力の間に落ち着く
    (抑制ユニットが 1 つだけの k-WTA; Majani et al. 1989 の考え方)。
    """
    x = as_float_tensor(x)
    if x.dim() != 1:
        raise ValueError(f"x は 1 次元のベクトルでなければなりません (形 {tuple(x.shape)})")
    n = x.numel()
    k = positive_int(k, "k")
    if k >= n:
        raise ValueError(f"k は入力の個数 {n} より小さくなければなりません (k={k})")
    g = positive_number(gain, "gain")
    eta = positive_number(rate, "rate")
    steps = positive_int(steps, "steps")
    theta = x.min() - 1.0 / g  # 初めは全員が活動している
    activity, inhibition = [], []
    for _ in range(steps + 1):
        a = sigmoid(g * (x - theta))
        activity.append(a)
        inhibition.append(theta)
        theta = theta + eta * (a.sum() - k)
    activity_t = torch.stack(activity)
    return KWTAResult(activity_t, torch.stack(inhibition), activity_t[-1] > 0.5)


# --- 勾配消失 --------------------------------------------------------------------

_ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def deep_network(activation: str, depth: int = 20, width: int = 64) -> nn.Sequential:
    """同じ幅の全結合層を depth 段重ねたネットワーク。初期値は各活性化関数の標準
    (sigmoid/tanh には Glorot (Xavier)、ReLU には He (Kaiming))。"""
    one_of(activation, sorted(_ACTIVATIONS), "activation")
    depth = positive_int(depth, "depth")
    width = positive_int(width, "width")
    layers: list[nn.Module] = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        if activation == "relu":
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        else:
            nn.init.xavier_normal_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, _ACTIVATIONS[activation]()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def layer_gradient_norms(
    activation: str, depth: int = 20, width: int = 64, n_samples: int = 256, seed: int = 0
) -> torch.Tensor:
    """初期化直後のネットワークで、各層の重みの勾配ノルム (入力側から順に depth 個) を返す。"""
    with training.seeded(seed) as generator:
        net = deep_network(activation, depth, width)
    x = torch.randn(n_samples, width, generator=generator)
    y = torch.randn(n_samples, 1, generator=generator)
    loss = ((net(x) - y) ** 2).mean()
    loss.backward()
    linears = [m for m in net if isinstance(m, nn.Linear)][:depth]
    return torch.stack([m.weight.grad.norm() for m in linears])
