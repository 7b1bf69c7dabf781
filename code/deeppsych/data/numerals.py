"""漢数字 ⇄ 算用数字 (``book/04_seq2seq.md`` の系列変換課題)。

1 から 99999 までの整数を、ふつうの書き方の漢数字にする: 千九百八十四 (1984)、三万五百 (30500)。
十・百・千の前の「一」は書かない (十、百、千) が、万の前では書く (一万)。
"""

from __future__ import annotations

import numpy as np

from .._checks import positive_int

DIGITS = "一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"))
MAX_NUMBER = 99_999
KANJI_TOKENS = tuple(DIGITS + "十百千万")
ARABIC_TOKENS = tuple("0123456789")


def _below_10000(n: int) -> str:
    text = ""
    for value, unit in UNITS:
        q, n = divmod(n, value)
        if q:
            text += ("" if q == 1 else DIGITS[q - 1]) + unit
    return text + (DIGITS[n - 1] if n else "")


def to_kanji(n: int) -> str:
    """整数 (1–99999) を漢数字にする。"""
    n = positive_int(n, "n")
    if n > MAX_NUMBER:
        raise ValueError(f"n は 1 以上 {MAX_NUMBER} 以下でなければなりません ({n})")
    man, rest = divmod(int(n), 10_000)
    return (DIGITS[man - 1] + "万" if man else "") + _below_10000(rest)


def from_kanji(text: str) -> int:
    """漢数字を整数に戻す (to_kanji の逆)。使えない文字があれば ValueError。"""
    if not isinstance(text, str) or not text:
        raise ValueError("text は空でない漢数字の文字列でなければなりません")
    unknown = set(text) - set(KANJI_TOKENS)
    if unknown:
        raise ValueError(f"漢数字ではない文字があります: {''.join(sorted(unknown))}")
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS.index(ch) + 1
        elif ch == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
        else:
            section += (digit or 1) * dict((u, v) for v, u in UNITS)[ch]
            digit = 0
    return total + section + digit


def numeral_pairs(numbers) -> list[tuple[list[str], list[str]]]:
    """整数の列を (漢数字の文字列, 算用数字の文字列) の組にする (どちらも 1 文字 1 トークン)。"""
    return [(list(to_kanji(int(n))), list(str(int(n)))) for n in numbers]


def numeral_split(n_train: int, n_test: int, seed: int = 0):
    """重ならない学習用・評価用の整数を無作為に選び、組にして返す。"""
    n_train = positive_int(n_train, "n_train")
    n_test = positive_int(n_test, "n_test")
    if n_train + n_test > MAX_NUMBER:
        raise ValueError(f"n_train + n_test は {MAX_NUMBER} 以下でなければなりません")
    numbers = np.random.default_rng(seed).choice(
        np.arange(1, MAX_NUMBER + 1), n_train + n_test, False
    )
    return numeral_pairs(numbers[:n_train]), numeral_pairs(numbers[n_train:])
