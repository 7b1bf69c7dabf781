"""deeppsych.data.human_gradcam: Grad-CAM の論文の人の実験の数値が、互いに矛盾しないこと。"""

import pytest

from deeppsych import cam_pixels
from deeppsych.data import human_gradcam as H


def test_the_four_visualisations_are_the_ones_the_model_side_computes():
    assert set(H.CLASS_DISCRIMINATION_PERCENT) == set(cam_pixels.VISUALISATIONS)
    assert set(H.LABELS) == set(H.VISUALISATION_NAMES) == set(cam_pixels.VISUALISATIONS)


def test_class_discrimination_values_are_percentages_and_match_the_text():
    values = H.CLASS_DISCRIMINATION_PERCENT
    assert all(0 < v < 100 for v in values.values())
    # 本文: Guided Grad-CAM は Guided Backprop より 16.79 ポイント高い
    assert values["guided_gradcam"] - values["guided_backprop"] == pytest.approx(
        H.GRADCAM_GAIN_PERCENT
    )
    # 本文: Guided Grad-CAM が最も高く、Grad-CAM は Deconvolution も上げ、Deconvolution > Guided Backprop
    assert max(values, key=values.get) == "guided_gradcam"
    assert values["deconvolution_gradcam"] > values["deconvolution"] > values["guided_backprop"]


def test_design_counts_are_consistent():
    assert H.N_IMAGE_CATEGORY_PAIRS * H.N_VISUALISATION_KINDS == H.N_VISUALISATIONS
    assert H.N_VISUALISATION_KINDS == len(H.CLASS_DISCRIMINATION_PERCENT)
    assert H.N_CHOICES == 2
    # 90 組 × 9 評定 = 810 回の答えの正答率なので、k/810 を小数 2 桁に丸めた値 (丸め誤差 0.005 % は 0.04 段)
    step = 100 / (H.N_IMAGE_CATEGORY_PAIRS * H.N_RATINGS_PER_VISUALISATION)
    for value in H.CLASS_DISCRIMINATION_PERCENT.values():
        assert abs(value / step - round(value / step)) < 0.05


def test_trust_and_faithfulness_values():
    low, high = H.RELIABILITY_SCALE
    assert all(low <= v <= high for v in H.RELATIVE_RELIABILITY.values())
    assert H.RELATIVE_RELIABILITY["guided_gradcam"] > H.RELATIVE_RELIABILITY["guided_backprop"] > 0
    assert H.PASCAL_MAP["vgg16"] > H.PASCAL_MAP["alexnet"]
    rho = H.OCCLUSION_RANK_CORRELATION
    assert all(-1 <= v <= 1 for v in rho.values())
    assert max(rho, key=rho.get) == "guided_gradcam"
    assert rho["guided_backprop"] == min(rho.values())
    assert H.N_WORKERS_DISCRIMINATION == 43 and H.N_WORKERS_TRUST == 54
    assert "Table" not in H.SOURCE and "表 2" in H.SOURCE
