"""Stroop 効果の PDP モデル (Cohen, Dunbar & McClelland 1990) (``book/07_stroop.md``)。

入力 (色 2・語 2・課題要求 2) → 経路ごとの中間ユニット (色の経路 2・語の経路 2) → 反応ユニット 2
→ 反応ごとの証拠の蓄積器、というネットワークである。ユニットはロジスティック関数 (シグモイド関数)。

* 結合の強さ (入力 → 中間、中間 → 反応) は誤差逆伝播で学習する。語の読みを色の命名より
  多く練習させる。課題要求ユニット → 中間ユニットの重み (4.0) と中間ユニットのバイアス (−4.0)
  は固定。注意を向けた経路は正味入力 0 (シグモイド関数の感度の高い範囲)、もう一方は −4
  (感度の低い範囲) になる。
* 処理はカスケード (McClelland 1979): net(t) = τ(Σ a w + b + ε) + (1 − τ) net(t − 1)。
* 蓄積器: e_i(t) = e_i(t − 1) + α (a_i − max_{j≠i} a_j) + ξ。どれかが閾値に達した時点が反応、
  それまでのサイクル数が反応時間。サイクル数は人の平均 (ms) への線形回帰でミリ秒に直す。

すべての条件 × 多数の試行を 1 つのバッチとして同時に計算する (CPU で数秒以内)。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import training
from ._checks import (
    as_float_tensor,
    check_seed,
    instance_of,
    integer,
    nonnegative_number,
    one_of,
    positive_int,
    positive_number,
)
from .data import human_stroop

TASKS = ("colour naming", "word reading")
CONDITIONS = ("control", "conflict", "congruent")
TRIAL_TYPES = tuple((task, condition) for task in TASKS for condition in CONDITIONS)
COLOURS = ("red", "green")

# 人のデータ (出典と確かさは deeppsych.data.human_stroop の説明を参照)。
# Dunbar & MacLeod (1984) の平均反応時間 (ms): Cohen et al. (1990) 図 5 から読み取った近似値。
HUMAN_RT_MS = human_stroop.DUNBAR_MACLEOD_1984_RT_MS
# Stroop (1935): 100 項目を言い終えるまでの時間 (秒)。統制 = 色の四角形 / 黒いインクの語。
STROOP_1935_SECONDS = human_stroop.STROOP_1935_SECONDS

_SIGNS = torch.tensor([[1.0, -1.0], [-1.0, 1.0]])  # 自分の色を興奮させ、他方を抑える (図 3 の形)
_MATRICES = ("colour_hidden", "word_hidden", "colour_response", "word_response")


@dataclass(frozen=True)
class StroopWeights:
    """ネットワークの結合。行列は (送り手, 受け手) の向き: 行 = 赤・緑 (RED・GREEN)。"""

    colour_hidden: torch.Tensor
    word_hidden: torch.Tensor
    colour_response: torch.Tensor
    word_response: torch.Tensor
    task_strength: float = 4.0
    hidden_bias: float = -4.0

    @classmethod
    def symmetric(cls, colour_in, word_in, colour_out, word_out, task=4.0, bias=-4.0):
        """図 3 と同じ対称な形 (自分の色へ +w、他方へ −w) の重みを 4 つの強さから作る。"""
        mats = [float(w) * _SIGNS for w in (colour_in, word_in, colour_out, word_out)]
        return cls(*mats, task_strength=float(task), hidden_bias=float(bias))

    def strengths(self) -> dict[str, float]:
        """各行列の「自分の色への重み」(対角成分の平均)。図 3 の 4 つの数と比べるためのもの。"""
        return {name: float(getattr(self, name).diagonal().mean()) for name in _MATRICES}

    def with_task_strength(self, strength: float) -> StroopWeights:
        """課題要求の重みだけを変えた写し (「前頭葉の損傷」のモデル: 上からの偏りを弱める)。"""
        strength = positive_number(strength, "strength")
        mats = [getattr(self, n) for n in _MATRICES]
        return StroopWeights(*mats, task_strength=strength, hidden_bias=self.hidden_bias)

    def detached(self, device=None) -> StroopWeights:
        mats = [getattr(self, n).detach().to(device or "cpu", torch.float32) for n in _MATRICES]
        return StroopWeights(*mats, task_strength=self.task_strength, hidden_bias=self.hidden_bias)


def figure3_weights() -> StroopWeights:
    """Cohen et al. (1990) 図 3 の学習後の重み (講義で使う固定重みのネットワーク)。"""
    return StroopWeights.symmetric(2.2, 2.6, 1.3, 2.5)


def _one_hot(index: int) -> torch.Tensor:
    return torch.eye(2)[index]


def stimulus(task: str, condition: str, colour: str = "red"):
    """1 試行の入力 (色, 語, 課題要求) と正しい反応の番号。colour は正しい反応 (標的の次元の値)。"""
    one_of(task, TASKS, "task")
    one_of(condition, CONDITIONS, "condition")
    one_of(colour, COLOURS, "colour")
    correct = COLOURS.index(colour)
    target = _one_hot(correct)
    distractor = {
        "control": torch.zeros(2),
        "conflict": _one_hot(1 - correct),
        "congruent": _one_hot(correct),
    }[condition]
    task_input = _one_hot(TASKS.index(task))
    if task == "colour naming":
        return target, distractor, task_input, correct
    return distractor, target, task_input, correct


def _check_inputs(colour, word, task):
    """(色, 語, 課題要求) の入力: どれも最後の次元が 2 の有限の実数、形が互いに同じ。"""
    out = [
        as_float_tensor(x, name) for x, name in ((colour, "colour"), (word, "word"), (task, "task"))
    ]
    for t, name in zip(out, ("colour", "word", "task"), strict=True):
        if t.shape[-1] != 2:
            raise ValueError(f"{name} の最後の次元は 2 (赤・緑) です (形 {tuple(t.shape)})")
    if not out[0].shape == out[1].shape == out[2].shape:
        shapes = [tuple(t.shape) for t in out]
        raise ValueError(f"colour, word, task の形が揃っていません ({shapes})")
    return out


def hidden_drive(weights: StroopWeights, colour, word, task, apply_bias: bool = True):
    """中間ユニットへの正味入力 Σ a w + b: 刺激の入力 + 課題要求 (4.0) + バイアス (−4.0)。"""
    _check_weights(weights)
    colour, word, task = _check_inputs(colour, word, task)
    bias = weights.hidden_bias if apply_bias else 0.0
    net_colour = colour @ weights.colour_hidden + weights.task_strength * task[..., :1] + bias
    net_word = word @ weights.word_hidden + weights.task_strength * task[..., 1:] + bias
    return net_colour, net_word


def feedforward(weights: StroopWeights, colour, word, task, apply_bias: bool = True):
    """1 回の順伝播 (カスケードの平衡状態)。(色の中間, 語の中間, 反応) の活性を返す。

    apply_bias=False はよくある誤り (バイアス −4 を定義したが足していない。docs/common_mistakes.md の 15) の再現用。
    """
    _check_weights(weights)
    net_colour, net_word = hidden_drive(weights, colour, word, task, apply_bias)
    h_colour, h_word = torch.sigmoid(net_colour), torch.sigmoid(net_word)
    response = torch.sigmoid(h_colour @ weights.colour_response + h_word @ weights.word_response)
    return h_colour, h_word, response


def p_correct(weights: StroopWeights, apply_bias: bool = True) -> dict[tuple[str, str], float]:
    """6 条件それぞれの、1 回の順伝播での正しい反応の相対的な強さ a_正 / (a_赤 + a_緑)。"""
    _check_weights(weights)
    out = {}
    for task, condition in TRIAL_TYPES:
        colour, word, task_input, correct = stimulus(task, condition)
        response = feedforward(weights, colour, word, task_input, apply_bias)[2]
        out[(task, condition)] = float(response[correct] / response.sum())
    return out


class StroopNetwork(nn.Module):
    """学習できる Stroop ネットワーク。課題要求の重みとバイアスは固定 (学習しない)。

    tied=True では図 3 と同じ対称な形に制約し、4 つの強さ (色・語 × 入力側・出力側) だけを学習する。
    tied=False では 4 つの 2×2 行列を自由に学習する (対称に制約したときより学習がずっと遅い)。
    """

    def __init__(self, tied: bool = True, init_scale: float = 0.1, seed: int = 0):
        super().__init__()
        generator = torch.Generator().manual_seed(check_seed(seed))
        init_scale = positive_number(init_scale, "init_scale")
        self.tied = bool(tied)
        if self.tied:
            self.strength = nn.Parameter(torch.rand(4, generator=generator) * init_scale)
        else:
            self.matrices = nn.Parameter(torch.randn(4, 2, 2, generator=generator) * init_scale)

    def weights(self) -> StroopWeights:
        if self.tied:
            return StroopWeights(*(s * _SIGNS.to(s.device) for s in self.strength))
        return StroopWeights(*self.matrices)

    def forward(self, colour, word, task):
        return feedforward(self.weights(), colour, word, task)[2]


def training_patterns(word_frequency: int = 10, colour_frequency: int = 1):
    """学習用の 4 パタン (色の命名 赤・緑、語の読み RED・GREEN) と、各パタンの提示頻度。"""
    word_frequency = positive_int(word_frequency, "word_frequency")
    colour_frequency = positive_int(colour_frequency, "colour_frequency")
    patterns = [stimulus(t, "control", c) for t in TASKS for c in COLOURS]
    colour, word, task = (torch.stack([p[i] for p in patterns]) for i in range(3))
    target = torch.eye(2)[[p[3] for p in patterns]]
    frequency = torch.tensor([colour_frequency] * 2 + [word_frequency] * 2, dtype=torch.float32)
    return colour, word, task, target, frequency


@dataclass
class TrainedStroop:
    network: StroopNetwork
    weights: StroopWeights
    losses: list[float]


def _frequency_weighted_sse(model, colour, word, task, target, frequency):
    # 各パタンを頻度の回数だけ提示したときの二乗誤差の和 (PDP の標準的な誤差)
    return 0.5 * (frequency[:, None] * (model(colour, word, task) - target) ** 2).sum()


def train_network(
    word_frequency: int = 10,
    colour_frequency: int = 1,
    epochs: int = 300,
    lr: float = 0.1,
    tied: bool = True,
    seed: int = 0,
) -> TrainedStroop:
    """誤差逆伝播 (全パタンの勾配降下) で結合を学習する。1 エポック = 全パタンを頻度の回数ずつ。"""
    positive_int(epochs, "epochs")
    positive_number(lr, "lr")
    check_seed(seed)
    network = StroopNetwork(tied=tied, seed=seed)
    batch = training_patterns(word_frequency, colour_frequency)
    losses = training.train(
        network,
        lambda epoch: [batch],
        _frequency_weighted_sse,
        epochs=epochs,
        lr=lr,
        optimizer="sgd",
    )
    return TrainedStroop(network, network.weights().detached(), losses)


# ---------------------------------------------------------------- カスケードと蓄積器
@dataclass(frozen=True)
class DynamicsParameters:
    """カスケードと蓄積器のパラメータ。既定値は本書の選択 (元論文の細部とは異なりうる)。"""

    tau: float = 0.1  # カスケードの速さ τ (0 < τ ≤ 1)
    unit_noise: float = 0.1  # 中間・反応ユニットの正味入力に加える雑音の標準偏差
    rate: float = 0.1  # 蓄積の速さ α
    accumulator_noise: float = 0.1  # 蓄積器の雑音の標準偏差
    threshold: float = 1.0  # 反応の閾値
    max_cycles: int = 1000  # これを越えたら無反応

    def __post_init__(self):
        tau = positive_number(self.tau, "tau")
        if not tau <= 1:
            raise ValueError(f"tau は 0 < τ ≤ 1 でなければなりません ({tau!r} を受け取りました)")
        positive_number(self.threshold, "threshold")
        positive_number(self.rate, "rate")
        positive_int(self.max_cycles, "max_cycles")
        nonnegative_number(self.unit_noise, "unit_noise")
        nonnegative_number(self.accumulator_noise, "accumulator_noise")


def _batch(trial_types, n_trials: int, device):
    """trial_types × n_trials の入力。赤と緑の試行を半数ずつ交互に並べる。"""
    rows = [stimulus(t, c, colour) for t, c in trial_types for colour in COLOURS]
    colour, word, task = (torch.stack([r[i] for r in rows]) for i in range(3))
    correct = torch.tensor([r[3] for r in rows])
    trial = torch.arange(len(trial_types) * n_trials)
    index = 2 * (trial // n_trials) + trial % 2  # 条件ごとに赤・緑・赤・緑 …
    return [t[index].to(device) for t in (colour, word, task, correct)]


def _run(weights, colour, word, task, params, soa=0, seed=0, record=False, n_cycles=None):
    """カスケードを回す中心部。反応時間 (サイクル)、選んだ反応、record=True なら全時刻の状態。"""
    device = colour.device
    generator = torch.Generator(device=device).manual_seed(seed)
    is_colour_task = task[:, :1]
    target_colour, target_word = colour * is_colour_task, word * (1 - is_colour_task)
    distractor_colour, distractor_word = colour - target_colour, word - target_word
    # 刺激を出す前の状態: 課題要求ユニットだけがオンの平衡点 (順伝播 1 回で正確に求まる)
    zeros = torch.zeros_like(colour)
    states = feedforward(weights, zeros, zeros, task)
    nets = [torch.logit(s) for s in states]
    evidence = torch.zeros_like(colour)
    n = colour.shape[0]
    rt = torch.full((n,), float("nan"), device=device)
    choice = torch.full((n,), -1, dtype=torch.long, device=device)
    history = []
    last = n_cycles if n_cycles is not None else params.max_cycles
    for cycle in range(min(0, soa) + 1, last + 1):
        target_on, distractor_on = float(cycle >= 1), float(cycle >= soa + 1)
        c_in = target_on * target_colour + distractor_on * distractor_colour
        w_in = target_on * target_word + distractor_on * distractor_word
        nets, acts = cascade_step(weights, nets, (c_in, w_in, task), params, generator)
        if cycle >= 1:
            evidence = evidence + evidence_step(acts[2], params, generator)
            done = (evidence >= params.threshold).any(dim=1) & torch.isnan(rt)
            rt[done] = float(cycle)
            choice[done] = evidence[done].argmax(dim=1)
        if record:
            history.append([a.clone() for a in acts] + [evidence.clone()])
        if not record and not torch.isnan(rt).any():
            break
    return rt, choice, history


def cascade_step(weights, nets, inputs, params: DynamicsParameters, generator):
    """1 サイクル分の更新。net(t) = τ(Σ a w + b + ε) + (1 − τ) net(t − 1) を中間層、反応層の順に。

    nets は [色の中間, 語の中間, 反応] の正味入力 (各 (試行数, 2))、inputs は (色, 語, 課題要求)。
    """
    _check_params(params)
    if not isinstance(nets, list | tuple) or len(nets) != 3:
        raise ValueError("nets は [色の中間, 語の中間, 反応] の 3 つの正味入力です")
    nets = [as_float_tensor(n, f"nets[{i}]") for i, n in enumerate(nets)]
    tau, sd = params.tau, params.unit_noise

    def cascade(drive, net):
        noise = torch.randn(net.shape, generator=generator, device=net.device)
        return tau * (drive + sd * noise) + (1 - tau) * net

    drive_c, drive_w = hidden_drive(weights, *inputs)
    net_c, net_w = cascade(drive_c, nets[0]), cascade(drive_w, nets[1])
    h_c, h_w = torch.sigmoid(net_c), torch.sigmoid(net_w)
    net_r = cascade(h_c @ weights.colour_response + h_w @ weights.word_response, nets[2])
    return [net_c, net_w, net_r], [h_c, h_w, torch.sigmoid(net_r)]


def evidence_step(response, params: DynamicsParameters, generator):
    """蓄積器の増分 α (a_i − max_{j≠i} a_j) + ξ (ξ は平均 0 の正規雑音)。"""
    _check_params(params)
    response = as_float_tensor(response, "response", min_dim=2)
    if response.dim() != 2 or response.shape[1] < 2:
        raise ValueError(
            f"response は (試行数, 反応数 ≥ 2) の活性です (形 {tuple(response.shape)})"
        )
    top2 = response.topk(2, dim=1).values
    best_other = torch.where(response >= top2[:, :1], top2[:, 1:], top2[:, :1])
    noise = torch.randn(response.shape, generator=generator, device=response.device)
    return params.rate * (response - best_other) + params.accumulator_noise * noise


# 干渉 = 不一致 − 統制、促進 = 統制 − 一致 (平均反応時間の差)
EFFECTS = {"interference": ("conflict", "control"), "facilitation": ("control", "congruent")}


def effect(mean_rt, trial_types, task: str, kind: str = "interference"):
    """条件ごとの平均反応時間 mean_rt (行は trial_types の順) から、task の干渉または促進を求める。"""
    slower, faster = EFFECTS[one_of(kind, EFFECTS, "kind")]
    for condition in (slower, faster):
        if (task, condition) not in trial_types:
            raise ValueError(f"(task, condition) = {(task, condition)!r} はこの結果にない条件です")
    return mean_rt[trial_types.index((task, slower))] - mean_rt[trial_types.index((task, faster))]


@dataclass
class StroopTrials:
    """シミュレーションの結果。rt と correct は (条件数, 試行数)。rt は無反応なら nan。"""

    rt: np.ndarray
    correct: np.ndarray
    trial_types: tuple

    def mean_rt(self) -> np.ndarray:
        """条件ごとの正答試行の平均反応時間 (サイクル)。"""
        rt = np.where(self.correct, self.rt, np.nan)
        return np.nanmean(rt, axis=1)

    def error_rate(self) -> np.ndarray:
        """条件ごとの誤り (反対の色を答えた、または無反応) の割合。"""
        return 1.0 - self.correct.mean(axis=1)

    def interference(self, task: str) -> float:
        return float(effect(self.mean_rt(), self.trial_types, task, "interference"))

    def facilitation(self, task: str) -> float:
        return float(effect(self.mean_rt(), self.trial_types, task, "facilitation"))


def _check_weights(weights):
    instance_of(weights, StroopWeights, "weights")


def _check_params(params):
    instance_of(params, DynamicsParameters, "params")


def _check_trial_types(trial_types):
    trial_types = tuple(tuple(t) for t in trial_types)
    for task, condition in trial_types:
        stimulus(task, condition)  # 名前の検査
    if not trial_types:
        raise ValueError("trial_types が空です")
    return trial_types


def simulate(
    weights: StroopWeights,
    n_trials: int = 500,
    params: DynamicsParameters | None = None,
    soa: int = 0,
    seed: int = 0,
    trial_types=TRIAL_TYPES,
    device=None,
) -> StroopTrials:
    """全条件 × n_trials 試行を 1 つのバッチで走らせる。

    soa は妨害次元の出現時刻 − 標的の出現時刻 (サイクル。負なら妨害次元が先に出る)。
    反応時間は標的の出現から数える。この小さなモデルでは CPU が速いので既定は CPU。
    """
    _check_weights(weights)
    n_trials = positive_int(n_trials, "n_trials")
    soa = integer(soa, "soa")  # サイクル数
    params = DynamicsParameters() if params is None else params
    _check_params(params)
    seed = check_seed(seed)
    trial_types = _check_trial_types(trial_types)
    device = training.resolve_device(device)
    colour, word, task, correct = _batch(trial_types, n_trials, device)
    with training.single_thread():
        rt, choice, _ = _run(weights.detached(device), colour, word, task, params, int(soa), seed)
    shape = (len(trial_types), n_trials)
    ok = (choice == correct).reshape(shape).cpu().numpy()
    return StroopTrials(rt.reshape(shape).cpu().numpy(), ok, trial_types)


def trace(weights, task="colour naming", condition="conflict", n_cycles=80, params=None, seed=0):
    """1 試行の時間経過 (中間・反応ユニットの活性と証拠) を記録する。配列は (サイクル, 2)。"""
    _check_weights(weights)
    params = DynamicsParameters() if params is None else params
    _check_params(params)
    seed = check_seed(seed)
    colour, word, task_input, correct = _batch(((task, condition),), 1, "cpu")
    n_cycles = positive_int(n_cycles, "n_cycles")
    with training.single_thread():
        rt, choice, history = _run(
            weights.detached(), colour, word, task_input, params, 0, seed, True, n_cycles
        )
    names = ("colour_hidden", "word_hidden", "response", "evidence")
    out = {name: torch.cat([h[i] for h in history]).numpy() for i, name in enumerate(names)}
    out.update(cycle=np.arange(1, n_cycles + 1), rt=float(rt[0]))
    out["correct"] = bool(choice[0] == correct[0])
    return out
