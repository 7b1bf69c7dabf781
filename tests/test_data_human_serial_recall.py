"""deeppsych.data.human_serial_recall: 人の系列位置曲線の定数の内部の整合性。"""

import importlib.util

import numpy as np
import pytest

from deeppsych.data import human_serial_recall as H


def test_curve_has_one_proportion_per_position_with_standard_errors():
    spc, sem = np.array(H.MORTON2013_SPC), np.array(H.MORTON2013_SEM)
    assert spc.shape == sem.shape == (H.LIST_LENGTH,)
    assert ((spc > 0) & (spc < 1)).all()
    assert ((sem > 0) & (sem < 0.05)).all()  # 40 人の平均の標準誤差
    assert H.MORTON2013_SOURCE["n_participants"] == H.N_PARTICIPANTS == 40
    assert H.MORTON2013_SOURCE["task"] == "immediate free recall"
    assert "not read from a figure" in H.MORTON2013_SOURCE["read_from"]


def test_curve_shows_primacy_and_a_larger_recency_effect():
    spc = np.array(H.MORTON2013_SPC)
    middle = spc[8:16].mean()
    assert spc[0] > middle + 0.08  # 初頭性効果
    assert spc[-1] > spc[0] + 0.3  # 自由再生では新近性効果のほうが大きい
    assert (np.diff(spc[-4:]) > 0).all()  # 終わりの 4 語は後ろほどよく再生される


@pytest.mark.parametrize("n_bins", [1, 2, 3, 4, 6, 8, 12, 24])
def test_binned_curve_averages_equal_slices(n_bins):
    binned = np.array(H.serial_position_curve(n_bins))
    assert binned.shape == (n_bins,)
    assert binned.mean() == pytest.approx(np.mean(H.MORTON2013_SPC))
    assert binned[0] == pytest.approx(np.mean(H.MORTON2013_SPC[: 24 // n_bins]))


@pytest.mark.parametrize(
    "n_bins, error", [(5, ValueError), (0, ValueError), (2.0, TypeError), (True, TypeError)]
)
def test_binned_curve_rejects_bins_that_do_not_divide_the_list(n_bins, error):
    with pytest.raises(error, match="n_bins"):
        H.serial_position_curve(n_bins)


@pytest.mark.skipif(importlib.util.find_spec("psifr") is None, reason="psifr is not installed")
def test_constants_match_the_raw_data_shipped_in_psifr():  # pragma: no cover - optional
    from psifr import fr

    data = fr.merge_free_recall(fr.sample_data("Morton2013"))
    curve = fr.spc(data).groupby("input")["recall"].mean().to_numpy()
    np.testing.assert_allclose(curve, H.MORTON2013_SPC, atol=6e-5)
