"""deeppsych.data.noisy_sine: book/08_regularization.md の雑音のある sin 曲線 (種で決まり、非復元抽出)。"""

import numpy as np
import pytest

from deeppsych.data import noisy_sine


def test_curve_data_is_seeded_and_sampled_without_replacement():
    a = noisy_sine.make_curve_data(30, 200, seed=5, n_val=20)
    b = noisy_sine.make_curve_data(30, 200, seed=5, n_val=20)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    x_all = np.concatenate([a.x_train, a.x_val, a.x_test])
    assert x_all.size == 250 and np.unique(x_all).size == 250  # 重複なし
    assert x_all.min() >= 0 and x_all.max() <= 1
    assert not np.array_equal(a.x_train, noisy_sine.make_curve_data(30, 200, seed=6).x_train)
    # 雑音は N(0, noise²): 大きな標本で標準偏差を確かめる
    big = noisy_sine.make_curve_data(1500, 1, noise=0.3, seed=0)
    residual = big.y_train - noisy_sine.target_function(big.x_train)
    assert residual.std() == pytest.approx(0.3, rel=0.06)


def test_a_generator_continues_its_stream():
    rng = np.random.default_rng(0)
    first = noisy_sine.make_curve_data(10, 5, seed=rng)
    second = noisy_sine.make_curve_data(10, 5, seed=rng)
    assert not np.array_equal(first.x_train, second.x_train)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_train": 2000, "n_test": 200}, ValueError, "格子"),
        ({"n_train": 0}, ValueError, "n_train"),
        ({"n_train": 10, "noise": -0.1}, ValueError, "noise"),
        ({"n_train": 10, "noise": float("nan")}, ValueError, "noise"),
        ({"n_train": 10, "noise": "0.3"}, TypeError, "noise"),
        ({"n_train": 1.5}, TypeError, "n_train"),
        ({"n_train": 10, "n_val": -1}, ValueError, "n_val"),
    ],
)
def test_bad_inputs_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        noisy_sine.make_curve_data(**kwargs)
