"""Itti & Koch (1998) 型の顕著性地図と視覚探索のおもちゃモデル (``book/01_softmax_attention.md``)。

画面 (赤と緑、縦と横の棒) → 特徴地図 (色の反対色 R−G / G−R、方位 縦 / 横、輝度)
→ 中心–周辺差 → 正規化演算子 N(·) → 顕著性地図 → 低温のソフトマックス関数から注視点を
標本抽出 (sample) し、復帰の抑制 (inhibition of return) をかける → 注視の系列、という流れを
短い関数に分けてある。トップダウンの利得 (Wolfe 1994 の誘導探索) は特徴地図ごとの重みとして与える。

探索の打ち切り規則 (``search_trial``): 標的あり試行では標的を注視した時点で「あり」と答え、
標的なし試行ではすべての項目を 1 回ずつ注視し終えた時点で「なし」と答える (逐次・自己打ち切り型の探索、
Treisman & Gelade 1980)。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ._checks import (
    as_float_array,
    as_float_tensor,
    check_seed,
    instance_of,
    nonnegative_number,
    one_of,
    positive_int,
    positive_number,
)

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
    target_present: bool = True

    @property
    def target(self) -> np.ndarray:
        """標的の中心 (行, 列)。標的なしの画面では ValueError。"""
        if not self.target_present:
            raise ValueError("標的なしの画面には標的がありません (target_present=False)")
        return self.positions[0]


def _draw_bar(image: np.ndarray, centre, colour: str, orientation: str, length=9, width=3):
    r, c = centre
    half_l, half_w = length // 2, width // 2
    dr, dc = (half_l, half_w) if orientation == "vertical" else (half_w, half_l)
    image[r - dr : r + dr + 1, c - dc : c + dc + 1] = COLOURS[colour]


def search_display(
    kind: str,
    set_size: int,
    seed: int = 0,
    grid: int = 8,
    cell: int = 16,
    target_present: bool = True,
):
    """標的 (赤い縦棒) を 1 つ含む探索画面を作る。

    * ``"feature"``: 妨害刺激はすべて緑の縦棒 (標的は色だけで違う → ポップアウト)
    * ``"conjunction"``: 妨害刺激は赤い横棒と緑の縦棒が半数ずつ (標的は色と方位の結合でだけ違う)

    ``target_present=False`` なら、標的の位置 (項目 0) にも妨害刺激を置く (標的なし試行)。
    """
    one_of(kind, SEARCH_KINDS, "kind")
    if not isinstance(target_present, bool | np.bool_):
        raise TypeError(f"target_present は True か False です ({target_present!r})")
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
    if not target_present:  # 標的の代わりに、妨害刺激の 1 つ (項目 1) と同じ種類の棒を置く
        colours[0], orientations[0] = colours[1], orientations[1]
    image = np.zeros((grid * cell, grid * cell, 3))
    for pos, col, ori in zip(positions, colours, orientations, strict=True):
        _draw_bar(image, pos, col, ori)
    return SearchDisplay(image, positions, colours, orientations, kind, cell, bool(target_present))


def feature_maps(image: np.ndarray) -> dict[str, np.ndarray]:
    """色 (赤−緑、緑−赤)、方位 (縦、横)、輝度の特徴地図。"""
    image = as_float_array(image, "image (高さ, 幅, 3) の RGB 画像", ndim=3)
    if image.shape[2] != 3:
        raise ValueError(f"image は (高さ, 幅, 3) の RGB 画像でなければなりません ({image.shape})")
    return _feature_maps(image)


def _feature_maps(image: np.ndarray) -> dict[str, np.ndarray]:
    # 検査ずみの画像 (探索画面が作ったものを含む) から特徴地図を作る。試行ごとに呼ぶので検査しない
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
    return _centre_surround(as_float_array(feature, "feature", ndim=2), scales)


def _centre_surround(feature: np.ndarray, scales=((1.0, 4.0), (2.0, 8.0))) -> np.ndarray:
    return sum(
        np.abs(ndimage.gaussian_filter(feature, c) - ndimage.gaussian_filter(feature, s))
        for c, s in scales
    )


def normalise(feature: np.ndarray, neighbourhood: int = 16) -> np.ndarray:
    """Itti & Koch の正規化演算子 N(·): 最大値を 1 にそろえ、(1 − 他の局所最大の平均)² を掛ける。

    ピークが 1 つだけの地図は強められ、同じ高さのピークがたくさんある地図は弱められる。
    """
    feature = as_float_array(feature, "feature", ndim=2)
    return _normalise(feature, positive_int(neighbourhood, "neighbourhood"))


def _normalise(feature: np.ndarray, neighbourhood: int = 16) -> np.ndarray:
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
    cs = {name: _normalise(_centre_surround(f)) for name, f in _feature_maps(display.image).items()}
    colour = _normalise(cs["red"] + cs["green"])
    orientation = _normalise(cs["vertical"] + cs["horizontal"])
    s = (colour + orientation + _normalise(cs["intensity"])) / 3.0
    return s / s.max()


def top_down_map(display: SearchDisplay, gains: dict[str, float]) -> np.ndarray:
    """トップダウンの活性 (Wolfe 1994 の誘導探索): 特徴地図に利得を掛けて足したもの。

    ボトムアップと違い、正規化演算子で「珍しさ」を求めない。標的の特徴をもつ項目ほど強まる。
    """
    instance_of(display, SearchDisplay, "display")
    instance_of(gains, dict, "gains")
    for feature, gain in gains.items():
        one_of(feature, FEATURES, "gains の鍵")
        nonnegative_number(gain, f"gains[{feature!r}]")
    maps = _feature_maps(display.image)
    total = np.zeros(display.image.shape[:2])
    for name, gain in gains.items():
        cs = _centre_surround(maps[name])
        if cs.max() > 0:
            total += gain * cs / cs.max()
    return total


def saliency_map(display: SearchDisplay, gains: dict[str, float] | None = None, seed: int = 0):
    """注意を導く地図 = ボトムアップの顕著性 + トップダウンの活性 (gains がなければ前者だけ)。

    神経の雑音として、わずかな平滑化した乗法的ノイズ (seed で固定) を加え、
    同じ顕著性の項目どうしの順位を決める。最大値 1 に正規化して返す。
    """
    instance_of(display, SearchDisplay, "display")
    seed = check_seed(seed)
    s = bottom_up_saliency(display)
    if gains:
        s = s + top_down_map(display, gains)
    noise = ndimage.gaussian_filter(np.random.default_rng(seed).normal(size=s.shape), 2.0)
    s = s * (1.0 + 0.05 * noise / noise.std())
    return np.maximum(s, 0.0) / s.max()


def guidance_for(colour: str, orientation: str, weight: float = 1.0) -> dict[str, float]:
    """誘導探索の利得: 標的のもつ色と方位の地図に weight を与える。"""
    one_of(colour, COLOURS, "colour")
    one_of(orientation, ("vertical", "horizontal"), "orientation")
    weight = positive_number(weight, "weight")
    return {colour: weight, orientation: weight}


def _as_saliency(saliency) -> np.ndarray:
    s = as_float_tensor(saliency, "saliency", min_dim=2).double().numpy()
    if s.ndim != 2:
        raise ValueError(f"saliency は 2 次元の地図でなければなりません (形 {s.shape})")
    if (s < 0).any():
        raise ValueError("saliency は 0 以上の値の地図でなければなりません")
    return s.copy()


def scan_path(
    saliency,
    n_fixations: int,
    ior_radius: float = 12.0,
    temperature: float = 0.02,
    seed: int = 0,
) -> np.ndarray:
    """顕著性地図から注視点の系列 (n_fixations, 2) を選ぶ。

    各ステップで、いま残っている地図を最大値 1 にそろえ、温度 temperature のソフトマックス関数の
    確率で 1 点を標本抽出する (T が小さいほど勝者専有に近い)。選んだ場所のまわり半径 ior_radius は
    0 にする (復帰の抑制)。最大値でそろえるのは、勝者専有の回路が絶対値ではなく位置どうしの比較で
    勝者を決めるからで、目立つ項目を抑制し終えたあとも、残りの項目のうちいちばん目立つものが選ばれる。
    """
    s = _as_saliency(saliency)
    n_fixations = positive_int(n_fixations, "n_fixations")
    ior_radius = positive_number(ior_radius, "ior_radius")
    temperature = positive_number(temperature, "temperature")
    rng = np.random.default_rng(check_seed(seed))
    rows, cols = np.indices(s.shape)
    fixations = []
    for _ in range(n_fixations):
        top = s.max()
        scaled = s / top if top > 0 else s
        # activations.softmax(scaled, temperature) と同じ値 (最大値 1 を引いてから指数をとる)。
        # 地図は 1 万を超える画素があり、注視のたびに呼ぶので numpy で計算する (tests で一致を確かめている)
        p = np.exp((scaled.ravel() - scaled.max()) / temperature)
        index = rng.choice(p.size, p=p / p.sum())
        fix = np.array(np.unravel_index(index, s.shape))
        fixations.append(fix)
        r0, r1 = max(fix[0] - int(ior_radius), 0), fix[0] + int(ior_radius) + 1
        c0, c1 = max(fix[1] - int(ior_radius), 0), fix[1] + int(ior_radius) + 1
        disc = (rows[r0:r1, c0:c1] - fix[0]) ** 2 + (
            cols[r0:r1, c0:c1] - fix[1]
        ) ** 2 <= ior_radius**2
        s[r0:r1, c0:c1][disc] = 0.0
    return np.array(fixations)


def inspected_items(display: SearchDisplay, path) -> np.ndarray:
    """各注視で調べた項目の番号 (注視点から半マス以内に中心がある最も近い項目; なければ −1)。"""
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path は (注視の数, 2) の配列でなければなりません (形 {path.shape})")
    distance = np.linalg.norm(path[:, None, :] - display.positions[None, :, :], axis=2)
    nearest = distance.argmin(axis=1)
    return np.where(distance.min(axis=1) <= display.cell / 2, nearest, -1)


def search_trial(display: SearchDisplay, gains=None, seed: int = 0) -> int:
    """1 試行の注視回数 (逐次・自己打ち切り型の探索)。

    標的あり: 標的を調べた注視の番号 (1 なら最初の注視で見つけた)。
    標的なし: すべての項目を 1 回ずつ調べ終えた注視の番号。
    どちらも項目数の 2 倍の注視で終わらなければ、打ち切りとして 2 × 項目数 + 1 を返す。
    """
    instance_of(display, SearchDisplay, "display")
    n_items = len(display.positions)
    limit = 2 * n_items
    path = scan_path(saliency_map(display, gains, seed), limit, display.cell * 0.75, seed=seed)
    seen: set[int] = set()
    for i, item in enumerate(inspected_items(display, path), start=1):
        if item < 0:
            continue
        if display.target_present and item == 0:
            return i
        seen.add(int(item))
        if not display.target_present and len(seen) == n_items:
            return i
    return limit + 1


def fixations_to_target(display: SearchDisplay, gains=None, seed: int = 0) -> int:
    """標的を注視するまでの注視回数 (1 なら最初の注視で見つけた)。``search_trial`` の標的あり試行。"""
    if not display.target_present:
        raise ValueError("標的なしの画面では標的までの注視回数は定義できません")
    return search_trial(display, gains, seed)


def search_experiment(
    set_sizes=(4, 8, 16, 32),
    n_trials: int = 30,
    seed: int = 0,
    guidance_weight: float = 1.0,
    absent: bool = False,
):
    """3 条件 (特徴探索、結合探索、誘導つき結合探索) × 項目数で、試行ごとの注視回数を数える。

    guidance_weight は誘導つき結合探索のトップダウンの利得 (``guidance_for`` の weight)。
    返り値は {条件名: (len(set_sizes), n_trials) の整数配列}。absent=True なら
    {(条件名, "present" / "absent"): 配列} として、標的なし試行も同じ数だけ行う。
    """
    n_trials = positive_int(n_trials, "n_trials")
    seed = check_seed(seed)
    set_sizes = [positive_int(n, "set_sizes の要素", minimum=2) for n in set_sizes]
    if not set_sizes:
        raise ValueError("set_sizes が空です: 少なくとも 1 つの項目数が必要です")
    guided = guidance_for("red", "vertical", guidance_weight)
    conditions = {
        "feature": ("feature", None),
        "conjunction": ("conjunction", None),
        "guided conjunction": ("conjunction", guided),
    }
    results = {}
    for name, (kind, gains) in conditions.items():
        for present in (True, False) if absent else (True,):
            counts = np.zeros((len(set_sizes), n_trials), dtype=int)
            for i, n in enumerate(set_sizes):
                for trial in range(n_trials):
                    display_seed = seed + 1000 * trial + n + (0 if present else 500)
                    display = search_display(kind, n, seed=display_seed, target_present=present)
                    counts[i, trial] = search_trial(display, gains, seed=seed + trial)
            results[(name, "present" if present else "absent") if absent else name] = counts
    return results


def search_slope(set_sizes, counts) -> float:
    """項目数に対する平均注視回数の回帰直線の傾き (1 項目あたりの注視回数)。"""
    sizes = as_float_tensor(set_sizes, "set_sizes").double().numpy()
    c = as_float_tensor(counts, "counts", min_dim=2).double().numpy()
    if c.ndim != 2 or c.shape[0] != sizes.size or sizes.size < 2:
        raise ValueError(
            f"counts は (項目数の数, 試行数) = ({sizes.size}, …) で、項目数は 2 つ以上必要です "
            f"(形 {c.shape})"
        )
    return float(np.polyfit(sizes, c.mean(axis=1), 1)[0])
