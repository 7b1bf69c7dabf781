"""deeppsych.data.digit_scenes: 2 数字の場面が決定的で、正解の枠が正しいこと。"""

import numpy as np
import pytest
import torch

from deeppsych.data import digit_scenes as D


@pytest.fixture(scope="module")
def scenes():
    return D.make_scenes(200, "train", seed=11)


def test_same_seed_gives_the_same_scenes_and_another_seed_does_not(scenes):
    again = D.make_scenes(200, "train", seed=11)
    assert torch.equal(again.images, scenes.images)
    assert np.array_equal(again.labels, scenes.labels)
    assert np.array_equal(again.boxes, scenes.boxes)
    assert np.array_equal(again.sources, scenes.sources)
    other = D.make_scenes(200, "train", seed=12)
    assert not torch.equal(other.images, scenes.images)


def test_shapes_ranges_and_multilabel_targets(scenes):
    assert scenes.images.shape == (200, 1, 48, 48)
    assert scenes.images.dtype == torch.float32
    assert float(scenes.images.min()) == 0.0 and float(scenes.images.max()) <= 1.0
    assert scenes.labels.shape == (200, 2) and scenes.boxes.shape == (200, 2, 4)
    assert (scenes.labels[:, 0] != scenes.labels[:, 1]).all()  # 2 つは違う数字
    assert torch.equal(scenes.targets.sum(dim=1), torch.full((200,), 2.0))
    rows = np.arange(200)[:, None]
    assert (scenes.targets.numpy()[rows, scenes.labels] == 1).all()
    assert len(np.unique(scenes.labels)) == D.N_CLASSES


def test_boxes_hold_exactly_the_source_digits_and_nothing_else(scenes):
    digits, labels = D._digits()
    size = 8 * 2
    for image, box_pair, label_pair, source_pair in zip(
        scenes.images[:, 0].numpy(), scenes.boxes, scenes.labels, scenes.sources, strict=True
    ):
        rest = image.copy()
        for (r0, c0, r1, c1), label, source in zip(box_pair, label_pair, source_pair, strict=True):
            assert (r1 - r0, c1 - c0) == (size, size)
            assert 0 <= r0 and 0 <= c0 and r1 <= 48 and c1 <= 48
            assert labels[source] == label
            assert np.allclose(image[r0:r1, c0:c1], D.upscale(digits[source], 2))
            rest[r0:r1, c0:c1] = 0.0
        assert not rest.any()  # 枠の外は真っ黒
        a, b = box_pair
        apart = a[2] + 2 <= b[0] or b[2] + 2 <= a[0] or a[3] + 2 <= b[1] or b[3] + 2 <= a[1]
        assert apart  # 重ならず、2 画素以上離れている


def test_train_and_test_use_disjoint_images():
    """画像は重ならない (書き手は 13 人で共通しうる: 書き手の情報はデータにない)。"""
    _, train_labels, train_index = D.digit_pool("train")
    _, test_labels, test_index = D.digit_pool("test")
    assert not set(train_index) & set(test_index)
    assert len(train_index) + len(test_index) == 1797
    assert np.bincount(test_labels, minlength=10).min() > 40  # どのクラスも検証用に十分ある
    assert np.bincount(train_labels, minlength=10).min() > 100
    test_scenes = D.make_scenes(50, "test", seed=0)
    assert set(test_scenes.sources.ravel()) <= set(test_index)


def test_upscale_and_slicing():
    digit = D._digits()[0][0]
    big = D.upscale(digit, 3)
    assert big.shape == (24, 24) and big.min() >= 0 and big.max() <= 1
    assert np.allclose(D.upscale(digit, 1), digit)
    scenes = D.make_scenes(10, seed=3, canvas=40, scale=2)
    part = scenes[2:5]
    assert len(part) == 3 and torch.equal(part.images, scenes.images[2:5])
    assert np.array_equal(scenes[4].labels, scenes.labels[4:5])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_scenes": 0}, ValueError),
        ({"n_scenes": 2.5}, TypeError),
        ({"n_scenes": 3, "split": "validation"}, ValueError),
        ({"n_scenes": 3, "canvas": 30}, ValueError),  # 16 + 16 + 2 > 30
        ({"n_scenes": 3, "gap": -1}, ValueError),
        ({"n_scenes": 3, "seed": -5}, ValueError),
        ({"n_scenes": 3, "scale": 0}, ValueError),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error):
    with pytest.raises(error):
        D.make_scenes(**kwargs)


def test_upscale_rejects_non_images():
    with pytest.raises(ValueError, match="2 次元"):
        D.upscale(np.zeros(8), 2)


@pytest.mark.parametrize(
    ("digit", "error", "message"),
    [
        (np.full((8, 8), np.nan), ValueError, "NaN"),
        (np.full((8, 8), np.inf), ValueError, "inf"),
        (np.zeros((0, 8)), ValueError, "空"),
        (np.zeros((8, 8), dtype=bool), TypeError, "digit"),
        ("digit", TypeError, "digit"),
        (np.zeros((2, 8, 8)), ValueError, "2 次元"),
    ],
)
def test_upscale_rejects_bad_values(digit, error, message):
    with pytest.raises(error, match=message):
        D.upscale(digit, 2)


def test_upscale_rejects_bad_scales():
    with pytest.raises(TypeError, match="scale"):
        D.upscale(np.zeros((8, 8)), 1.5)
    with pytest.raises(ValueError, match="scale"):
        D.upscale(np.zeros((8, 8)), 0)


def test_digit_pool_rejects_unknown_splits():
    with pytest.raises(ValueError, match="split"):
        D.digit_pool("validation")
    with pytest.raises(ValueError, match="split"):
        D.digit_pool(None)
