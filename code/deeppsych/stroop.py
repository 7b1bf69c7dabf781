"""Stroop 効果の PDP モデル (Cohen, Dunbar & McClelland 1990) (``book/07_stroop.md``)。

入力 (色 2・語 2・課題要求 2) → 経路ごとの中間ユニット (色の経路 2・語の経路 2) → 反応ユニット 2
→ 反応ごとの証拠の蓄積器、というネットワークである。章はこのモジュールを ``stroop`` として使う。

* ネットワーク (結合、試行の入力、1 回の順伝播、誤差逆伝播による学習) は ``stroop_network`` にあり、
  ここから同じ名前で呼べる (``stroop.train_network``、``stroop.hidden_drive`` など)。
* ここには時間の経過を置く。処理はカスケード (McClelland 1979):
  net(t) = τ(Σ a w + b + ε) + (1 − τ) net(t − 1)。
* 蓄積器: e_i(t) = e_i(t − 1) + α (a_i − max_{j≠i} a_j) + ξ。どれかが閾値に達した時点が反応、
  それまでのサイクル数が反応時間。サイクル数は人の平均 (ms) への線形回帰でミリ秒に直す
  (``stroop_experiments``)。干渉と促進はここの ``effect`` だけが計算する。

すべての条件 × 多数の試行を 1 つのバッチとして同時に計算する (CPU で数秒以内)。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

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
from .stroop_network import (  # noqa: F401  (book/07_stroop.md は stroop.train_network などと呼ぶ)
    COLOURS,
    CONDITIONS,
    TASKS,
    TRIAL_TYPES,
    StroopNetwork,
    StroopWeights,
    TrainedStroop,
    _check_weights,
    feedforward,
    figure3_weights,
    hidden_drive,
    p_correct,
    stimulus,
    train_network,
    training_patterns,
)

# 人のデータ (出典と確かさは deeppsych.data.human_stroop の説明を参照)。
# Dunbar & MacLeod (1984) の平均反応時間 (ms): Cohen et al. (1990) 図 5 から読み取った近似値。
HUMAN_RT_MS = human_stroop.DUNBAR_MACLEOD_1984_RT_MS
# Stroop (1935): 100 項目を言い終えるまでの時間 (秒)。統制 = 色の四角形 / 黒いインクの語。
STROOP_1935_SECONDS = human_stroop.STROOP_1935_SECONDS


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
