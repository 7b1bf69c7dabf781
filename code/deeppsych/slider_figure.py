"""スライダーつきの図の土台: スライダー (Control) と図 (InteractiveFigure)、格子の値の検査。

図の種類 (棒グラフ・折れ線・行列の濃淡) は deeppsych.interactive にある。章はそちらを使う。
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


def as_controls(controls) -> tuple[Control, ...]:
    if isinstance(controls, Control):
        controls = (controls,)
    controls = tuple(controls)
    if not 1 <= len(controls) <= MAX_CONTROLS:
        raise ValueError(f"controls はスライダー 1 本か 2 本です ({len(controls)} 本)")
    for c in controls:
        instance_of(c, Control, "controls")
    return controls


def grid_values(
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


def grid_labels(name: str, labels, grid: tuple[int, ...], n: int) -> np.ndarray:
    """目盛りによらない n 個の名前、または格子の点ごとの n 個の名前 (形 grid + (n,))。"""
    array = np.asarray(labels, dtype=object)
    if array.shape == (n,):
        array = np.broadcast_to(array, (*grid, n))
    if array.shape != (*grid, n):
        raise ValueError(
            f"{name} は {n} 個の名前か、形 {(*grid, n)} の名前の配列でなければなりません"
        )
    return array.astype(str)


def static_points(static, grid: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
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


def rounded(array: np.ndarray) -> list:
    """ページを軽くするため、有効数字 4 桁で JSON に書く。"""
    return [float(f"{v:.4g}") for v in np.ravel(array)]
