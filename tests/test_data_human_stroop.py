"""deeppsych.data.human_stroop: 人の Stroop データの定数の内部の整合性。"""

import pytest

from deeppsych.data import human_stroop as H

CN, WR = H.TASKS


def test_dunbar_macleod_covers_six_conditions_in_ms():
    assert set(H.DUNBAR_MACLEOD_1984_RT_MS) == {(t, c) for t in H.TASKS for c in H.CONDITIONS}
    assert all(300 < v < 1500 for v in H.DUNBAR_MACLEOD_1984_RT_MS.values())  # 声での反応時間 (ms)
    assert H.DUNBAR_MACLEOD_1984_SOURCE["read_from"].startswith("figure")
    assert H.DUNBAR_MACLEOD_1984_SOURCE["n_participants"] is None  # 確かめていない値は書かない


def test_dunbar_macleod_shows_the_classic_pattern():
    rt = H.DUNBAR_MACLEOD_1984_RT_MS
    assert rt[(CN, "conflict")] > rt[(CN, "control")] > rt[(CN, "congruent")]
    interference = rt[(CN, "conflict")] - rt[(CN, "control")]
    facilitation = rt[(CN, "control")] - rt[(CN, "congruent")]
    assert interference > 2 * facilitation
    assert max(rt[(WR, c)] for c in H.CONDITIONS) < rt[(CN, "congruent")]
    assert rt[(WR, "conflict")] - rt[(WR, "control")] < 0.2 * interference


def test_stroop_1935_times_and_sample_sizes():
    t = H.STROOP_1935_SECONDS
    assert t[(CN, "conflict")] - t[(CN, "control")] == pytest.approx(47.0)
    assert t[(WR, "conflict")] - t[(WR, "control")] == pytest.approx(2.30)
    assert H.STROOP_1935_N == {"word reading": 70, "colour naming": 100}
    assert "Experiment 1" in H.STROOP_1935_SOURCE["word reading"]
    assert "Experiment 2" in H.STROOP_1935_SOURCE["colour naming"]


def test_macleod_dunbar_stages_reverse_the_asymmetry():
    rows = H.MACLEOD_DUNBAR_1988
    assert [r["experiment"] for r in rows] == [1, 2, 3]
    hours = [r["practice_hours"] for r in rows]
    assert hours == sorted(hours) and hours[-1] == 20
    first, middle, last = rows
    assert first["shape_interfered"] and not first["colour_interfered"]
    assert middle["shape_interfered"] and middle["colour_interfered"]
    assert last["colour_interfered"] and not last["shape_interfered"]


def test_qualitative_sources_are_named():
    assert all(H.GLASER_GLASER_1982.values())
    assert "Servan-Schreiber" in H.PATIENT_PATTERN["source"]
    assert "126-135" in H.MACLEOD_DUNBAR_1988_SOURCE["paper"]


def test_dunbar_macleod_rt_lookup_and_bad_input():
    assert H.dunbar_macleod_rt([(CN, "conflict"), [WR, "control"]]) == [856.0, 496.0]
    with pytest.raises(ValueError, match="空"):
        H.dunbar_macleod_rt([])
    with pytest.raises(ValueError, match="trial_types"):
        H.dunbar_macleod_rt([(CN, "neutral")])
    with pytest.raises(TypeError):
        H.DUNBAR_MACLEOD_1984_RT_MS[(CN, "control")] = 1.0  # 読み取り専用
