"""本文の主張を、その章の計算結果で確かめる (ビルドのたびに実行される検査)。

章の本文が自分の計算結果を読む文 (「A は B より正確」「偶然の水準に近い」「上位はすべて動物」) には、
その隣の隠れたセル (タグ ``remove-cell``) で ``claim`` を呼ぶ。結果が文を支えなくなると
``ClaimError`` が、文の要旨と観測値を添えて送出され、厳格なビルドはそこで失敗する。
こうして、どの機械で組んでもページが自分と矛盾しない。

    claim("注意つきのモデルは注意なしより正確", acc_attention > acc_plain,
          acc_attention=acc_attention, acc_plain=acc_plain)
    claim_greater("注意つきのモデルは注意なしより正確", acc_attention, acc_plain, margin=0.05)

ここで数えた件数 (``count()``) は本書の status ページが章ごとに表示する。
"""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np

_counts: Counter[str] = Counter()


class ClaimError(AssertionError):
    """本文の主張が、この実行の結果で支えられなかった。"""


def _show(value) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=20)
    return repr(value)


def claim(gist: str, holds, **observed) -> None:
    """``holds`` が真であることを確かめる。偽なら gist と観測値を添えて ClaimError。

    gist: 本文の文の要旨 (失敗したときにどの文かがわかるように)。
    holds: 文が正しいときに真になる値 (bool、または要素がすべて真であるべき配列)。
    observed: 失敗の報告に添える観測値 (名前=値)。
    """
    if not isinstance(gist, str) or not gist.strip():
        raise TypeError("gist は主張の要旨を述べる空でない文字列でなければなりません")
    ok = bool(np.all(np.asarray(holds, dtype=bool)))
    _counts[gist] += 1
    if not ok:
        values = ", ".join(f"{k}={_show(v)}" for k, v in observed.items())
        raise ClaimError(f"本文の主張が結果と合いません: 「{gist}」 ({values or '観測値なし'})")


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real | np.number):
        raise TypeError(f"{name} は実数でなければなりません ({value!r} を受け取りました)")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} は有限の値でなければなりません ({value!r})")
    return value


def claim_greater(gist: str, larger, smaller, margin: float = 0.0) -> None:
    """larger が smaller より margin 以上大きいこと (「A は B より大きい」)。"""
    a, b = _number(larger, "larger"), _number(smaller, "smaller")
    m = _number(margin, "margin")
    claim(gist, a > b + m, larger=a, smaller=b, margin=m)


def claim_between(gist: str, value, low, high) -> None:
    """low ≤ value ≤ high であること (「ほぼ偶然の水準」「0.9 を超える」など)。"""
    v, lo, hi = _number(value, "value"), _number(low, "low"), _number(high, "high")
    if lo > hi:
        raise ValueError(f"low ({lo}) は high ({hi}) 以下でなければなりません")
    claim(gist, lo <= v <= hi, value=v, low=lo, high=hi)


def claim_order(gist: str, values: dict, decreasing: bool = True) -> None:
    """辞書の値が、書かれた順に単調に減る (decreasing=False なら増える) こと。"""
    if not isinstance(values, dict) or len(values) < 2:
        raise TypeError("values は 2 つ以上の項目をもつ dict (名前→値) でなければなりません")
    numbers_ = [_number(v, f"values[{k!r}]") for k, v in values.items()]
    pairs = zip(numbers_, numbers_[1:], strict=False)
    ok = all(a > b for a, b in pairs) if decreasing else all(a < b for a, b in pairs)
    claim(gist, ok, **{str(k): v for k, v in zip(values, numbers_, strict=True)})


def count() -> int:
    """このプロセス (章のカーネル) で確かめた主張の数。"""
    return sum(_counts.values())
