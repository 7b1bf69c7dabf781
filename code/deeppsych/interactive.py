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

import base64
import html
import io
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ._checks import instance_of
from .plotting import PALETTE, use_book_style
from .plotting import heatmap as draw_heatmap

MAX_CONTROLS = 2
FONT = "IPAexGothic, 'Noto Sans CJK JP', 'Hiragino Sans', sans-serif"


@dataclass(frozen=True)
class Control:
    """スライダー 1 本: 名前 (「温度 T」など) と、目盛りごとの表示 (「0.1」「1」…)。"""

    name: str
    labels: tuple[str, ...]

    def __post_init__(self):
        instance_of(self.name, str, "name")
        if not self.name:
            raise ValueError("name は空でない文字列でなければなりません")
        labels = tuple(str(v) for v in self.labels)
        if len(labels) < 2:
            raise ValueError(f"labels は 2 つ以上の目盛りが必要です ({len(labels)} 個)")
        object.__setattr__(self, "labels", labels)


@dataclass(frozen=True)
class InteractiveFigure:
    """スライダーつきの図。ノートブックに表示すると HTML (Plotly) と PNG (静止画) の両方を出す。

    traces(index) は格子の点 index (各スライダーの目盛りの番号の組) で Plotly に渡す線や棒を返し、
    draw(ax, index) は同じ点を matplotlib の軸に描く (静止画のパネル 1 枚)。
    """

    name: str
    title: str
    controls: tuple[Control, ...]
    traces: Callable[[tuple[int, ...]], list[dict]]
    draw: Callable[[object, tuple[int, ...]], None]
    layout: dict
    static: tuple[tuple[int, ...], ...]
    alt: str
    fixed: tuple[dict, ...] = ()  # スライダーで変わらない線や画像 (下に描き、frame には入れない)

    def __post_init__(self):
        if not isinstance(self.name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.name):
            raise ValueError(
                f"name は英小文字・数字・- だけの名前です (HTML の id になる): {self.name!r}"
            )

    @property
    def grid(self) -> tuple[int, ...]:
        return tuple(len(c.labels) for c in self.controls)

    def label(self, index: tuple[int, ...]) -> str:
        """格子の点の表示 (「温度 T = 0.5」)。"""
        return "、".join(
            f"{c.name} = {c.labels[i]}" for c, i in zip(self.controls, index, strict=True)
        )

    def plotly_spec(self) -> dict:
        """Plotly に渡す図の全体 (data、layout、frames)。frames の名前は目盛りの番号を - でつないだもの。"""
        start = tuple(0 for _ in self.controls)
        sliders = [
            {
                "active": 0,
                "currentvalue": {"prefix": f"{c.name} = ", "font": {"size": 14}},
                "pad": {"t": 60 + 70 * k, "b": 10},
                "len": 0.9,
                "x": 0.05,
                "steps": [{"label": lab, "method": "skip", "args": []} for lab in c.labels],
            }
            for k, c in enumerate(self.controls)
        ]
        layout = {
            "title": {"text": self.title},
            "template": "plotly_white",
            "font": {"family": FONT, "size": 13},
            "colorway": list(PALETTE),
            "height": 460 + 70 * len(self.controls),
            "margin": {"l": 60, "r": 30, "t": 60, "b": 40},
            "sliders": sliders,
            **self.layout,
        }
        frames = [
            {"name": frame_name(index), "data": self.traces(index)}
            for index in itertools.product(*(range(n) for n in self.grid))
        ]
        if self.fixed:  # frame は固定の線や画像の後ろの線だけを差し替える
            for frame in frames:
                frame["traces"] = list(range(len(self.fixed), len(self.fixed) + len(frame["data"])))
        return {"data": [*self.fixed, *self.traces(start)], "layout": layout, "frames": frames}

    def static_figure(self) -> Figure:
        """代表的な設定 (static) を横に並べた静止画。"""
        n = len(self.static)
        ncols = min(n, 3)
        nrows = -(-n // ncols)
        fig = Figure(figsize=(3.4 * ncols, 2.9 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, index in zip(axes, self.static, strict=False):
            self.draw(ax, index)
            ax.set_title(self.label(index), fontsize=10)
        for ax in axes[n:]:
            ax.set_axis_off()
        fig.suptitle(self.title, fontsize=11)
        return fig

    def png(self) -> bytes:
        use_book_style()
        buffer = io.BytesIO()
        self.static_figure().savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()

    def html(self, png: str | None = None) -> str:
        """plotly.js があれば動く図、なければ静止画 (png: base64) を表示する HTML の断片。"""
        png = png or base64.b64encode(self.png()).decode("ascii")
        spec = json.dumps(self.plotly_spec(), ensure_ascii=False, separators=(",", ":"))
        spec = spec.replace("</", "<\\/")  # 値の中の </script> で script 要素が閉じないように
        div = f"dp-{self.name}"
        return (
            f'<div class="dp-interactive" role="figure" aria-label="{html.escape(self.alt)}">'
            f'<div id="{div}" class="dp-plot"></div>'
            f'<img class="dp-fallback" alt="{html.escape(self.alt)}" '
            f'src="data:image/png;base64,{png}">'
            f"<script>{_SCRIPT.replace('__ID__', div).replace('__SPEC__', spec)}</script></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = base64.b64encode(self.png()).decode("ascii")
        return {
            "text/html": self.html(png),
            "image/png": png,
            "text/plain": f"<スライダーつきの図: {self.title}>",
        }


# スライダーが動いたら、すべてのスライダーの目盛りの組に当たる frame に差し替える。
# plotly.js がなければ (Colab など)、代わりの静止画をそのまま見せる。
_SCRIPT = """(function () {
  var gd = document.getElementById("__ID__");
  if (!gd || !window.Plotly) return;
  var spec = __SPEC__;
  gd.parentNode.querySelectorAll(".dp-fallback").forEach(function (img) { img.remove(); });
  Plotly.newPlot(gd, spec.data, spec.layout, {responsive: true, displayModeBar: false})
    .then(function () { return Plotly.addFrames(gd, spec.frames); })
    .then(function () {
      gd.on("plotly_sliderchange", function () {
        var name = gd.layout.sliders.map(function (s) { return s.active; }).join("-");
        Plotly.animate(gd, [name], {mode: "immediate", transition: {duration: 0},
                                    frame: {duration: 0, redraw: true}});
      });
    });
})();"""


def frame_name(index: Sequence[int]) -> str:
    return "-".join(str(int(i)) for i in index)


def _as_controls(controls) -> tuple[Control, ...]:
    if isinstance(controls, Control):
        controls = (controls,)
    controls = tuple(controls)
    if not 1 <= len(controls) <= MAX_CONTROLS:
        raise ValueError(f"controls はスライダー 1 本か 2 本です ({len(controls)} 本)")
    for c in controls:
        instance_of(c, Control, "controls")
    return controls


def _values(
    name: str, values, controls: tuple[Control, ...], trailing: int, missing: bool = False
) -> np.ndarray:
    """格子の形 (各スライダーの目盛りの数) に続いて trailing 個の次元をもつ、有限の値の配列。

    missing が真なら NaN (値のないマス) を許す。ただし格子のどの点にも有限の値が 1 つは要る。"""
    array = np.asarray(values, dtype=float)
    grid = tuple(len(c.labels) for c in controls)
    if array.ndim != len(grid) + trailing or array.shape[: len(grid)] != grid:
        raise ValueError(
            f"{name} の形 {array.shape} は、スライダーの目盛りの数 {grid} に "
            f"{trailing} 個の次元が続く形でなければなりません"
        )
    if missing:
        if np.isinf(array).any():
            raise ValueError(f"{name} に無限大が含まれています")
        empty = ~np.isfinite(array).reshape(*grid, -1).any(axis=-1)
        if empty.any():
            raise ValueError(f"{name} には値がすべて NaN の格子の点があります")
    elif not np.isfinite(array).all():
        raise ValueError(f"{name} に NaN か無限大が含まれています")
    return array


def _labels(name: str, labels, grid: tuple[int, ...], n: int) -> np.ndarray:
    """目盛りによらない n 個の名前、または格子の点ごとの n 個の名前 (形 grid + (n,))。"""
    array = np.asarray(labels, dtype=object)
    if array.shape == (n,):
        array = np.broadcast_to(array, (*grid, n))
    if array.shape != (*grid, n):
        raise ValueError(
            f"{name} は {n} 個の名前か、形 {(*grid, n)} の名前の配列でなければなりません"
        )
    return array.astype(str)


def _static(static, grid: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """静止画に並べる点。指定がなければ最初のスライダーの最初・中ほど・最後 (他は 0)。"""
    if static is None:
        first = sorted({0, grid[0] // 2, grid[0] - 1})
        static = [(i, *(0 for _ in grid[1:])) for i in first]
    static = tuple(tuple(int(i) for i in index) for index in static)
    for index in static:
        if len(index) != len(grid) or not all(0 <= i < n for i, n in zip(index, grid, strict=True)):
            raise ValueError(f"static の点 {index} が格子 {grid} の外にあります")
    if not static:
        raise ValueError("static には少なくとも 1 つの点が必要です")
    return static


def _round(array: np.ndarray) -> list:
    """ページを軽くするため、有効数字 4 桁で JSON に書く。"""
    return [float(f"{v:.4g}") for v in np.ravel(array)]


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
    controls = _as_controls(controls)
    values = _values("values", values, controls, 1)
    grid = values.shape[:-1]
    names = _labels("categories", categories, grid, values.shape[-1])
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
                "y": _round(values[index]),
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
        name, title, controls, traces, draw, layout, _static(static, grid), alt
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
    controls = _as_controls(controls)
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x は 1 次元でなければなりません ({x.shape})")
    y = _values("y", y, controls, 2)
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
            "x": _round(px),
            "y": _round(py),
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
                "x": _round(x),
                "y": _round(y[index][j]),
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

    _first_static = _static(static, y.shape[:-2])
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
    controls = _as_controls(controls)
    z = _values("z", z, controls, 2, missing=True)
    grid = z.shape[:-2]
    row_names = _labels("rows", rows, grid, z.shape[-2])
    col_names = _labels("cols", cols, grid, z.shape[-1])
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
        rows_z = [[None if np.isnan(v) else v for v in _round(row)] for row in matrix]
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
                "z": [_round(row) for row in underlay],
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
        name, title, controls, traces, draw, layout, _static(static, grid), alt, fixed
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
