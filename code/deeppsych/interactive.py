"""触って確かめる図: パラメータの格子の上で前もって計算した値を、スライダーで切り替える。

値はすべて、本のビルドのときに章のモデルが格子の各点で計算する。読者のブラウザでは何も計算しない
(PyTorch はブラウザで動かない)。だからカーネルもネットワークもいらない。

* HTML 版の本: Plotly の図。スライダーを動かすと、前もって計算した値に差し替わる。plotly.js は
  本に同梱する (book/_ext/interactive_figures.py が _static/ に写し、図のあるページだけが読み込む)。
* PDF と配布資料: 代表的な設定を並べた静止画 (matplotlib)。myst-nb は LaTeX では image/png を選ぶ。
* Colab など plotly.js のない環境: 同じ静止画を表示する (HTML の中の代わりの画像)。

図の種類は 3 つ: ``bars`` (棒グラフ)、``lines`` (折れ線)、``heatmap`` (行列の濃淡)。
スライダーは 1 つか 2 つ (``Control``)。2 つのときは 2 つの値の組ごとに 1 枚の図を用意する。
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .plotting import PALETTE
from .plotting import heatmap as draw_heatmap
from .slider_figure import (
    Control,
    InteractiveFigure,
    as_controls,
    grid_labels,
    grid_values,
    rounded,
    static_points,
)

__all__ = ["Control", "InteractiveFigure", "bars", "heatmap", "lines"]


def bars(
    name: str,
    values,
    categories,
    controls,
    *,
    title: str,
    ylabel: str,
    alt: str,
    yrange: tuple[float, float] | None = None,
    static=None,
    colours: Sequence[str] | None = None,
) -> InteractiveFigure:
    """棒グラフ。values の形は (目盛り…, 棒の数)。categories は棒の名前 (点ごとに変えてもよい)。
    colours は棒ごとの色 (どの点でも同じ。関係のある組と無関係な組を塗り分けるなど)。"""
    controls = as_controls(controls)
    values = grid_values("values", values, controls, 1)
    grid = values.shape[:-1]
    names = grid_labels("categories", categories, grid, values.shape[-1])
    if colours is None:
        colours = [PALETTE[0]] * values.shape[-1]
    colours = list(colours) if not isinstance(colours, str) else [colours]
    if len(colours) != values.shape[-1] or not all(isinstance(c, str) for c in colours):
        raise ValueError(f"colours は棒の数 ({values.shape[-1]}) と同じ数の色の名前です")
    if yrange is None:
        yrange = (min(0.0, float(values.min())), float(values.max()) * 1.05)

    def traces(index):
        return [
            {
                "type": "bar",
                "x": names[index].tolist(),
                "y": rounded(values[index]),
                "marker": {"color": colours},
            }
        ]

    def draw(ax, index):
        ax.bar(range(values.shape[-1]), values[index], color=colours)
        ax.set_xticks(range(values.shape[-1]), names[index], rotation=45, ha="right", fontsize=8)
        ax.set_ylim(*yrange)
        ax.set_ylabel(ylabel)

    layout = {
        "xaxis": {"type": "category"},
        "yaxis": {"title": {"text": ylabel}, "range": list(yrange)},
    }
    return InteractiveFigure(
        name, title, controls, traces, draw, layout, static_points(static, grid), alt
    )


def lines(
    name: str,
    x,
    y,
    series: Sequence[str],
    controls,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    alt: str,
    yrange: tuple[float, float] | None = None,
    points: dict | None = None,
    static=None,
) -> InteractiveFigure:
    """折れ線。y の形は (目盛り…, 線の数, len(x))。points はスライダーで変わらない点
    (名前 → (x, y)、観測データなど)。"""
    controls = as_controls(controls)
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x は 1 次元でなければなりません ({x.shape})")
    y = grid_values("y", y, controls, 2)
    series = [str(s) for s in series]
    if y.shape[-2:] != (len(series), len(x)):
        raise ValueError(
            f"y の最後の 2 次元 {y.shape[-2:]} は (線の数, len(x)) = {(len(series), len(x))}"
        )
    points = {
        str(k): (np.asarray(px, float), np.asarray(py, float))
        for k, (px, py) in (points or {}).items()
    }
    if yrange is None:
        low = min([float(y.min())] + [float(py.min()) for _, py in points.values()])
        high = max([float(y.max())] + [float(py.max()) for _, py in points.values()])
        pad = 0.05 * (high - low or 1.0)
        yrange = (low - pad, high + pad)
    fixed = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": k,
            "x": rounded(px),
            "y": rounded(py),
            "marker": {"color": "black", "size": 7},
        }
        for k, (px, py) in points.items()
    ]

    def traces(index):
        curves = [
            {
                "type": "scatter",
                "mode": "lines",
                "name": s,
                "x": rounded(x),
                "y": rounded(y[index][j]),
                "line": {"color": PALETTE[j % len(PALETTE)], "width": 2.5},
            }
            for j, s in enumerate(series)
        ]
        return curves + fixed

    def draw(ax, index):
        for j, s in enumerate(series):
            ax.plot(x, y[index][j], label=s, color=PALETTE[j % len(PALETTE)])
        for k, (px, py) in points.items():
            ax.plot(px, py, "o", color="black", markersize=3, label=k)
        ax.set_ylim(*yrange)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if index == _first_static[0]:
            ax.legend(fontsize=7)

    _first_static = static_points(static, y.shape[:-2])
    layout = {
        "xaxis": {"title": {"text": xlabel}},
        "yaxis": {"title": {"text": ylabel}, "range": list(yrange)},
    }
    return InteractiveFigure(name, title, controls, traces, draw, layout, _first_static, alt)


def heatmap(
    name: str,
    z,
    controls,
    *,
    rows,
    cols,
    title: str,
    alt: str,
    zrange: tuple[float, float] | None = None,
    colorscale: str = "Viridis",
    static=None,
    underlay=None,
) -> InteractiveFigure:
    """行列の濃淡 (注意の重み、CAM など)。z の形は (目盛り…, 行, 列)。色の範囲はすべての点で共通。

    NaN のマスは描かない。ある点ですべて NaN の行と列はその点の図から除くので、文の長さが
    点ごとに違う行列も、いちばん大きな形に NaN を詰めて渡せばよい (詰めた行・列の名前は何でもよい)。

    underlay (形 (行, 列)) を渡すと、それを灰色の画像として下に敷き、z を半透明に重ねる
    (入力画像の上の CAM など)。そのときは軸の目盛りを描かず、画素を正方形にする。"""
    controls = as_controls(controls)
    z = grid_values("z", z, controls, 2, missing=True)
    grid = z.shape[:-2]
    row_names = grid_labels("rows", rows, grid, z.shape[-2])
    col_names = grid_labels("cols", cols, grid, z.shape[-1])
    zmin, zmax = zrange if zrange is not None else (float(np.nanmin(z)), float(np.nanmax(z)))
    underlay = _underlay(underlay, z.shape[-2:])
    opacity = 1.0 if underlay is None else 0.6

    def cells(index):
        """点 index の行列と行・列の名前 (すべて NaN の行と列を除く)。"""
        known = np.isfinite(z[index])
        keep_rows, keep_cols = known.any(axis=1), known.any(axis=0)
        matrix = z[index][keep_rows][:, keep_cols]
        return matrix, row_names[index][keep_rows], col_names[index][keep_cols]

    def traces(index):
        matrix, row_labels, col_labels = cells(index)
        rows_z = [[None if np.isnan(v) else v for v in rounded(row)] for row in matrix]
        return [
            {
                "type": "heatmap",
                "z": rows_z,
                "x": _unique(col_labels),
                "y": _unique(row_labels),
                "zmin": zmin,
                "zmax": zmax,
                "colorscale": colorscale,
                **({} if underlay is None else {"opacity": opacity}),
            }
        ]

    def draw(ax, index):
        matrix, row_labels, col_labels = cells(index)
        if underlay is not None:
            ax.imshow(underlay, cmap="gray")
        draw_heatmap(
            ax,
            matrix,
            row_labels,
            col_labels,
            cmap=colorscale.lower(),
            vmin=zmin,
            vmax=zmax,
            alpha=opacity,
        )
        if underlay is not None:
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
        ax.tick_params(axis="y", labelsize=7)

    layout = {"yaxis": {"autorange": "reversed", "type": "category"}, "xaxis": {"type": "category"}}
    fixed = ()
    if underlay is not None:  # 灰色の画像を下に敷き、目盛りを消して画素を正方形にする
        first = tuple(0 for _ in grid)
        fixed = (
            {
                "type": "heatmap",
                "z": [rounded(row) for row in underlay],
                "x": _unique(col_names[first]),
                "y": _unique(row_names[first]),
                "colorscale": [[0, "black"], [1, "white"]],
                "showscale": False,
                "hoverinfo": "skip",
            },
        )
        layout["xaxis"].update(showticklabels=False, ticks="", showgrid=False, zeroline=False)
        layout["yaxis"].update(
            showticklabels=False, ticks="", showgrid=False, zeroline=False, scaleanchor="x"
        )
    return InteractiveFigure(
        name, title, controls, traces, draw, layout, static_points(static, grid), alt, fixed
    )


def _underlay(underlay, shape: tuple[int, ...]) -> np.ndarray | None:
    """heatmap の下に敷く灰色の画像 (形 (行, 列)、有限の値)。"""
    if underlay is None:
        return None
    array = np.asarray(underlay, dtype=float)
    if array.shape != tuple(shape):
        raise ValueError(f"underlay の形 {array.shape} は z の行と列の形 {tuple(shape)} と同じです")
    if not np.isfinite(array).all():
        raise ValueError("underlay に NaN か無限大が含まれています")
    return array


def _unique(labels) -> list[str]:
    """Plotly のカテゴリ軸は同じ名前を 1 つにまとめるので、重なる名前に見えない印をつけて区別する。"""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label + "\u200b" * (seen[label] - 1))
    return out
