"""deeppsych.cam: CAM と Grad-CAM の式、torchcam との一致、フックの後始末、学習した CNN の位置当て。"""

import numpy as np
import pytest
import torch

from deeppsych import cam
from deeppsych.data import digit_scenes as D

LAYERS = ["features.relu1", "features.conv2", "features.relu2", "features.conv3", "features.relu3"]


@pytest.fixture(scope="module")
def scenes():
    return D.make_scenes(6, "test", seed=5)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    m = cam.GapCNN().eval()
    with torch.no_grad():  # 初期値のままだと得点の差が小さいので、重みを大きめに散らす
        m.fc.weight.normal_(0.0, 1.0)
    return m


@pytest.fixture(scope="module")
def trained():
    """章と同じ学習関数を短く回したもの (reduced run)。"""
    model, history = cam.train_scene_cnn(epochs=6, seed=0)
    return model, history


def _hook_count(model):
    return sum(len(m._forward_hooks) + len(m._backward_hooks) for m in model.modules())


def test_architecture_and_layer_names(model, scenes):
    logits = model(scenes.images)
    assert logits.shape == (6, 10)
    assert cam.layer_names(model)[:3] == ["features.conv1", "features.relu1", "features.pool1"]
    assert cam.LAST_LAYER in cam.layer_names(model)
    assert model.feature_maps(scenes.images).shape == (6, 32, 12, 12)


def test_cam_mean_plus_bias_is_the_logit(model, scenes):
    """Zhou et al. (2016): S_c = Σ_k w_k^c F_k = (1/Z) Σ_{x,y} M_c(x, y) + b_c。"""
    for c in range(10):
        m = cam.class_activation_map(model, scenes.images, c)
        with torch.no_grad():
            logits = model(scenes.images)[:, c]
        assert torch.allclose(m.mean(dim=(1, 2)) + model.fc.bias[c], logits, atol=1e-5)


def test_grad_cam_equals_cam_up_to_a_positive_constant_for_gap_linear(model, scenes):
    classes = torch.tensor([0, 3, 7, 9, 1, 4])
    m = cam.class_activation_map(model, scenes.images, classes)
    linear = cam.grad_cam(model, scenes.images, classes, cam.LAST_LAYER, relu=False)
    h, w = m.shape[-2:]
    assert torch.allclose(linear, m / (h * w), atol=1e-7, rtol=1e-5)
    ratio = linear[m.abs() > 1e-3] / m[m.abs() > 1e-3]
    assert torch.allclose(ratio, torch.full_like(ratio, 1 / (h * w)), rtol=1e-4)
    relu = cam.grad_cam(model, scenes.images, classes)
    assert torch.allclose(relu, torch.relu(m) / (h * w), atol=1e-7, rtol=1e-5)
    # 1 つ前の層 (ReLU の前) では成り立たない: 勾配に ReLU の微分の 0/1 がかかる
    before = cam.grad_cam(model, scenes.images, classes, "features.conv3", relu=False)
    assert not torch.allclose(before, m / (h * w), atol=1e-4)


def _independent_grad_cam(model, images, c, layer):
    """フックを使わずに、層の前後で Sequential を分けて自動微分だけで求めた Grad-CAM。"""
    names = [f"features.{n}" for n, _ in model.features.named_children()]
    k = names.index(layer) + 1
    head, tail = model.features[:k], model.features[k:]
    a = head(images * model.input_scale).detach().requires_grad_(True)
    score = model.fc(tail(a).mean(dim=(2, 3)))[:, c].sum()
    (g,) = torch.autograd.grad(score, a)
    alpha = g.mean(dim=(2, 3), keepdim=True)
    return torch.relu((alpha * a).sum(dim=1)).detach()


@pytest.mark.parametrize("layer", LAYERS)
def test_grad_cam_matches_an_independent_autograd_computation(model, scenes, layer):
    for c in (2, 8):
        ours = cam.grad_cam(model, scenes.images, c, layer)
        reference = _independent_grad_cam(model, scenes.images, c, layer)
        assert torch.allclose(ours, reference, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("layer", LAYERS)
def test_raw_grad_cam_equals_torchcam(model, scenes, layer):
    methods = pytest.importorskip("torchcam.methods")
    for c in (2, 8):
        with methods.GradCAM(model, target_layer=layer, input_shape=(1, 48, 48)) as extractor:
            scores = model(scenes.images)
            (reference,) = extractor(class_idx=c, scores=scores, normalized=False)
        ours = cam.grad_cam(model, scenes.images, c, layer)
        assert torch.allclose(ours, reference, atol=1e-6, rtol=1e-5)
    assert _hook_count(model) == 0


def test_cam_equals_torchcam_cam(model, scenes):
    methods = pytest.importorskip("torchcam.methods")
    with methods.CAM(model, cam.LAST_LAYER, "fc", input_shape=(1, 48, 48)) as extractor:
        with torch.no_grad():
            model(scenes.images)
        (reference,) = extractor(class_idx=5, normalized=False)
    assert torch.allclose(cam.class_activation_map(model, scenes.images, 5), reference, atol=1e-5)


def test_hooks_are_removed_and_each_image_gets_its_own_map(model, scenes):
    before = _hook_count(model)
    batch = cam.grad_cam(model, scenes.images, 4, "features.relu2")
    for i in range(3):  # 講義のノートブックはここで 1 枚目の特徴を使い続けた
        single = cam.grad_cam(model, scenes.images[i : i + 1], 4, "features.relu2")
        assert torch.allclose(single[0], batch[i], atol=1e-6)
    assert not torch.allclose(batch[0], batch[1])
    assert _hook_count(model) == before == 0
    assert all(p.grad is None for p in model.parameters())  # パラメータの勾配を汚さない


def test_hooks_are_removed_even_when_the_computation_fails(model, scenes):
    with pytest.raises(ValueError):
        cam.grad_cam(model, scenes.images, 12, "features.relu2")  # クラス番号が範囲外
    assert _hook_count(model) == 0


def test_maps_upsample_to_the_input_size(model, scenes):
    for layer in LAYERS:
        small = cam.grad_cam(model, scenes.images, 1, layer)
        assert cam.upsample(small, (48, 48)).shape == (6, 48, 48)
    for method in cam.METHODS:
        assert cam.class_maps(model, scenes.images, 1, method).shape == (6, 48, 48)
    flat = torch.arange(16.0).reshape(4, 4)
    assert torch.allclose(cam.upsample(torch.ones(3, 3), (9, 9)), torch.ones(9, 9))
    assert cam.upsample(flat, (8, 8)).argmax() == 63  # 最大の位置は保たれる
    norm = cam.normalise_map(torch.stack([flat, torch.zeros(4, 4)]))
    assert float(norm[0].min()) == 0.0 and float(norm[0].max()) == 1.0
    assert not norm[1].any()


def test_bottom_up_saliency_ignores_the_class(model, scenes):
    a = cam.class_maps(model, scenes.images, 0, "saliency")
    b = cam.class_maps(model, scenes.images, 9, "saliency")
    assert torch.equal(a, b)
    result = cam.pointing_game(model, scenes, "saliency")
    assert (result.hits.sum(axis=1) <= 1).all()  # 1 つの地図では 2 つの数字の両方を指せない


def test_pointing_game_bookkeeping(model, scenes):
    result = cam.pointing_game(model, scenes, "cam")
    assert result.peaks.shape == (6, 2, 2) and result.outcome.shape == (6, 2)
    assert sum(result.rates().values()) == pytest.approx(1.0)
    assert result.accuracy == pytest.approx(result.hits.mean())
    maps = torch.zeros(2, 5, 7)
    maps[0, 1, 6] = 1.0
    maps[1, 4, 0] = 3.0
    assert np.array_equal(cam.peak_locations(maps), [[1, 6], [4, 0]])


def test_reduced_training_run_localises_each_digit(trained):
    """学習用と違う筆跡の場面で、各数字のクラスの地図が、その数字の上で最大になる。"""
    model, history = trained
    assert history[-1] < 0.5 * history[0]
    held_out = D.make_scenes(300, "test", seed=2024)
    assert cam.pair_accuracy(model, held_out) >= 0.8
    for method in ("cam", "gradcam"):
        result = cam.pointing_game(model, held_out, method)
        assert result.accuracy >= 0.9, (method, result.rates())
    early = cam.pointing_game(model, held_out, "gradcam", "features.relu1")
    assert early.accuracy < 0.8  # 浅い層の地図はクラスをほとんど区別しない


def test_training_is_deterministic():
    a, history_a = cam.train_scene_cnn(epochs=1, scenes_per_epoch=64, seed=3)
    b, history_b = cam.train_scene_cnn(epochs=1, scenes_per_epoch=64, seed=3)
    assert history_a == history_b
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="GPU がない")
def test_maps_come_back_to_the_cpu_from_a_gpu(model, scenes):
    gpu = cam.GapCNN().cuda().eval()
    gpu.load_state_dict(model.state_dict())
    maps = cam.grad_cam(gpu, scenes.images.cuda(), 3)
    assert maps.device.type == "cpu"
    assert torch.allclose(maps, cam.grad_cam(model, scenes.images, 3), atol=1e-4)
    assert cam.pointing_game(gpu, scenes, "gradcam").peaks.shape == (6, 2, 2)


def test_unknown_layer_and_wrong_inputs_raise_clear_errors(model, scenes):
    with pytest.raises(ValueError, match="features.relu3"):
        cam.grad_cam(model, scenes.images, 0, "features.relu9")
    with pytest.raises(TypeError):
        cam.grad_cam(model, scenes.images, 0, 3)
    with pytest.raises(ValueError, match="形"):
        cam.grad_cam(model, torch.zeros(2, 3, 48, 48), 0)  # チャンネル数が違う
    with pytest.raises(ValueError, match="形"):
        cam.class_activation_map(model, torch.zeros(48, 48), 0)  # 2 次元
    with pytest.raises(TypeError):
        cam.grad_cam(model, scenes.images.numpy(), 0)
    with pytest.raises(TypeError):
        cam.class_activation_map(model, scenes.images, 1.5)
    with pytest.raises(ValueError):
        cam.class_activation_map(model, scenes.images, [1, 2])  # 6 枚に 2 つ
    with pytest.raises(TypeError, match="fc"):
        cam.class_activation_map(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3)), scenes.images, 0)
    with pytest.raises(ValueError):
        cam.pointing_game(model, scenes, "attention")
    with pytest.raises(TypeError):
        cam.pointing_game(model, scenes.images)
    with pytest.raises(ValueError):
        cam.upsample(torch.zeros(5), (4, 4))
    with pytest.raises(ValueError):
        cam.GapCNN(widths=())
