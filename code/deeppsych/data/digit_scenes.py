"""2 つの手書き数字を 1 枚の画面に置いた「2 物体の場面」(``book/06_cam.md``、CAM と Grad-CAM)。

ImageNet の「ボクサー犬とトラ猫」の写真の代わりに、scikit-learn に同梱の手書き数字
(``sklearn.datasets.load_digits``、8×8 画素、1797 枚; UCI の optdigits の検証用部分) を拡大し、
互いに重ならない位置に置く。どの数字がどこにあるか (正解の枠) がわかっているので、
「地図のピークが正しい数字の上にあるか」(ポインティングゲーム) を数えられる。
何もダウンロードしない (データは scikit-learn のパッケージの中にある)。

数字の画像は ``split`` で学習用と検証用に分ける (元の 1797 枚を固定の乱数で 7:3 に分けるので、
同じ **画像** が両方に出ることはない)。ただし、optdigits の検証用部分は 13 人が書いたもので、
``load_digits`` には書き手の情報がない。したがって書き手ごとには分けられず、同じ人の **筆跡** は
学習用と検証用の両方に入っている。検証用の場面が測るのは「見たことのない画像」への汎化であって、
「見たことのない書き手」への汎化ではない。
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from scipy import ndimage

from .._checks import as_float_tensor, check_seed, one_of, positive_int

N_CLASSES = 10
N_WRITERS = 13  # optdigits の検証用部分 (= load_digits) の書き手の数 (UCI の説明による)
SPLITS = ("train", "test")
DIGIT_PIXELS = 8  # load_digits の 1 辺
_SPLIT_SEED = 2016  # 学習用と検証用の分け方を固定する種 (変えないこと)
_TEST_FRACTION = 0.3


@dataclass
class DigitScenes:
    """場面の集まり。

    * ``images``: (N, 1, H, W) の float32 テンソル、値は 0〜1 (背景 0)
    * ``labels``: (N, 2) の整数。各場面の 2 つの数字 (互いに違う)
    * ``boxes``: (N, 2, 4) の整数。``labels`` と同じ順の正解の枠 (行の始め, 列の始め, 行の終わり, 列の終わり)、
      終わりは含まない (``image[r0:r1, c0:c1]`` がその数字の升目)
    * ``targets``: (N, 10) の float32 テンソル。2 つの数字の位置だけが 1 の多ラベルの正解
    * ``sources``: (N, 2) の整数。``load_digits`` の何番目の画像を使ったか
    """

    images: torch.Tensor
    labels: np.ndarray
    boxes: np.ndarray
    targets: torch.Tensor
    sources: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index) -> DigitScenes:
        """場面の一部 (整数、スライス、添字の配列) を同じ形の DigitScenes として返す。"""
        index = np.atleast_1d(np.arange(len(self))[index])
        return DigitScenes(
            self.images[torch.as_tensor(index)],
            self.labels[index],
            self.boxes[index],
            self.targets[torch.as_tensor(index)],
            self.sources[index],
        )


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # 同梱データ (ネットワークを使わない)

    bunch = load_digits()
    return bunch.images.astype(np.float32) / 16.0, bunch.target.astype(np.int64)


def digit_pool(split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``split`` ("train" か "test") の数字の画像 (M, 8, 8) (値 0〜1)、正解 (M,)、load_digits での番号 (M,)。"""
    one_of(split, SPLITS, "split")
    images, labels = _digits()
    order = np.random.default_rng(_SPLIT_SEED).permutation(len(labels))
    n_test = int(round(_TEST_FRACTION * len(labels)))
    chosen = np.sort(order[:n_test] if split == "test" else order[n_test:])
    return images[chosen], labels[chosen], chosen


def upscale(digit: np.ndarray, scale: int) -> np.ndarray:
    """8×8 の数字を双一次補間で ``scale`` 倍に拡大する (値は 0〜1 に収める)。"""
    digit = as_float_tensor(digit, "digit", min_dim=2).numpy().astype(np.float32)
    if digit.ndim != 2:
        raise ValueError(f"digit は 2 次元の画像でなければなりません ({digit.shape})")
    scale = positive_int(scale, "scale")
    if scale == 1:
        return digit.copy()
    big = ndimage.zoom(digit, scale, order=1, mode="nearest", grid_mode=True)
    return np.clip(big, 0.0, 1.0)


@lru_cache(maxsize=8)
def _all_boxes(canvas: int, size: int) -> np.ndarray:
    """canvas×canvas の画面に置ける、1 辺 size の升目すべて (行の始め, 列の始め, 行の終わり, 列の終わり)。"""
    corners = np.stack(np.indices((canvas - size + 1,) * 2), axis=-1).reshape(-1, 2)
    boxes = np.concatenate([corners, corners + size], axis=1)
    boxes.setflags(write=False)
    return boxes


@lru_cache(maxsize=4)
def _scaled_pool(split: str, scale: int) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """``split`` の数字を ``scale`` 倍に拡大したもの、load_digits での番号、クラスごとの添字 (学習の各エポックで使い回す)。"""
    pool_images, pool_labels, pool_index = digit_pool(split)
    big = np.stack([upscale(d, scale) for d in pool_images])
    by_class = tuple(np.flatnonzero(pool_labels == k) for k in range(N_CLASSES))
    for array in (big, pool_index, *by_class):
        array.setflags(write=False)
    return big, pool_index, by_class


def _place_two(rng: np.random.Generator, canvas: int, size: int, gap: int) -> np.ndarray:
    """canvas×canvas の画面に、1 辺 size の重ならない升目を 2 つ無作為に置く。"""
    boxes = _all_boxes(canvas, size)
    while True:  # 1 つ目が中央にあって 2 つ目の置き場がないときは、1 つ目を選び直す
        box_a = boxes[rng.integers(len(boxes))]
        apart = (
            (box_a[2] + gap <= boxes[:, 0])
            | (boxes[:, 2] + gap <= box_a[0])
            | (box_a[3] + gap <= boxes[:, 1])
            | (boxes[:, 3] + gap <= box_a[1])
        )
        if apart.any():
            box_b = boxes[rng.choice(np.flatnonzero(apart))]
            return np.stack([box_a, box_b])


def make_scenes(
    n_scenes: int,
    split: str = "train",
    seed: int = 0,
    canvas: int = 48,
    scale: int = 2,
    gap: int = 2,
) -> DigitScenes:
    """``n_scenes`` 枚の 2 数字の場面を作る。同じ引数なら同じ場面になる (決定的)。

    各場面では、``split`` の数字の画像から **違うクラス** の 2 枚を無作為に選び、``scale`` 倍に拡大して
    (1 辺 ``8 * scale`` 画素)、``canvas``×``canvas`` の黒い画面の、互いに ``gap`` 画素以上離れた位置に置く。
    """
    n_scenes = positive_int(n_scenes, "n_scenes")
    scale = positive_int(scale, "scale")
    canvas = positive_int(canvas, "canvas")
    gap = positive_int(gap, "gap", minimum=0)
    seed = check_seed(seed)
    size = DIGIT_PIXELS * scale
    if canvas < 2 * size + gap:
        raise ValueError(
            f"canvas ({canvas}) は 2 つの数字 (1 辺 {size}) を間 {gap} で並べられる大きさ "
            f"{2 * size + gap} 以上でなければなりません"
        )
    if split not in SPLITS:
        raise ValueError(f"split は {SPLITS} のいずれかです ({split!r})")
    pool_images, pool_index, by_class = _scaled_pool(split, scale)
    rng = np.random.default_rng(seed)
    images = np.zeros((n_scenes, 1, canvas, canvas), dtype=np.float32)
    labels = np.zeros((n_scenes, 2), dtype=np.int64)
    boxes = np.zeros((n_scenes, 2, 4), dtype=np.int64)
    sources = np.zeros((n_scenes, 2), dtype=np.int64)
    for i in range(n_scenes):
        pair = rng.choice(N_CLASSES, size=2, replace=False)
        picks = [rng.choice(by_class[k]) for k in pair]
        placed = _place_two(rng, canvas, size, gap)
        for j, (k, pick, box) in enumerate(zip(pair, picks, placed, strict=True)):
            r0, c0, r1, c1 = box
            images[i, 0, r0:r1, c0:c1] = pool_images[pick]
            labels[i, j] = k
            boxes[i, j] = box
            sources[i, j] = pool_index[pick]
    targets = np.zeros((n_scenes, N_CLASSES), dtype=np.float32)
    np.put_along_axis(targets, labels, 1.0, axis=1)
    return DigitScenes(torch.from_numpy(images), labels, boxes, torch.from_numpy(targets), sources)
