"""Stroop モデルで行う実験と、人のデータとの対応 (``book/07_stroop.md``)。

モデル (ネットワーク、学習、カスケードと蓄積器のシミュレーション) は ``stroop`` にある。ここには、
そのモデルを使う実験をまとめる: 人の平均反応時間への線形回帰 (サイクル → ms)、SOA の実験
(Glaser & Glaser 1982; Cohen et al. 1990 図 6)、練習の頻度と干渉 (頻度ごとの SOA の実験も)、平衡状態の活性の差と葛藤の指標。
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from . import training
from ._checks import as_float_tensor, check_seed, instance_of, positive_int, positive_number
from .stroop import (
    CONDITIONS,
    HUMAN_RT_MS,
    TASKS,
    TRIAL_TYPES,
    DynamicsParameters,
    StroopWeights,
    _batch,
    _check_params,
    _check_trial_types,
    _check_weights,
    _run,
    effect,
    feedforward,
    simulate,
    stimulus,
    train_network,
)


# ---------------------------------------------------------------- 人のデータとの対応
@dataclass
class RTFit:
    """反応時間 (ms) ≈ intercept + slope × サイクル数 の最小二乗の当てはめ。"""

    slope: float
    intercept: float
    r: float
    predicted_ms: np.ndarray


def human_rt(trial_types=TRIAL_TYPES) -> np.ndarray:
    return np.array([HUMAN_RT_MS[t] for t in _check_trial_types(trial_types)])


def fit_to_human(model_cycles, human_ms=None) -> RTFit:
    """モデルの平均サイクル数を人の平均反応時間 (既定は Dunbar & MacLeod 1984) に線形回帰する。"""
    # NaN は反応しなかった条件があることを表す (as_float_tensor が拒否する)
    x = as_float_tensor(model_cycles, "model_cycles").double().numpy()
    y = human_rt() if human_ms is None else as_float_tensor(human_ms, "human_ms").double().numpy()
    if x.ndim != 1 or x.shape != y.shape or len(x) < 3:
        raise ValueError(
            f"model_cycles と human_ms は同じ長さ (3 以上) の 1 次元配列です ({x.shape}, {y.shape})"
        )
    slope, intercept = np.polyfit(x, y, 1)
    r = float(np.corrcoef(x, y)[0, 1])
    return RTFit(float(slope), float(intercept), r, intercept + slope * x)


@dataclass
class SOAResult:
    soa_ms: np.ndarray
    soa_cycles: np.ndarray
    mean_rt_ms: np.ndarray  # (条件数, SOA の数)
    trial_types: tuple

    def effect(self, task: str, kind: str = "interference") -> np.ndarray:
        """各 SOA での干渉 (不一致 − 統制) または促進 (統制 − 一致) を ms で。"""
        return effect(self.mean_rt_ms, self.trial_types, task, kind)


def soa_experiment(weights, fit: RTFit, soa_ms=range(-400, 401, 100), n_trials=300, seed=0):
    """妨害次元を標的より前後にずらす実験 (Glaser & Glaser 1982; Cohen et al. 1990 図 6)。

    SOA は回帰の傾き (ms/サイクル) でサイクルに直す。反応時間は標的の出現から数える。
    """
    _check_weights(weights)
    instance_of(fit, RTFit, "fit")
    soa_ms = as_float_tensor(list(soa_ms), "soa_ms").double().numpy()
    if soa_ms.ndim != 1:
        raise ValueError("soa_ms は 1 つ以上の値の 1 次元の並びです")
    n_trials = positive_int(n_trials, "n_trials")
    seed = check_seed(seed)
    positive_number(fit.slope, "fit.slope (ms/サイクル)")
    cycles = np.round(soa_ms / fit.slope).astype(int)
    means = [
        simulate(weights, n_trials, soa=int(c), seed=seed + i).mean_rt()
        for i, c in enumerate(cycles)
    ]
    mean_ms = fit.intercept + fit.slope * np.stack(means, axis=1)
    return SOAResult(soa_ms, cycles, mean_ms, TRIAL_TYPES)


def trained_weights(
    colour_frequency: int, word_frequency: int, epochs=300, seed=0
) -> StroopWeights:
    """``train_network`` で学習した重み。同じ引数の 2 度目からは、学習し直さずに同じ重みを返す
    (学習は決定的なので結果は変わらない。練習の頻度を変える実験を、章の中で何度も使うため)。"""
    return _trained_weights(
        positive_int(colour_frequency, "colour_frequency"),
        positive_int(word_frequency, "word_frequency"),
        positive_int(epochs, "epochs"),
        check_seed(seed),
    )


@lru_cache(maxsize=32)
def _trained_weights(colour_frequency: int, word_frequency: int, epochs: int, seed: int):
    return train_network(word_frequency, colour_frequency, epochs=epochs, seed=seed).weights


def interference_by_training(frequencies, epochs=300, n_trials=500, seed=0) -> np.ndarray:
    """練習の頻度 (色の命名, 語の読み) の組ごとに学習し直し、2 つの課題の干渉 (サイクル) を測る。

    返り値は (組の数, 2) の配列: 列 0 = 色の命名の干渉、列 1 = 語の読みの干渉。
    """
    frequencies = _check_frequency_pairs(frequencies)
    rows = []
    for colour_frequency, word_frequency in frequencies:
        weights = trained_weights(colour_frequency, word_frequency, epochs=epochs, seed=seed)
        trials = simulate(weights, n_trials, seed=seed)
        rows.append([trials.interference(task) for task in TASKS])
    return np.array(rows)


def soa_by_training(
    frequencies, fit: RTFit, soa_ms=range(-400, 401, 100), epochs=300, n_trials=200, seed=0
) -> np.ndarray:
    """練習の頻度 (色の命名, 語の読み) の組ごとの SOA の実験 (``soa_experiment``)。

    返り値は (組の数, 条件の数 = len(TRIAL_TYPES), SOA の数) の平均反応時間 (ms)。サイクルから ms への
    換算はどの組でも同じ ``fit`` (元のモデルの回帰) を使う。学習は ``interference_by_training`` と共有する。
    """
    frequencies = _check_frequency_pairs(frequencies)
    return np.stack(
        [
            soa_experiment(
                trained_weights(c, w, epochs=epochs, seed=seed), fit, soa_ms, n_trials, seed
            ).mean_rt_ms
            for c, w in frequencies
        ]
    )


def _check_frequency_pairs(frequencies):
    try:
        pairs = [tuple(pair) for pair in frequencies]
    except TypeError as err:
        raise TypeError("frequencies は (色の命名, 語の読み) の頻度の組の並びです") from err
    if not pairs:
        raise ValueError("frequencies が空です: (色の命名, 語の読み) の頻度の組を 1 つ以上")
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"frequencies の組 {pair!r} は (色の命名, 語の読み) の 2 つの頻度です")
        positive_int(pair[0], "frequencies の色の命名の頻度")
        positive_int(pair[1], "frequencies の語の読みの頻度")
    return pairs


# ---------------------------------------------------------------- 本文の説明と人のデータのための計算
def equilibrium_margins(weights: StroopWeights, task: str = "colour naming") -> dict[str, float]:
    """平衡状態 (1 回の順伝播) での、正しい反応ユニットと他方の活性の差 a_正 − a_誤 を条件ごとに。

    証拠は 1 サイクルにおよそ α × (この差) ずつ増えるので、反応時間はこの差のおよそ逆数に比例する。
    """
    _check_weights(weights)
    out = {}
    for condition in CONDITIONS:
        colour, word, task_input, correct = stimulus(task, condition)
        response = feedforward(weights, colour, word, task_input)[2]
        out[condition] = float(response[correct] - response[1 - correct])
    return out


def conflict_index(
    weights: StroopWeights,
    task: str = "colour naming",
    condition: str = "conflict",
    n_trials: int = 1000,
    n_cycles: int = 40,
    params: DynamicsParameters | None = None,
    seed: int = 0,
) -> float:
    """反応ユニットの活性の積 a_赤 a_緑 (葛藤の簡単な指標) を、n_trials 試行 × n_cycles サイクルで平均する。"""
    _check_weights(weights)
    params = DynamicsParameters() if params is None else params
    _check_params(params)
    n_trials = positive_int(n_trials, "n_trials")
    n_cycles = positive_int(n_cycles, "n_cycles")
    seed = check_seed(seed)
    colour, word, task_input, _ = _batch(((task, condition),), n_trials, "cpu")
    with training.single_thread():
        _, _, history = _run(
            weights.detached(), colour, word, task_input, params, 0, seed, True, n_cycles
        )
    response = torch.stack([h[2] for h in history])  # (サイクル, 試行, 2)
    return float((response[..., 0] * response[..., 1]).mean())
