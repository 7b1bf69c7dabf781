"""公開関数が共有する入力検査。誤った入力には、何が期待されていたかを言う例外を投げる。"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import torch


def as_float_tensor(x, name: str = "x", min_dim: int = 1, finite: bool = True) -> torch.Tensor:
    """数値の配列を浮動小数点の torch.Tensor にする。空・非数値・次元不足・NaN/±inf は拒否する。

    finite=False は ±inf (マスクなど) を許す。NaN はいつも拒否する。
    """
    if isinstance(x, torch.Tensor):
        t = x
    else:
        if isinstance(x, str | bytes):
            raise TypeError(
                f"{name} は数値の配列でなければなりません (文字列 {x!r} を受け取りました)"
            )
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} は数値の配列でなければなりません: {err}") from err
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
            raise TypeError(f"{name} は数値の配列でなければなりません (dtype={arr.dtype})")
        t = torch.as_tensor(arr)
    if t.dtype == torch.bool or t.is_complex():
        raise TypeError(f"{name} は実数の配列でなければなりません (dtype={t.dtype})")
    if not t.is_floating_point():
        t = t.to(torch.get_default_dtype())
    if t.dim() < min_dim:
        raise ValueError(
            f"{name} は {min_dim} 次元以上の配列でなければなりません (形 {tuple(t.shape)})"
        )
    if t.numel() == 0:
        raise ValueError(f"{name} が空です: 少なくとも 1 つの値が必要です")
    values = t.detach()
    if torch.isnan(values).any():
        raise ValueError(f"{name} に NaN が含まれています (有限の数値が必要です)")
    if finite and torch.isinf(values).any():
        raise ValueError(f"{name} に無限大 (inf) が含まれています (有限の数値が必要です)")
    return t


def positive_number(value, name: str) -> float:
    """正の実数であることを確かめて float で返す。"""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} は正の実数でなければなりません ({value!r} を受け取りました)")
    if not value > 0 or not np.isfinite(value):
        raise ValueError(
            f"{name} は 0 より大きい有限の値でなければなりません ({value!r} を受け取りました)"
        )
    return float(value)


def positive_int(value, name: str, minimum: int = 1) -> int:
    """minimum 以上の整数であることを確かめる。"""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} は整数でなければなりません ({value!r} を受け取りました)")
    if value < minimum:
        raise ValueError(
            f"{name} は {minimum} 以上でなければなりません ({value!r} を受け取りました)"
        )
    return int(value)


def check_seed(seed, name: str = "seed") -> int:
    """乱数の種: 0 以上の整数。"""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} は 0 以上の整数でなければなりません ({seed!r} を受け取りました)")
    if seed < 0:
        raise ValueError(f"{name} は 0 以上の整数でなければなりません ({seed!r} を受け取りました)")
    return int(seed)


def one_of(value, choices, name: str):
    """value が choices のどれかであることを確かめて、そのまま返す。"""
    choices = tuple(choices)
    if isinstance(value, list | dict | set) or value not in choices:
        raise ValueError(f"{name} は {choices} のいずれかです ({value!r} を受け取りました)")
    return value


def nonnegative_number(value, name: str) -> float:
    """0 以上の有限の実数 (正則化の強さ λ、雑音の大きさなど) を float で返す。"""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} は 0 以上の実数でなければなりません ({value!r} を受け取りました)")
    if not (value >= 0 and np.isfinite(value)):
        raise ValueError(
            f"{name} は 0 以上の有限の値でなければなりません ({value!r} を受け取りました)"
        )
    return float(value)


def as_float_array(x, name: str, ndim: int) -> np.ndarray:
    """数値の配列 (リスト、numpy、torch.Tensor) を ndim 次元の float64 の numpy 配列にする。

    検査は ``as_float_tensor`` と同じ (空・非数値・NaN/±inf を拒否)。ただし列が 0 本の行列 (n, 0)
    (次数 0 の多項式の特徴など) は、行があれば受け付ける。
    """
    if ndim == 2 and np.ndim(x) == 2 and np.shape(x)[0] > 0 and np.shape(x)[1] == 0:
        return np.zeros(np.shape(x))
    a = as_float_tensor(x, name, min_dim=1).detach().cpu().numpy().astype(np.float64)
    if a.ndim != ndim:
        raise ValueError(f"{name} は {ndim} 次元の配列でなければなりません (形 {a.shape})")
    return a


def as_sentences(sentences, name: str = "sentences") -> list[list[str]]:
    """トークン (文字列) のリストのリスト。空の文は除く。1 文も残らなければ ValueError。"""
    if isinstance(sentences, str | bytes) or not isinstance(sentences, Sequence):
        raise TypeError(f"{name} はトークン (文字列) のリストのリストでなければなりません")
    if any(isinstance(s, str | bytes) or not isinstance(s, Sequence) for s in sentences):
        raise TypeError(f"{name} の各文はトークン (文字列) のリストでなければなりません")
    kept = [list(s) for s in sentences if len(s) > 0]
    if not kept:
        raise ValueError(f"{name} が空です: 少なくとも 1 つのトークンを含む文が必要です")
    if not all(isinstance(w, str) for s in kept for w in s):
        raise TypeError(f"{name} の各文はトークン (文字列) のリストでなければなりません")
    return kept


def as_sequence_pairs(pairs, name: str = "pairs") -> list[tuple[list[str], list[str]]]:
    """(入力の記号列, 出力の記号列) の組のリスト。どちらの列も空でない文字列のリストでなければならない。"""
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Sequence):
        raise TypeError(f"{name} は (入力, 出力) の組のリストでなければなりません")
    if len(pairs) == 0:
        raise ValueError(f"{name} が空です: (入力, 出力) の組が少なくとも 1 つ必要です")
    checked = []
    for i, pair in enumerate(pairs):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise TypeError(f"{name}[{i}] は (入力, 出力) の 2 つ組でなければなりません ({pair!r})")
        source, target = pair
        for part, label in ((source, "入力"), (target, "出力")):
            if isinstance(part, str | bytes) or not isinstance(part, Sequence):
                raise TypeError(
                    f"{name}[{i}] の{label}は記号 (文字列) のリストでなければなりません"
                )
            if len(part) == 0:
                raise ValueError(f"{name}[{i}] の{label}が空です")
            if not all(isinstance(t, str) for t in part):
                raise TypeError(
                    f"{name}[{i}] の{label}は記号 (文字列) のリストでなければなりません"
                )
        checked.append((list(source), list(target)))
    return checked


def integer(value, name: str) -> int:
    """整数 (負も可。bool は拒否) を int で返す。"""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} は整数でなければなりません ({value!r} を受け取りました)")
    return int(value)


def token_matrix(x, name: str) -> torch.Tensor:
    """(B, L) の整数 (記号の番号) の torch.Tensor で、空でないことを確かめる。"""
    if not isinstance(x, torch.Tensor) or x.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"{name} は整数 (記号の番号) の torch.Tensor でなければなりません")
    if x.dim() != 2 or x.numel() == 0:
        raise ValueError(f"{name} は空でない (B, L) の行列でなければなりません ({tuple(x.shape)})")
    return x


def _type_name(cls) -> str:
    module = cls.__module__.removeprefix("deeppsych.")
    if module.startswith("torch.nn"):
        module = "torch.nn"
    elif module.startswith("torch."):
        module = "torch"
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def instance_of(value, cls, name: str):
    """value が cls (型、または型の組) のインスタンスであることを確かめて、そのまま返す。"""
    if not isinstance(value, cls):
        expected = " か ".join(_type_name(c) for c in (cls if isinstance(cls, tuple) else (cls,)))
        raise TypeError(
            f"{name} は {expected} でなければなりません ({type(value).__name__} を受け取りました)"
        )
    return value
