"""図の共通設定 (日本語フォント、本の体裁) と、章をまたいで使う描画の部品。

``use_book_style()`` を最初に呼ぶと、matplotlib-fontja が同梱する IPAex ゴシックが使われ、
図の日本語が豆腐 (□) にならない。
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def use_book_style() -> None:
    """日本語フォントと本の体裁 (色覚に配慮した配色、細い枠、読みやすい文字の大きさ) を設定する。"""
    import matplotlib_fontja  # noqa: F401  (import するだけでフォントが登録される)

    mpl.rcParams.update(
        {
            "font.family": "IPAexGothic",
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "figure.figsize": (6.4, 3.6),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "legend.frameon": False,
        }
    )


def heatmap(ax, matrix, row_labels=None, col_labels=None, cmap="viridis", annotate=False, **kw):
    """行列を色の濃さで描く (注意の重み、ヤコビ行列、混同行列など)。カラーバー用の画像を返す。"""
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"matrix は 2 次元でなければなりません ({matrix.shape})")
    image = ax.imshow(matrix, cmap=cmap, aspect="auto", **kw)
    ax.grid(False)
    if row_labels is not None:
        ax.set_yticks(range(matrix.shape[0]), row_labels)
    if col_labels is not None:
        ax.set_xticks(range(matrix.shape[1]), col_labels)
    if annotate:
        mid = (np.nanmax(matrix) + np.nanmin(matrix)) / 2
        for (i, j), v in np.ndenumerate(matrix):
            colour = "white" if v < mid else "black"
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color=colour, fontsize=8)
    return image


def show_image(ax, image, title: str | None = None, **kw):
    """画像を軸なしで描く。"""
    ax.imshow(image, **kw)
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def bar_panels(values, labels, titles, ncols: int = 4, ylim=(0, 1), **bar_kw):
    """同じ項目の棒グラフを小さな図の格子に並べる (温度ごとのソフトマックスなど)。"""
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[0] != len(titles) or values.shape[1] != len(labels):
        raise ValueError(
            "values は (パネル数, 項目数) で titles・labels の長さと合う必要があります"
        )
    nrows = int(np.ceil(len(titles) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.2 * ncols, 1.9 * nrows), sharey=True)
    for ax, row, title in zip(np.ravel(axes), values, titles, strict=False):
        ax.bar(range(len(labels)), row, **bar_kw)
        ax.set_xticks(range(len(labels)), labels, fontsize=7)
        ax.set_title(title, fontsize=9)
        ax.set_ylim(*ylim)
    for ax in np.ravel(axes)[len(titles) :]:
        ax.set_axis_off()
    fig.tight_layout()
    return fig
