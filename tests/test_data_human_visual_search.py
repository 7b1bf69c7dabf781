"""deeppsych.data.human_visual_search: Treisman & Gelade (1980) の定数の内部の整合性。"""

import pytest

from deeppsych.data import human_visual_search as H


def test_slopes_are_positive_and_labelled():
    assert {(s.condition, s.trial) for s in H.SLOPES} == {
        ("conjunction", "present"),
        ("conjunction", "absent"),
    }
    assert all(s.ms_per_item > 0 for s in H.SLOPES)


def test_absent_slope_is_about_twice_the_present_slope():
    # 逐次・自己打ち切り型の探索の目印: 標的なしの傾きは標的ありの約 2 倍
    assert H.absent_present_ratio() == pytest.approx(67.1 / 28.7)
    assert 1.8 < H.absent_present_ratio() < 2.6


def test_provenance_is_stated():
    assert "Treisman" in H.SOURCE and "1980" in H.SOURCE
    assert H.N_PARTICIPANTS == 6
    assert H.DISPLAY_SIZES == (1, 5, 15, 30)
