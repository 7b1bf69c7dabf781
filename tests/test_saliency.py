"""deeppsych.saliency: 顕著性地図と視覚探索のおもちゃモデル。"""

import numpy as np
import pytest

from deeppsych import saliency as S


def test_display_has_one_red_vertical_target_and_right_distractors():
    for kind in S.SEARCH_KINDS:
        d = S.search_display(kind, 12, seed=5)
        assert d.image.shape == (128, 128, 3)
        assert len(d.positions) == 12
        assert (d.colours[0], d.orientations[0]) == ("red", "vertical")
        pairs = set(zip(d.colours[1:], d.orientations[1:], strict=True))
        if kind == "feature":
            assert pairs == {("green", "vertical")}
        else:
            assert pairs == {("red", "horizontal"), ("green", "vertical")}
        assert np.array_equal(d.image, S.search_display(kind, 12, seed=5).image)


def test_normalise_promotes_a_single_peak_over_many():
    single = np.zeros((64, 64))
    single[32, 32] = 1.0
    many = np.zeros((64, 64))
    many[8::16, 8::16] = 1.0
    assert S.normalise(single).max() == pytest.approx(1.0)
    assert S.normalise(many).max() < 0.05
    assert S.normalise(np.zeros((8, 8))).max() == 0.0


def test_popout_target_is_the_most_salient_and_fixated_first():
    for seed in range(10):
        d = S.search_display("feature", 16, seed=seed)
        s = S.saliency_map(d, seed=seed)
        peak = np.array(np.unravel_index(s.argmax(), s.shape))
        assert np.linalg.norm(peak - d.target) <= d.cell / 2
        assert S.fixations_to_target(d, seed=seed) == 1


def test_conjunction_search_is_serial_and_guidance_fixes_it():
    results = S.search_experiment(set_sizes=(4, 16), n_trials=12, seed=0)
    feature = results["feature"].mean(axis=1)
    conjunction = results["conjunction"].mean(axis=1)
    guided = results["guided conjunction"].mean(axis=1)
    assert np.all(feature == 1.0)
    assert conjunction[1] - conjunction[0] > 3.0  # 項目が増えると注視も増える
    assert guided[1] < 2.0 < conjunction[1]


def test_scan_path_inhibits_return():
    d = S.search_display("conjunction", 10, seed=2)
    path = S.scan_path(S.saliency_map(d), n_fixations=10, ior_radius=12, seed=0)
    distances = np.linalg.norm(path[:, None] - path[None], axis=2)
    assert (distances[np.triu_indices(10, 1)] > 12).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: S.search_display("odd", 8), "kind"),
        (lambda: S.search_display("feature", 1), "set_size"),
        (lambda: S.search_display("feature", 100), "set_size"),
        (lambda: S.feature_maps(np.zeros((8, 8))), "RGB"),
        (lambda: S.top_down_map(S.search_display("feature", 4), {"blue": 1.0}), "gains"),
        (lambda: S.scan_path(np.zeros(5), 3), "2 次元"),
        (lambda: S.guidance_for("blue", "vertical"), "colour"),
    ],
)
def test_bad_input_gives_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
