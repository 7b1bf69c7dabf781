"""deeppsych.data.synthetic_fmri: 模擬 fMRI が述べたとおりの生成過程と SNR をもつか。"""

import numpy as np
import pytest

from deeppsych.data import synthetic_fmri as F


def features(n=20, p=4, seed=0):
    f = np.random.default_rng(seed).random((n, p))
    return f / np.linalg.norm(f, axis=1, keepdims=True)


def test_generative_structure_and_snr_definition():
    f = features()
    data = F.generate(f, snr=0.5, seed=3)
    n_voxels = int(data.mask.sum())
    assert data.images.shape == data.clean.shape == (20, n_voxels)
    assert data.weights.shape == (4, n_voxels)
    assert np.allclose(data.clean, f @ data.weights + data.baseline)
    signal_var = (f @ data.weights).var(axis=0).mean()
    assert signal_var / data.noise_sd**2 == pytest.approx(0.5)
    residual = data.images - data.clean
    assert residual.std() == pytest.approx(data.noise_sd, rel=0.05)


def test_same_seed_same_data_and_snr_only_changes_noise():
    f = features()
    a, b = F.generate(f, snr=1.0, seed=1), F.generate(f, snr=1.0, seed=1)
    assert np.array_equal(a.images, b.images)
    c = F.generate(f, snr=0.1, seed=1)
    assert np.array_equal(a.weights, c.weights)
    assert c.noise_sd == pytest.approx(a.noise_sd * np.sqrt(10))


def test_to_slice_and_mask():
    data = F.generate(features(), seed=0, shape=(10, 12))
    assert data.mask.shape == (10, 12) and data.mask[5, 6] and not data.mask[0, 0]
    image = data.to_slice(data.images[0])
    assert np.isnan(image[0, 0]) and np.allclose(image[data.mask], data.images[0])
    with pytest.raises(ValueError):
        data.to_slice(data.images[0][:-1])


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="snr"):
        F.generate(features(), snr=0.0)
    with pytest.raises(ValueError):
        F.generate(np.ones((10, 3)))  # 名詞の間で変わらない特徴
    with pytest.raises(ValueError):
        F.generate(features()[:2])
    with pytest.raises(ValueError, match="baseline"):
        F.generate(features(), baseline_scale=-1.0)
