"""記号列の反転 (第 4 章): 入力 a b c d → 出力 d c b a。注意の整列は反対角線になるはず。"""

from __future__ import annotations

import numpy as np

from .._checks import positive_int

ALPHABET = tuple("abcdefghij")


def reversal_pairs(n: int, min_len: int, max_len: int, seed: int = 0, alphabet=ALPHABET):
    """長さ min_len–max_len (一様) の無作為な記号列と、その反転の組を n 個作る。"""
    n = positive_int(n, "n")
    min_len = positive_int(min_len, "min_len")
    max_len = positive_int(max_len, "max_len")
    if max_len < min_len:
        raise ValueError(f"max_len ({max_len}) は min_len ({min_len}) 以上でなければなりません")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    pairs = []
    for length in lengths:
        seq = [alphabet[i] for i in rng.integers(0, len(alphabet), size=length)]
        pairs.append((seq, seq[::-1]))
    return pairs
