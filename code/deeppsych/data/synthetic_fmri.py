"""模擬 fMRI データ: 名詞の意味特徴から、答えのわかった線形の生成過程で作る「脳画像」(``book/02_cosine_correlation.md``)。

これは実験で測った fMRI ではない。Mitchell et al. (2008) の符号化モデルを試すために、
その仮定どおりに作った **シミュレーション** である。生成過程は

    画像[名詞 w, ボクセル v] = Σ_i f_i(w) · c_{v i}  +  b_v  +  ε_{w v},   ε ~ N(0, σ²)

で、f_i(w) は名詞 w の意味特徴 (呼び出し側が与える)、c_{v i} は特徴 i の「署名」(1 枚の断面の上で
なめらかな塊の和として作る)、b_v はどの名詞にも共通の活動、ε は独立な雑音である。
雑音の大きさは信号雑音比 SNR = (名詞間の信号の分散のボクセル平均) / σ² で指定する。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import as_float_tensor, positive_int, positive_number


@dataclass(frozen=True)
class SyntheticFMRI:
    """模擬データ一式。images = clean + 雑音、clean = features @ weights + baseline。"""

    images: np.ndarray  # (名詞数, ボクセル数) 雑音を含む「観測」
    clean: np.ndarray  # (名詞数, ボクセル数) 雑音のない信号
    weights: np.ndarray  # (特徴数, ボクセル数) 真の署名 c_{v i}
    baseline: np.ndarray  # (ボクセル数,) 共通の活動 b_v
    mask: np.ndarray  # (高さ, 幅) の bool。True の画素がボクセル
    noise_sd: float
    snr: float

    def to_slice(self, vector) -> np.ndarray:
        """ボクセルのベクトルを断面の 2 次元配列に戻す (脳の外は NaN)。"""
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (int(self.mask.sum()),):
            raise ValueError(
                f"ボクセル数 {int(self.mask.sum())} のベクトルが必要です (形 {vector.shape})"
            )
        out = np.full(self.mask.shape, np.nan)
        out[self.mask] = vector
        return out


def slice_mask(shape: tuple[int, int] = (22, 26)) -> np.ndarray:
    """楕円形の「脳の断面」の画素を True にしたマスク。"""
    height = positive_int(shape[0], "shape[0]", minimum=4)
    width = positive_int(shape[1], "shape[1]", minimum=4)
    rows, cols = np.mgrid[0:height, 0:width]
    r = (rows - (height - 1) / 2) / (height / 2)
    c = (cols - (width - 1) / 2) / (width / 2)
    return r**2 + c**2 <= 1.0


def smooth_maps(
    n_maps: int, mask: np.ndarray, n_blobs: int = 2, width=(1.5, 3.0), rng=None
) -> np.ndarray:
    """断面の上のなめらかな地図 (ガウス型の塊 n_blobs 個の和、符号は無作為) を n_maps 枚作る。"""
    rng = np.random.default_rng(rng)
    rows, cols = np.nonzero(mask)
    maps = np.zeros((n_maps, rows.size))
    for m in range(n_maps):
        for _ in range(n_blobs):
            k = rng.integers(rows.size)
            sigma = rng.uniform(*width)
            sign = rng.choice([-1.0, 1.0])
            d2 = (rows - rows[k]) ** 2 + (cols - cols[k]) ** 2
            maps[m] += sign * np.exp(-d2 / (2 * sigma**2))
    return maps


def generate(
    features,
    snr: float = 1.0,
    shape: tuple[int, int] = (22, 26),
    baseline_scale: float = 1.0,
    seed: int = 0,
) -> SyntheticFMRI:
    """意味特徴 (名詞数, 特徴数) から、既知の署名と指定の SNR で模擬 fMRI 画像を作る。

    features は各名詞の特徴ベクトル (例: ``encoding.verb_features`` の出力)。
    同じ features・snr・seed からは同じデータができる。
    """
    f = as_float_tensor(features, "features", min_dim=2).cpu().numpy().astype(np.float64)
    if f.ndim != 2 or f.shape[0] < 3:
        raise ValueError(f"features は (名詞数 ≥ 3, 特徴数) の行列でなければなりません ({f.shape})")
    snr = positive_number(snr, "snr")
    baseline_scale = float(baseline_scale)
    if baseline_scale < 0:
        raise ValueError(f"baseline_scale は 0 以上でなければなりません ({baseline_scale})")
    rng = np.random.default_rng(seed)
    mask = slice_mask(shape)
    weights = smooth_maps(f.shape[1], mask, rng=rng)
    signal = f @ weights
    signal_var = float(signal.var(axis=0).mean())
    if signal_var <= 1e-12 * float(np.mean(signal**2)):
        raise ValueError("features が名詞の間でまったく変わらないので、信号が作れません")
    # 共通の活動は、名詞間の信号の標準偏差を単位にした大きさにする
    baseline = baseline_scale * np.sqrt(signal_var) * smooth_maps(1, mask, n_blobs=4, rng=rng)[0]
    clean = signal + baseline
    noise_sd = float(np.sqrt(signal_var / snr))
    images = clean + noise_sd * rng.standard_normal(clean.shape)
    return SyntheticFMRI(images, clean, weights, baseline, mask, noise_sd, snr)
