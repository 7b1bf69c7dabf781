"""CAM・Grad-CAM の地図の評価 (``book/06_cam.md``)。

* ``pointing_game``: Zhang et al. (2018) のポインティングゲーム。地図の最大点が正しい物体の枠に入るか。
* ``class_discrimination``: Selvaraju et al. (2020) の人の実験「この図はどちらの物体を表しているか」を、
  模擬の観察者 (2 つの枠の中の地図の量を比べるだけ) で置き換えたもの。
* ``map_grid``: 1 つの画面の、クラスごと・地図の種類 (CAM / 各層の Grad-CAM) ごとの地図 (章のスライダーの図)。
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import training
from ._checks import one_of, positive_int
from .cam import (
    LAST_LAYER,
    _classes,
    _gap_linear,
    _images,
    _maps,
    _scenes,
    bottom_up_saliency,
    class_activation_map,
    grad_cam,
    normalise_map,
    upsample,
)
from .cam_pixels import VISUALISATIONS, guided_backprop
from .data import digit_scenes

METHODS = ("cam", "gradcam", "saliency")
OUTCOMES = ("正しい数字", "もう 1 つの数字", "背景")


def _box_sums(maps: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """各地図 (N, H, W) の、枠 (N, 4) の中の値の和 (N,)。"""
    return np.array(
        [m[r0:r1, c0:c1].sum() for m, (r0, c0, r1, c1) in zip(maps, boxes, strict=True)]
    )


@dataclass
class DiscriminationResult:
    """模擬の観察者の 2 択の結果。``choices`` (N, 2) は 1 = 正しい数字を選んだ、0 = もう 1 つ、
    0.5 = 2 つの枠の量が等しく決められなかった (半分の確率で当たるとみなす)。"""

    choices: np.ndarray

    @property
    def accuracy(self) -> float:
        return float(self.choices.mean())


def class_discrimination(
    model: nn.Module, scenes: digit_scenes.DigitScenes, names: Sequence[str] = tuple(VISUALISATIONS)
) -> dict[str, DiscriminationResult]:
    """「この図は 2 つの数字のどちらを表しているか」を、図だけを見る模擬の観察者に答えさせる。

    Selvaraju et al. (2020, 5.1 節) は、2 つの物体が写った写真について、片方のクラスの図を人に見せ、
    どちらの物体の図かを 2 択で答えさせた。ここでは人の代わりに、図の値の絶対値を 2 つの数字の枠の中で
    それぞれ足し、量の多いほうの数字を答える観察者を使う。観察者は枠の位置を知っていて、数字を読む
    必要がない (人の課題より易しい)。``names`` (``VISUALISATIONS`` の名前) ごとの結果を返す。
    画素の地図と Grad-CAM は規則・クラスごとに 1 回だけ計算して使い回す。
    """
    _scenes(scenes)
    if isinstance(names, str) or not names:
        raise TypeError(f"names は VISUALISATIONS の名前の列です ({names!r})")
    for name in names:
        one_of(name, VISUALISATIONS, "names の要素")
    choices = {name: np.zeros((len(scenes), 2)) for name in names}
    size = tuple(scenes.images.shape[-2:])
    for j in range(2):
        classes = scenes.labels[:, j]
        with training.single_thread():
            pixels = {
                rule: guided_backprop(model, scenes.images, classes, rule)
                for rule in {VISUALISATIONS[name][0] for name in names}
            }
            if any(VISUALISATIONS[name][1] for name in names):
                coarse = upsample(grad_cam(model, scenes.images, classes, LAST_LAYER), size)
        for name in names:
            rule, with_gradcam = VISUALISATIONS[name]
            maps = (pixels[rule] * coarse if with_gradcam else pixels[rule]).abs().numpy()
            own = _box_sums(maps, scenes.boxes[:, j])
            other = _box_sums(maps, scenes.boxes[:, 1 - j])
            choices[name][:, j] = np.where(own > other, 1.0, np.where(own < other, 0.0, 0.5))
    return {name: DiscriminationResult(choices[name]) for name in names}


def peak_locations(maps) -> np.ndarray:
    """各地図 (N, H, W) の最大値の位置 (行, 列) を (N, 2) で返す。"""
    maps = _maps(maps, (3,), "(N, H, W)")
    flat = maps.reshape(len(maps), -1).argmax(dim=1).cpu().numpy()
    return np.stack(np.unravel_index(flat, maps.shape[1:]), axis=1)


def _inside(points: np.ndarray, boxes: np.ndarray, tolerance: int) -> np.ndarray:
    r, c = points[:, 0], points[:, 1]
    return (
        (r >= boxes[:, 0] - tolerance)
        & (r < boxes[:, 2] + tolerance)
        & (c >= boxes[:, 1] - tolerance)
        & (c < boxes[:, 3] + tolerance)
    )


@dataclass
class PointingResult:
    """ポインティングゲームの結果。``peaks`` (N, 2, 2) は各場面・各数字の地図の最大点、
    ``outcome`` (N, 2) は 0 = 正しい数字の枠、1 = もう 1 つの数字の枠、2 = 背景。"""

    peaks: np.ndarray
    outcome: np.ndarray

    @property
    def hits(self) -> np.ndarray:
        return self.outcome == 0

    @property
    def accuracy(self) -> float:
        return float(self.hits.mean())

    def rates(self) -> dict[str, float]:
        """結果 3 種類の割合。"""
        return {name: float((self.outcome == i).mean()) for i, name in enumerate(OUTCOMES)}


def class_maps(model: nn.Module, images, target_class, method: str, layer: str = LAST_LAYER):
    """``method`` ("cam", "gradcam", "saliency") の地図を入力の大きさに広げて (N, H, W) で返す。"""
    one_of(method, METHODS, "method")
    x = _images(model, images)
    if method == "saliency":
        return bottom_up_saliency(x)  # クラスを使わない
    if method == "cam":
        maps = class_activation_map(model, x, target_class)
    else:
        maps = grad_cam(model, x, target_class, layer)
    return upsample(maps, tuple(x.shape[-2:]))


def score_peaks(peaks, scenes: digit_scenes.DigitScenes, tolerance: int = 0) -> PointingResult:
    """地図の最大点 ``peaks`` (N, 2, 2) を、場面の正解の枠 (``tolerance`` 画素だけ広げたもの) と照らす。

    ``pointing_game`` の結果の ``peaks`` を渡せば、地図を計算し直さずに許容幅だけを変えて数え直せる。
    """
    _scenes(scenes)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError(f"tolerance は 0 以上の整数 (画素) です ({tolerance!r})")
    peaks = np.asarray(peaks)
    if peaks.shape != (len(scenes), 2, 2) or not np.issubdtype(peaks.dtype, np.integer):
        raise ValueError(
            f"peaks は (場面の数 {len(scenes)}, 2, 2) の整数の配列です (形 {peaks.shape}, dtype {peaks.dtype})"
        )
    outcome = np.full((len(scenes), 2), 2, dtype=np.int64)
    for j in range(2):
        on_other = _inside(peaks[:, j], scenes.boxes[:, 1 - j], tolerance)
        on_own = _inside(peaks[:, j], scenes.boxes[:, j], tolerance)
        outcome[on_other, j] = 1
        outcome[on_own, j] = 0
    return PointingResult(peaks.astype(np.int64), outcome)


def pointing_game(
    model: nn.Module,
    scenes: digit_scenes.DigitScenes,
    method: str = "gradcam",
    layer: str = LAST_LAYER,
    tolerance: int = 0,
) -> PointingResult:
    """ポインティングゲーム (Zhang et al. 2018): 場面の 2 つの数字それぞれについて、そのクラスの地図の
    最大点が、その数字の正解の枠 (``tolerance`` 画素だけ広げたもの) に入れば当たり。"""
    _scenes(scenes)
    one_of(method, METHODS, "method")
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError(f"tolerance は 0 以上の整数 (画素) です ({tolerance!r})")
    n = len(scenes)
    peaks = np.zeros((n, 2, 2), dtype=np.int64)
    with training.single_thread():
        if method == "cam":  # 特徴地図は 2 つのクラスで共通なので 1 回だけ計算する
            features, fc = _gap_linear(model)
            x = _images(model, scenes.images)
            with torch.no_grad():
                maps = features(x)
                for j in range(2):
                    classes = _classes(scenes.labels[:, j], n, fc.out_features).to(x.device)
                    heat = torch.einsum("nk,nkhw->nhw", fc.weight[classes], maps).cpu()
                    peaks[:, j] = peak_locations(upsample(heat, tuple(x.shape[-2:])))
        elif method == "saliency":  # クラスを使わないので 1 回で足りる
            peaks[:, 0] = peaks[:, 1] = peak_locations(class_maps(model, scenes.images, 0, method))
        else:
            for j in range(2):
                maps = class_maps(model, scenes.images, scenes.labels[:, j], method, layer)
                peaks[:, j] = peak_locations(maps)
    return score_peaks(peaks, scenes, tolerance)


# --- クラスと層を選べる地図 (章のスライダーの図) --------------------------------------------

VARIANTS = (
    ("cam", LAST_LAYER),
    ("gradcam", "features.relu3"),
    ("gradcam", "features.relu2"),
    ("gradcam", "features.relu1"),
)


def _variants(variants) -> tuple[tuple[str, str], ...]:
    try:
        pairs = tuple((str(m), str(layer)) for m, layer in variants)
    except (TypeError, ValueError) as err:
        raise TypeError("variants は (方法, 層の名前) の組の並びです") from err
    if not pairs:
        raise ValueError("variants が空です: (方法, 層の名前) の組を 1 つ以上")
    for method, _ in pairs:
        one_of(method, ("cam", "gradcam"), "variants の方法")
    return pairs


def map_grid(model: nn.Module, image, variants=VARIANTS, size: tuple[int, int] | None = None):
    """1 つの画面 (1, C, H, W) について、地図の種類 ``variants`` × すべてのクラスの地図。

    返り値は (len(variants), クラスの数, H, W) で、各地図は最小 0・最大 1 にそろえてある。
    ``size`` = (h, w) を渡すと、広げた地図を面積の平均で (h, w) に縮める (ページを軽くするため)。
    """
    pairs = _variants(variants)
    if size is not None:
        if not isinstance(size, tuple | list) or len(size) != 2:
            raise ValueError(f"size は (高さ, 幅) の 2 つの整数です ({size!r})")
        size = tuple(positive_int(s, "size の要素") for s in size)
    x = _images(model, image)
    if len(x) != 1:
        raise ValueError(f"image は 1 つの画面です (形 {tuple(x.shape)})")
    n_classes = _gap_linear(model)[1].out_features
    batch = x.expand(n_classes, *x.shape[1:])
    classes = torch.arange(n_classes)
    grid = torch.stack([class_maps(model, batch, classes, m, layer) for m, layer in pairs])
    if size is not None:
        grid = torch.nn.functional.adaptive_avg_pool2d(grid, size)
    return normalise_map(grid.flatten(0, 1)).reshape(grid.shape)
