"""Itti & Koch (1998) 型の顕著性地図と視覚探索のおもちゃモデル (``book/01_softmax_attention.md``)。

画面 (赤と緑、縦と横の棒) → 特徴地図 (色の反対色 R−G / G−R、方位 縦 / 横、輝度)
→ 中心–周辺差 → 正規化演算子 N(·) → 顕著性地図 → ソフトマックス関数による勝者選択と
復帰の抑制 (inhibition of return) → 注視の系列、という流れを短い関数に分けてある。
トップダウンの利得 (Wolfe 1994 の誘導探索) は特徴地図ごとの重みとして与える。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from . import activations
from ._checks import one_of, positive_int, positive_number

COLOURS = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0)}
FEATURES = ("red", "green", "vertical", "horizontal", "intensity")
SEARCH_KINDS = ("feature", "conjunction")


@dataclass
class SearchDisplay:
    """視覚探索の画面。positions は各項目の中心 (行, 列)、項目 0 が標的。"""

    image: np.ndarray
    positions: np.ndarray
    colours: list[str]
    orientations: list[str]
    kind: str
    cell: int

    @property
    def target(self) -> np.ndarray:
        return self.positions[0]


def _draw_bar(image: np.ndarray, centre, colour: str, orientation: str, length=9, width=3):
    r, c = centre
    half_l, half_w = length // 2, width // 2
    dr, dc = (half_l, half_w) if orientation == "vertical" else (half_w, half_l)
    image[r - dr : r + dr + 1, c - dc : c + dc + 1] = COLOURS[colour]


def search_display(kind: str, set_size: int, seed: int = 0, grid: int = 8, cell: int = 16):
    """標的 (赤い縦棒) を 1 つ含む探索画面を作る。

    * ``"feature"``: 妨害刺激はすべて緑の縦棒 (標的は色だけで違う → ポップアウト)
    * ``"conjunction"``: 妨害刺激は赤い横棒と緑の縦棒が半数ずつ (標的は色と方位の結合でだけ違う)
    """
    one_of(kind, SEARCH_KINDS, "kind")
    set_size = positive_int(set_size, "set_size", minimum=2)
    if set_size > grid * grid:
        raise ValueError(f"set_size は格子の升目の数 {grid * grid} 以下でなければなりません")
    rng = np.random.default_rng(seed)
    cells = rng.choice(grid * grid, size=set_size, replace=False)
    jitter = rng.integers(-2, 3, size=(set_size, 2))
    positions = np.stack([cells // grid, cells % grid], axis=1) * cell + cell // 2 + jitter
    n_dist = set_size - 1
    if kind == "feature":
        colours = ["red"] + ["green"] * n_dist
        orientations = ["vertical"] * set_size
    else:
        is_red = rng.permutation(np.arange(n_dist) < (n_dist + rng.integers(0, 2)) // 2)
        colours = ["red"] + ["red" if r else "green" for r in is_red]
        orientations = ["vertical"] + ["horizontal" if r else "vertical" for r in is_red]
    image = np.zeros((grid * cell, grid * cell, 3))
    for pos, col, ori in zip(positions, colours, orientations, strict=True):
        _draw_bar(image, pos, col, ori)
    return SearchDisplay(image, positions, colours, orientations, kind, cell)


def feature_maps(image: np.ndarray) -> dict[str, np.ndarray]:
    """色 (赤−緑、緑−赤)、方位 (縦、横)、輝度の特徴地図。"""
    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image は (高さ, 幅, 3) の RGB 画像でなければなりません ({image.shape})")
    r, g = image[..., 0], image[..., 1]
    intensity = image.mean(axis=2)
    along_rows = ndimage.gaussian_filter(intensity, sigma=(3.0, 1.0))  # 縦長の受容野
    along_cols = ndimage.gaussian_filter(intensity, sigma=(1.0, 3.0))  # 横長の受容野
    return {
        "red": np.maximum(r - g, 0.0),
        "green": np.maximum(g - r, 0.0),
        "vertical": np.maximum(along_rows - along_cols, 0.0),
        "horizontal": np.maximum(along_cols - along_rows, 0.0),
        "intensity": intensity,
    }


def centre_surround(feature: np.ndarray, scales=((1.0, 4.0), (2.0, 8.0))) -> np.ndarray:
    """中心–周辺差 |G_c * F − G_s * F| を複数の尺度で足し合わせる。"""
    return sum(
        np.abs(ndimage.gaussian_filter(feature, c) - ndimage.gaussian_filter(feature, s))
        for c, s in scales
    )


def normalise(feature: np.ndarray, neighbourhood: int = 16) -> np.ndarray:
    """Itti & Koch の正規化演算子 N(·): 最大値を 1 にそろえ、(1 − 他の局所最大の平均)² を掛ける。

    ピークが 1 つだけの地図は強められ、同じ高さのピークがたくさんある地図は弱められる。
    """
    top = feature.max()
    if top <= 0:
        return np.zeros_like(feature)
    m = feature / top
    peaks = (ndimage.maximum_filter(m, size=neighbourhood) == m) & (m > 0.05)
    others = np.sort(m[peaks])[:-1]  # 全体の最大値を除く
    mean_other = others.mean() if others.size else 0.0
    return m * (1.0 - mean_other) ** 2


def bottom_up_saliency(display: SearchDisplay) -> np.ndarray:
    """ボトムアップの顕著性 (Itti & Koch 1998): (N(色) + N(方位) + N(輝度)) / 3、最大値 1。

    色 = N(赤) + N(緑)、方位 = N(縦) + N(横)。どの地図も中心–周辺差をとってから N(·) を通す。
    """
    cs = {name: normalise(centre_surround(f)) for name, f in feature_maps(display.image).items()}
    colour = normalise(cs["red"] + cs["green"])
    orientation = normalise(cs["vertical"] + cs["horizontal"])
    s = (colour + orientation + normalise(cs["intensity"])) / 3.0
    return s / s.max()


def top_down_map(display: SearchDisplay, gains: dict[str, float]) -> np.ndarray:
    """トップダウンの活性 (Wolfe 1994 の誘導探索): 特徴地図に利得を掛けて足したもの。

    ボトムアップと違い、正規化演算子で「珍しさ」を求めない。標的の特徴をもつ項目ほど強まる。
    """
    for feature in gains:
        one_of(feature, FEATURES, "gains の鍵")
    maps = feature_maps(display.image)
    total = np.zeros(display.image.shape[:2])
    for name, gain in gains.items():
        cs = centre_surround(maps[name])
        if cs.max() > 0:
            total += gain * cs / cs.max()
    return total


def saliency_map(display: SearchDisplay, gains: dict[str, float] | None = None, seed: int = 0):
    """注意を導く地図 = ボトムアップの顕著性 + トップダウンの活性 (gains がなければ前者だけ)。

    神経の雑音として、わずかな平滑化した乗法的ノイズ (seed で固定) を加え、
    同じ顕著性の項目どうしの順位を決める。最大値 1 に正規化して返す。
    """
    s = bottom_up_saliency(display)
    if gains:
        s = s + top_down_map(display, gains)
    noise = ndimage.gaussian_filter(np.random.default_rng(seed).normal(size=s.shape), 2.0)
    s = s * (1.0 + 0.05 * noise / noise.std())
    return np.maximum(s, 0.0) / s.max()


def guidance_for(colour: str, orientation: str, weight: float = 1.0) -> dict[str, float]:
    """誘導探索の利得: 標的のもつ色と方位の地図に weight を与える。"""
    if colour not in COLOURS or orientation not in ("vertical", "horizontal"):
        raise ValueError("colour は red/green、orientation は vertical/horizontal です")
    weight = positive_number(weight, "weight")
    return {colour: weight, orientation: weight}


def scan_path(
    saliency: np.ndarray,
    n_fixations: int,
    ior_radius: float = 12.0,
    temperature: float = 0.02,
    seed: int = 0,
) -> np.ndarray:
    """顕著性地図から注視点の系列 (n_fixations, 2) を選ぶ。

    各ステップでソフトマックス関数 (温度 temperature) で 1 点を選び (T が小さいほど勝者専有)、
    選んだ場所のまわり半径 ior_radius を抑制する (復帰の抑制)。
    """
    saliency = np.asarray(saliency, dtype=float)
    if saliency.ndim != 2:
        raise ValueError(f"saliency は 2 次元の地図でなければなりません ({saliency.shape})")
    n_fixations = positive_int(n_fixations, "n_fixations")
    rng = np.random.default_rng(seed)
    rows, cols = np.indices(saliency.shape)
    s = saliency.copy()
    fixations = []
    for _ in range(n_fixations):
        p = activations.softmax(s.ravel(), temperature).double().numpy()
        index = rng.choice(p.size, p=p / p.sum())
        fix = np.array(np.unravel_index(index, s.shape))
        fixations.append(fix)
        s[(rows - fix[0]) ** 2 + (cols - fix[1]) ** 2 <= ior_radius**2] = 0.0
    return np.array(fixations)


def fixations_to_target(display: SearchDisplay, gains=None, seed: int = 0) -> int:
    """標的を注視するまでの注視回数 (1 なら最初の注視で見つけた)。見つからなければ項目数 + 1。"""
    n_items = len(display.positions)
    path = scan_path(saliency_map(display, gains, seed), n_items, display.cell * 0.75, seed=seed)
    hits = np.linalg.norm(path - display.target, axis=1) <= display.cell / 2
    return int(np.argmax(hits)) + 1 if hits.any() else n_items + 1


def search_experiment(set_sizes=(4, 8, 16, 32), n_trials: int = 30, seed: int = 0):
    """3 条件 (特徴探索、結合探索、誘導つき結合探索) × 項目数で、標的までの注視回数を数える。

    返り値は {条件名: (len(set_sizes), n_trials) の整数配列}。
    """
    n_trials = positive_int(n_trials, "n_trials")
    guided = guidance_for("red", "vertical")
    conditions = {
        "feature": ("feature", None),
        "conjunction": ("conjunction", None),
        "guided conjunction": ("conjunction", guided),
    }
    results = {}
    for name, (kind, gains) in conditions.items():
        counts = np.zeros((len(set_sizes), n_trials), dtype=int)
        for i, n in enumerate(set_sizes):
            for trial in range(n_trials):
                display = search_display(kind, n, seed=seed + 1000 * trial + n)
                counts[i, trial] = fixations_to_target(display, gains, seed=seed + trial)
        results[name] = counts
    return results
