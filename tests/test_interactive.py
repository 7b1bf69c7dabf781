"""スライダーつきの図 (deeppsych.interactive): 格子の各点の値が正しい frame に入り、Plotly が受け付ける形であること。"""

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from deeppsych import interactive

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def one_control(n=4, name="温度 T"):
    return interactive.Control(name, [f"{i}" for i in range(n)])


def small_bars(values, categories, n_steps=2, name="d", **kw):
    """目盛り n_steps のスライダー 1 本の棒グラフ (引数の検査のテスト用)。"""
    return interactive.bars(
        name, values, categories, one_control(n_steps), title="t", ylabel="y", alt="a", **kw
    )


def simple_bars(values=None):
    values = np.arange(12.0).reshape(4, 3) if values is None else values
    return interactive.bars(
        "demo", values, ["a", "b", "c"], one_control(), title="t", ylabel="y", alt="棒グラフ"
    )


def test_each_frame_holds_the_values_of_its_grid_point():
    spec = simple_bars().plotly_spec()
    frames = {f["name"]: f["data"][0]["y"] for f in spec["frames"]}
    assert set(frames) == {"0", "1", "2", "3"}
    assert frames["2"] == [6.0, 7.0, 8.0]
    assert spec["data"][0]["y"] == [0.0, 1.0, 2.0]  # 最初に見えるのは目盛り 0


def test_two_controls_make_one_frame_per_pair():
    z = np.random.default_rng(0).random((3, 2, 4, 5))
    fig = interactive.heatmap(
        "att",
        z,
        [one_control(3, "層"), one_control(2, "ヘッド")],
        rows=list("abcd"),
        cols=list("vwxyz"),
        title="t",
        alt="注意の重み",
    )
    spec = fig.plotly_spec()
    names = [f["name"] for f in spec["frames"]]
    assert names == [f"{i}-{j}" for i in range(3) for j in range(2)]
    frame = next(f for f in spec["frames"] if f["name"] == "2-1")
    assert np.allclose(frame["data"][0]["z"], z[2, 1], atol=1e-3)
    assert len(spec["layout"]["sliders"]) == 2


def test_specs_are_valid_plotly_figures():
    x = np.linspace(0, 1, 7)
    y = np.random.default_rng(1).random((5, 2, 7))
    fig = interactive.lines(
        "fit",
        x,
        y,
        ["モデル", "真の関数"],
        one_control(5, "λ"),
        title="t",
        xlabel="x",
        ylabel="y",
        alt="折れ線",
        points={"データ": (x, y[0, 0])},
    )
    for f in (fig, simple_bars()):
        go.Figure(f.plotly_spec())  # 形が Plotly の仕様に合わなければ ValueError


def test_values_are_rounded_to_keep_pages_light():
    spec = simple_bars(np.full((4, 3), 1 / 3)).plotly_spec()
    assert spec["frames"][0]["data"][0]["y"][0] == 0.3333


def test_bundle_has_interactive_html_and_static_png():
    bundle = simple_bars()._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_MAGIC)
    html = bundle["text/html"]
    assert 'class="dp-interactive"' in html and 'class="dp-fallback"' in html
    assert 'id="dp-demo"' in html
    spec = re.search(r"var spec = (\{.*\});\n", html).group(1)
    assert json.loads(spec.replace("<\\/", "</"))["frames"]


def test_a_value_cannot_close_the_script_element():
    fig = small_bars(np.ones((2, 1)), ["</script>"])
    html = fig.html()
    assert html.count("</script>") == 1


def test_labels_may_change_with_the_grid_point():
    categories = [["犬", "猫"], ["机", "椅子"]]
    fig = small_bars(np.ones((2, 2)), categories)
    assert fig.plotly_spec()["frames"][1]["data"][0]["x"] == ["机", "椅子"]


def test_static_panel_shows_the_requested_settings():
    fig = interactive.bars(
        "demo",
        np.ones((4, 3)),
        ["a", "b", "c"],
        one_control(),
        title="t",
        ylabel="y",
        alt="a",
        static=[(0,), (3,)],
    )
    panel = fig.static_figure()
    titles = [ax.get_title() for ax in panel.axes if ax.get_visible() and ax.get_title()]
    assert titles == ["温度 T = 0", "温度 T = 3"]


def test_default_static_panel_is_first_middle_last():
    assert simple_bars().static == ((0,), (2,), (3,))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (np.ones((3, 3)), "形"),
        (np.ones(4), "形"),
        (np.array([[1.0, np.nan, 1.0]] * 4), "NaN"),
    ],
)
def test_bad_values_are_rejected(values, message):
    with pytest.raises(ValueError, match=message):
        simple_bars(values)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="labels"):
        interactive.Control("T", ["1"])
    with pytest.raises(TypeError, match="name"):
        interactive.Control(3, ["1", "2"])
    with pytest.raises(ValueError, match="controls"):
        interactive.bars("d", np.ones((2, 2)), list("ab"), [], title="t", ylabel="y", alt="a")
    with pytest.raises(TypeError, match="controls"):
        interactive.bars("d", np.ones((2, 2)), list("ab"), ["T"], title="t", ylabel="y", alt="a")
    with pytest.raises(ValueError, match="categories"):
        small_bars(np.ones((2, 2)), ["a"])
    with pytest.raises(ValueError, match="name"):
        small_bars(np.ones((2, 2)), list("ab"), name="Bad id")
    with pytest.raises(ValueError, match="static"):
        small_bars(np.ones((2, 2)), list("ab"), static=[(5,)])


def test_heatmap_drops_missing_rows_and_columns_per_frame():
    z = np.full((2, 3, 4), np.nan)
    z[0] = np.arange(12.0).reshape(3, 4)  # 点 0: 3 行 4 列がすべてある
    z[1, :2, :3] = [[0.5, np.nan, 1.0], [2.0, 3.0, 4.0]]  # 点 1: 2 行 3 列 (1 マスは値なし)
    fig = interactive.heatmap(
        "padded",
        z,
        one_control(2, "文"),
        rows=[["a", "b", "c"], ["x", "y", ""]],
        cols=[list("pqrs"), ["u", "v", "w", ""]],
        title="t",
        alt="長さの違う行列",
    )
    spec = fig.plotly_spec()
    frame = next(f for f in spec["frames"] if f["name"] == "1")["data"][0]
    assert frame["y"] == ["x", "y"] and frame["x"] == ["u", "v", "w"]
    assert frame["z"] == [[0.5, None, 1.0], [2.0, 3.0, 4.0]]
    assert (frame["zmin"], frame["zmax"]) == (0.0, 11.0)  # 色の範囲は NaN を除いた全体
    json.dumps(spec, allow_nan=False)  # NaN は JSON に書けないので null にしてある
    go.Figure(spec)
    assert base64.b64decode(fig._repr_mimebundle_()["image/png"]).startswith(PNG_MAGIC)


def test_heatmap_rejects_a_frame_without_values_and_infinities():
    controls = one_control(2, "文")
    z = np.ones((2, 2, 2))
    z[1] = np.nan
    with pytest.raises(ValueError, match="すべて NaN"):
        interactive.heatmap(
            "bad", z, controls, rows=["a", "b"], cols=["c", "d"], title="t", alt="a"
        )
    z[1] = np.inf
    with pytest.raises(ValueError, match="無限大"):
        interactive.heatmap(
            "bad", z, controls, rows=["a", "b"], cols=["c", "d"], title="t", alt="a"
        )


def test_heatmap_underlay_is_drawn_once_below_and_frames_replace_only_the_map():
    z = np.random.default_rng(2).random((3, 4, 5))
    image = np.linspace(0, 1, 20).reshape(4, 5)
    fig = interactive.heatmap(
        "cam-demo",
        z,
        one_control(3, "クラス"),
        rows=list("abcd"),
        cols=list("vwxyz"),
        title="t",
        alt="地図",
        underlay=image,
    )
    spec = fig.plotly_spec()
    assert len(spec["data"]) == 2  # 画像 (下) と地図 (上)
    assert np.allclose(spec["data"][0]["z"], image, atol=1e-3)
    assert spec["data"][1]["opacity"] < 1
    for frame in spec["frames"]:
        assert frame["traces"] == [1]  # 画像は frame に入らず、地図だけが差し替わる
        assert len(frame["data"]) == 1
    assert np.allclose(spec["frames"][2]["data"][0]["z"], z[2], atol=1e-3)
    go.Figure(spec)
    panel = fig.static_figure()
    assert len(panel.axes[0].images) == 2  # 静止画でも画像の上に地図を重ねる
    with pytest.raises(ValueError, match="underlay"):
        interactive.heatmap(
            "d",
            z,
            one_control(3),
            rows=list("abcd"),
            cols=list("vwxyz"),
            title="t",
            alt="a",
            underlay=np.ones((5, 4)),
        )


def test_heatmap_without_underlay_has_no_fixed_traces():
    z = np.random.default_rng(3).random((2, 2, 2))
    spec = interactive.heatmap(
        "plain", z, one_control(2), rows=list("ab"), cols=list("cd"), title="t", alt="a"
    ).plotly_spec()
    assert len(spec["data"]) == 1 and "traces" not in spec["frames"][0]


def test_bars_may_be_coloured_one_colour_per_bar():
    colours = ["#0072B2", "#D55E00", "#0072B2"]
    fig = small_bars(np.ones((2, 3)), list("abc"), colours=colours)
    spec = fig.plotly_spec()
    assert all(f["data"][0]["marker"]["color"] == colours for f in spec["frames"])
    go.Figure(spec)
    panel = fig.static_figure()
    faces = [patch.get_facecolor()[:3] for patch in panel.axes[0].patches]
    assert faces[0] == faces[2] != faces[1]
    with pytest.raises(ValueError, match="colours"):
        small_bars(np.ones((2, 3)), list("abc"), colours=["red", "blue"])
