"""Stroop モデルのネットワーク (Cohen, Dunbar & McClelland 1990) (``book/07_stroop.md``)。

入力 (色 2・語 2・課題要求 2) → 経路ごとの中間ユニット (色の経路 2・語の経路 2) → 反応ユニット 2。
ユニットはロジスティック関数 (シグモイド関数)。ここには、ネットワークの結合 (重み)、試行の入力、
1 回の順伝播 (カスケードの平衡状態)、誤差逆伝播による学習を置く。

* 結合の強さ (入力 → 中間、中間 → 反応) は誤差逆伝播で学習する。語の読みを色の命名より
  多く練習させる。課題要求ユニット → 中間ユニットの重み (4.0) と中間ユニットのバイアス (−4.0)
  は固定。注意を向けた経路は正味入力 0 (シグモイド関数の感度の高い範囲)、もう一方は −4
  (感度の低い範囲) になる。

時間の経過 (カスケードと証拠の蓄積器、反応時間) は ``stroop`` にある。章は ``stroop`` だけを
import し、ここの名前も ``stroop.train_network`` のように呼ぶ。
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import training
from ._checks import (
    as_float_tensor,
    check_seed,
    instance_of,
    one_of,
    positive_int,
    positive_number,
)

TASKS = ("colour naming", "word reading")
CONDITIONS = ("control", "conflict", "congruent")
TRIAL_TYPES = tuple((task, condition) for task in TASKS for condition in CONDITIONS)
COLOURS = ("red", "green")

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


def _check_weights(weights):
    instance_of(weights, StroopWeights, "weights")
