"""記号列の反転 (``book/04_seq2seq.md``): 入力 a b c d → 出力 d c b a。注意の整列は反対角線になるはず。"""

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


def unseen_pairs(n: int, min_len: int, max_len: int, exclude, seed: int = 0,
                 alphabet=ALPHABET):  # fmt: skip
    """reversal_pairs と同じ作り方で、exclude の入力列とも互いとも重ならない組を n 個作る。

    exclude は (入力, 出力) の組のリスト (ふつうは学習用の組)。評価用の列が学習に使った列と
    重なると、覚えた答えを「汎化」と数えてしまうので、それを防ぐ。
    """
    n = positive_int(n, "n")
    min_len = positive_int(min_len, "min_len")
    max_len = positive_int(max_len, "max_len")
    if max_len < min_len:
        raise ValueError(f"max_len ({max_len}) は min_len ({min_len}) 以上でなければなりません")
    seen = {tuple(s) for s, _ in exclude}
    free = sum(len(alphabet) ** k for k in range(min_len, max_len + 1)) - len(
        [s for s in seen if min_len <= len(s) <= max_len]
    )
    if free < n:
        raise ValueError(
            f"長さ {min_len}–{max_len} の列で exclude と重ならないものは {free} 個しかありません"
            f" (n = {n})"
        )
    rng = np.random.default_rng(seed)
    pairs = []
    while len(pairs) < n:
        length = rng.integers(min_len, max_len + 1)
        seq = tuple(alphabet[i] for i in rng.integers(0, len(alphabet), size=length))
        if seq in seen:
            continue
        seen.add(seq)
        pairs.append((list(seq), list(seq[::-1])))
    return pairs


def reversal_split(n_train: int, n_test: int, min_len: int, max_len: int, seed: int = 0):
    """学習用 (reversal_pairs(…, seed)) と、それと重ならない評価用 (unseen_pairs(…, seed + 1)) の組。"""
    train = reversal_pairs(n_train, min_len, max_len, seed=seed)
    return train, unseen_pairs(n_test, min_len, max_len, train, seed=seed + 1)
