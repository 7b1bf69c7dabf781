"""deeppsych.plotting: 日本語フォントと描画の部品。"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deeppsych import plotting  # noqa: E402


def test_japanese_labels_render_without_missing_glyphs():
    plotting.use_book_style()
    fig, ax = plt.subplots()
    ax.set_title("ソフトマックス関数と注意 (温度)")
    ax.set_xlabel("項目数")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 豆腐 (Glyph missing) の警告を失敗にする
        fig.canvas.draw()
    plt.close(fig)


def test_heatmap_and_bar_panels_shapes():
    plotting.use_book_style()
    fig, ax = plt.subplots()
    image = plotting.heatmap(ax, np.eye(3), ["a", "b", "c"], ["x", "y", "z"], annotate=True)
    assert image.get_array().shape == (3, 3)
    assert len(ax.texts) == 9
    fig2 = plotting.bar_panels(
        np.ones((5, 2)) / 2, ["p", "q"], [f"T{i}" for i in range(5)], ncols=3
    )
    assert len(fig2.axes) == 6
    plt.close("all")
    with pytest.raises(ValueError, match="2 次元"):
        plotting.heatmap(ax, np.ones(3))
    with pytest.raises(ValueError, match="values"):
        plotting.bar_panels(np.ones((2, 2)), ["p"], ["a", "b"])
