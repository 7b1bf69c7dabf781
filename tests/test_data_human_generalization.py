"""deeppsych.data.human_generalization: 人の般化のデータの定数の内部の整合性。"""

import numpy as np
import pytest

from deeppsych.data import human_generalization as H


def test_hovland_gradient_has_one_value_per_tone():
    steps, gsr = H.hovland_gradient()
    assert steps == (0, 1, 2, 3) and len(gsr) == len(steps)
    assert H.HOVLAND_1937_JND_PER_STEP == 25
    assert all(0 < v < 50 for v in gsr)  # mm の検流計の振れ
    assert "125-148" in H.HOVLAND_1937_SOURCE["paper"]
    assert "mm" in H.HOVLAND_1937_SOURCE["units"]


def test_hovland_gradient_falls_and_flattens():
    gsr = np.array(H.HOVLAND_1937_GSR_MM)
    drops = -np.diff(gsr)
    assert np.all(drops > 0)  # 条件刺激から離れるほど反応は小さい
    assert np.all(np.diff(drops) < 0)  # 下がり幅は縮む (下に凸、指数関数に近い形)
    assert gsr[-1] > 0.5 * gsr[0]  # 75 JND 離れても反応は 0 にならない
    assert drops == pytest.approx([3.4, 1.3, 0.7])


def test_unverified_provenance_is_marked_none():
    source = H.HOVLAND_1937_SOURCE
    assert source["n_participants"] is None and source["page"] is None
    assert source["where"] is None
    assert "not verified" in source["read_from"]
    with pytest.raises(TypeError):
        source["page"] = 125  # 読み取り専用


def test_qualitative_findings_name_their_sources():
    assert H.SHEPARD_1987["gradient_decreases_with_distance"]
    assert "1317-1323" in H.SHEPARD_1987["paper"]
    assert H.LUCAS_2015["extrapolation_expected_linear"]
    assert any("DeLosh" in c for c in H.LUCAS_2015["cites"])
