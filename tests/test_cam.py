"""deeppsych.cam: CAM と Grad-CAM の式、torchcam との一致、フックの後始末、学習した CNN の位置当て。"""

import numpy as np
import pytest
import torch

from deeppsych import cam, cam_evaluation, cam_pixels
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


@pytest.mark.slow
def test_cam_mean_plus_bias_is_the_logit(model, scenes):
    """Zhou et al. (2016): S_c = Σ_k w_k^c F_k = (1/Z) Σ_{x,y} M_c(x, y) + b_c。"""
    for c in range(10):
        m = cam.class_activation_map(model, scenes.images, c)
        with torch.no_grad():
            logits = model(scenes.images)[:, c]
        assert torch.allclose(m.mean(dim=(1, 2)) + model.fc.bias[c], logits, atol=1e-5)


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.parametrize("layer", LAYERS)
def test_grad_cam_matches_an_independent_autograd_computation(model, scenes, layer):
    for c in (2, 8):
        ours = cam.grad_cam(model, scenes.images, c, layer)
        reference = _independent_grad_cam(model, scenes.images, c, layer)
        assert torch.allclose(ours, reference, atol=1e-6, rtol=1e-5)


@pytest.mark.slow
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


@pytest.mark.slow
def test_hooks_are_removed_and_each_image_gets_its_own_map(model, scenes):
    before = _hook_count(model)
    batch = cam.grad_cam(model, scenes.images, 4, "features.relu2")
    # よくある誤り (docs/common_mistakes.md の 20): フックを外さず 1 枚目の特徴を使い続ける
    for i in range(3):
        single = cam.grad_cam(model, scenes.images[i : i + 1], 4, "features.relu2")
        assert torch.allclose(single[0], batch[i], atol=1e-6)
    assert not torch.allclose(batch[0], batch[1])
    assert _hook_count(model) == before == 0
    assert all(p.grad is None for p in model.parameters())  # パラメータの勾配を汚さない


def test_hooks_are_removed_even_when_the_computation_fails(model, scenes):
    with pytest.raises(ValueError):
        cam.grad_cam(model, scenes.images, 12, "features.relu2")  # クラス番号が範囲外
    assert _hook_count(model) == 0


@pytest.mark.slow
def test_maps_upsample_to_the_input_size(model, scenes):
    for layer in LAYERS:
        small = cam.grad_cam(model, scenes.images, 1, layer)
        assert cam.upsample(small, (48, 48)).shape == (6, 48, 48)
    for method in cam_evaluation.METHODS:
        assert cam_evaluation.class_maps(model, scenes.images, 1, method).shape == (6, 48, 48)
    flat = torch.arange(16.0).reshape(4, 4)
    assert torch.allclose(cam.upsample(torch.ones(3, 3), (9, 9)), torch.ones(9, 9))
    assert cam.upsample(flat, (8, 8)).argmax() == 63  # 最大の位置は保たれる
    norm = cam.normalise_map(torch.stack([flat, torch.zeros(4, 4)]))
    assert float(norm[0].min()) == 0.0 and float(norm[0].max()) == 1.0
    assert not norm[1].any()


def test_bottom_up_saliency_ignores_the_class(model, scenes):
    a = cam_evaluation.class_maps(model, scenes.images, 0, "saliency")
    b = cam_evaluation.class_maps(model, scenes.images, 9, "saliency")
    assert torch.equal(a, b)
    result = cam_evaluation.pointing_game(model, scenes, "saliency")
    assert (result.hits.sum(axis=1) <= 1).all()  # 1 つの地図では 2 つの数字の両方を指せない


def test_pointing_game_bookkeeping(model, scenes):
    result = cam_evaluation.pointing_game(model, scenes, "cam")
    assert result.peaks.shape == (6, 2, 2) and result.outcome.shape == (6, 2)
    assert sum(result.rates().values()) == pytest.approx(1.0)
    assert result.accuracy == pytest.approx(result.hits.mean())
    maps = torch.zeros(2, 5, 7)
    maps[0, 1, 6] = 1.0
    maps[1, 4, 0] = 3.0
    assert np.array_equal(cam_evaluation.peak_locations(maps), [[1, 6], [4, 0]])


@pytest.mark.slow
def test_reduced_training_run_localises_each_digit(trained):
    """学習用と違う画像の場面で、各数字のクラスの地図が、その数字の上で最大になる。

    しきい値は、種 0–2 × CPU の 2 つの計算経路 (native と ATEN_CPU_CAPABILITY=default
    ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=COMPATIBLE) の掃引から、余裕をとって決めた。
    """
    model, history = trained
    # sweep seeds 0-2 × {native, default}: observed loss ratio 0.134–0.177; threshold 0.3 (margin 0.12)
    assert history[-1] < 0.3 * history[0]
    held_out = D.make_scenes(300, "test", seed=2024)
    # sweep seeds 0-2 × {native, default}: observed 0.840–0.913; threshold 0.75 (margin 0.09)
    assert cam.pair_accuracy(model, held_out) >= 0.75
    # sweep seeds 0-2 × {native, default}: observed CAM 0.915–0.975, Grad-CAM 0.910–0.973;
    # threshold 0.85 (margin 0.06; another machine of the same kind gave 0.888 / 0.898)
    for method in ("cam", "gradcam"):
        result = cam_evaluation.pointing_game(model, held_out, method)
        assert result.accuracy >= 0.85, (method, result.rates())
    # sweep seeds 0-2 × {native, default}: observed relu1 0.292–0.370; threshold 0.5 (margin 0.13)
    early = cam_evaluation.pointing_game(model, held_out, "gradcam", "features.relu1")
    assert early.accuracy < 0.5  # 浅い層の地図はクラスをほとんど区別しない


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
    assert cam_evaluation.pointing_game(gpu, scenes, "gradcam").peaks.shape == (6, 2, 2)


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
        cam_evaluation.pointing_game(model, scenes, "attention")
    with pytest.raises(TypeError):
        cam_evaluation.pointing_game(model, scenes.images)
    with pytest.raises(ValueError):
        cam.upsample(torch.zeros(5), (4, 4))
    with pytest.raises(ValueError):
        cam.GapCNN(widths=())


# --- Guided Backpropagation, Deconvolution と、人の実験の模擬の観察者 -------------------


def _hooked_pixel_map(model, images, c, rule):
    """ReLU の後ろ向きをフック (register_full_backward_hook) で書き換えて求めた、独立な画素の地図。"""

    def hook(_module, grad_input, grad_output):
        if rule == "guided":  # 普通の ReLU の勾配 (入力が正の位置だけ) のうち、正の部分
            return (grad_input[0].clamp_min(0),)
        return (grad_output[0].clamp_min(0),)  # deconv: 前向きの入力を見ない

    relus = [m for m in model.modules() if isinstance(m, torch.nn.ReLU)]
    handles = [m.register_full_backward_hook(hook) for m in relus]
    try:
        x = images.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(model(x)[:, c].sum(), x)
    finally:
        for h in handles:
            h.remove()
    return g[:, 0]


@pytest.mark.slow
@pytest.mark.parametrize("rule", cam_pixels.PIXEL_RULES)
def test_pixel_maps_match_an_independent_hook_implementation(model, scenes, rule):
    for c in (1, 6):
        ours = cam_pixels.guided_backprop(model, scenes.images, c, rule)
        reference = _hooked_pixel_map(model, scenes.images, c, rule)
        assert ours.shape == (6, 48, 48)
        assert torch.allclose(ours, reference, atol=1e-6, rtol=1e-5)
    assert _hook_count(model) == 0
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.slow
def test_guided_rule_differs_from_the_plain_gradient_and_from_deconv(model, scenes):
    x = scenes.images.clone().requires_grad_(True)
    (plain,) = torch.autograd.grad(model(x)[:, 2].sum(), x)
    guided = cam_pixels.guided_backprop(model, scenes.images, 2, "guided")
    deconv = cam_pixels.guided_backprop(model, scenes.images, 2, "deconv")
    assert not torch.allclose(guided, plain[:, 0], atol=1e-5)
    assert not torch.allclose(guided, deconv, atol=1e-5)
    # 入力が 0 の背景でも、Deconvolution は前向きの入力を見ないので値が残りうる
    assert deconv.abs().sum() > 0


@pytest.mark.slow
def test_guided_grad_cam_is_the_product_of_its_parts(model, scenes):
    for rule in cam_pixels.PIXEL_RULES:
        product = cam_pixels.guided_backprop(model, scenes.images, 3, rule) * cam.upsample(
            cam.grad_cam(model, scenes.images, 3), (48, 48)
        )
        assert torch.allclose(
            cam_pixels.guided_grad_cam(model, scenes.images, 3, rule=rule), product
        )
    for name, (rule, with_gradcam) in cam_pixels.VISUALISATIONS.items():
        expected = (
            cam_pixels.guided_grad_cam(model, scenes.images, 3, rule=rule)
            if with_gradcam
            else cam_pixels.guided_backprop(model, scenes.images, 3, rule)
        )
        assert torch.equal(cam_pixels.visualisation(model, scenes.images, 3, name), expected)


def test_class_discrimination_bookkeeping(model, scenes):
    results = cam_evaluation.class_discrimination(model, scenes)
    assert set(results) == set(cam_pixels.VISUALISATIONS)
    for result in results.values():
        assert result.choices.shape == (6, 2)
        assert set(np.unique(result.choices)) <= {0.0, 0.5, 1.0}
        assert result.accuracy == pytest.approx(result.choices.mean())
    # 1 種類だけ頼んでも同じ答え
    alone = cam_evaluation.class_discrimination(model, scenes, ["guided_gradcam"])
    assert np.array_equal(alone["guided_gradcam"].choices, results["guided_gradcam"].choices)


def test_class_discrimination_reads_the_mass_inside_each_box(model):
    """観察者は、図の絶対値の量が多い枠の数字を答える。片方の数字だけを消した場面で確かめる。"""
    blank = D.make_scenes(4, "test", seed=8)
    for i, (r0, c0, r1, c1) in enumerate(blank.boxes[:, 1]):
        blank.images[i, 0, r0:r1, c0:c1] = 0.0  # 2 つ目の数字を消す
    result = cam_evaluation.class_discrimination(model, blank, ["guided_backprop"])[
        "guided_backprop"
    ]
    # guided の地図は入力が 0 の背景でも 0 とは限らないが、消した枠より数字のある枠のほうが量が多い
    assert (result.choices[:, 0] == 1.0).all()
    assert (result.choices[:, 1] == 0.0).all()


@pytest.mark.slow
def test_reduced_training_run_separates_the_four_visualisations(trained):
    """人の実験の模擬: Grad-CAM を掛けると、どちらの画素の地図でもクラスを見分けやすくなる。"""
    model, _ = trained
    held_out = D.make_scenes(150, "test", seed=2024)
    acc = {k: v.accuracy for k, v in cam_evaluation.class_discrimination(model, held_out).items()}
    # sweep seeds 0-2 × {native, default} (150 scenes):
    # Deconvolution Grad-CAM − Deconvolution observed 0.283–0.434; threshold 0.15 (margin 0.13)
    assert acc["deconvolution_gradcam"] > acc["deconvolution"] + 0.15, acc
    # Deconvolution alone observed 0.528–0.625 (near the 0.5 of guessing); threshold 0.75 (margin 0.125)
    assert acc["deconvolution"] < 0.75, acc
    # Guided Grad-CAM observed 0.977–0.993; threshold 0.9 (margin 0.077)
    assert acc["guided_gradcam"] > 0.9, acc
    # Guided Backprop alone observed 0.943–0.987 (unlike people's 44 %); threshold 0.85 (margin 0.09)
    assert acc["guided_backprop"] > 0.85, acc


# --- 誤った入力 (issue 13.5) ------------------------------------------------------


def _nan_images():
    x = torch.zeros(2, 1, 48, 48)
    x[0, 0, 3, 3] = float("nan")
    return x


def _inf_images():
    x = torch.zeros(2, 1, 48, 48)
    x[1, 0, 5, 5] = float("inf")
    return x


BAD_IMAGES = [
    pytest.param(_nan_images(), ValueError, "NaN", id="nan"),
    pytest.param(_inf_images(), ValueError, "inf", id="inf"),
    pytest.param(torch.zeros(0, 1, 48, 48), ValueError, "空", id="empty"),
    pytest.param(torch.zeros(2, 1, 48, 48, dtype=torch.bool), TypeError, "images", id="bool"),
    pytest.param(
        torch.zeros(2, 1, 48, 48, dtype=torch.complex64), TypeError, "images", id="complex"
    ),
    pytest.param(torch.zeros(2, 3, 48, 48), ValueError, "images", id="channels"),
    pytest.param(torch.zeros(48, 48), ValueError, "images", id="2d"),
    pytest.param(np.zeros((2, 1, 48, 48), np.float32), TypeError, "images", id="numpy"),
]
IMAGE_FUNCTIONS = {
    "class_activation_map": lambda m, x: cam.class_activation_map(m, x, 0),
    "grad_cam": lambda m, x: cam.grad_cam(m, x, 0),
    "activations_and_gradients": lambda m, x: cam.activations_and_gradients(m, x, 0),
    "guided_backprop": lambda m, x: cam_pixels.guided_backprop(m, x, 0),
    "guided_grad_cam": lambda m, x: cam_pixels.guided_grad_cam(m, x, 0),
    "visualisation": lambda m, x: cam_pixels.visualisation(m, x, 0, "guided_gradcam"),
    "class_maps": lambda m, x: cam_evaluation.class_maps(m, x, 0, "cam"),
    "predict_pairs": lambda m, x: cam.predict_pairs(m, x),
    "multilabel_loss": lambda m, x: cam.multilabel_loss(m, x, torch.zeros(len(x), 10)),
}


@pytest.mark.parametrize("function", IMAGE_FUNCTIONS)
@pytest.mark.parametrize(("images", "error", "message"), BAD_IMAGES)
def test_every_image_function_rejects_bad_images(model, function, images, error, message):
    with pytest.raises(error, match=message):
        IMAGE_FUNCTIONS[function](model, images)
    assert _hook_count(model) == 0


@pytest.mark.parametrize(
    ("target", "error"),
    [
        (1.5, TypeError),
        (True, TypeError),
        ("3", TypeError),
        ([], ValueError),
        ([1, 2], ValueError),  # 6 枚に 2 つ
        (10, ValueError),
        (-1, ValueError),
        (torch.tensor([0.0, 1.0]), TypeError),
        ([None], TypeError),
    ],
)
def test_bad_target_classes_are_rejected(model, scenes, target, error):
    for function in (cam.class_activation_map, cam.grad_cam, cam_pixels.guided_backprop):
        with pytest.raises(error, match="target_class"):
            function(model, scenes.images, target)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: cam.upsample(torch.tensor([[float("nan"), 0.0]]), (4, 4)), ValueError, "NaN"),
        (lambda: cam.upsample(torch.zeros(0, 3, 3), (4, 4)), ValueError, "空"),
        (lambda: cam.upsample(torch.zeros(3, 3), (4,)), ValueError, "size"),
        (lambda: cam.upsample(torch.zeros(3, 3), (4, 0)), ValueError, "size"),
        (lambda: cam.upsample(torch.zeros(3, 3), (4.5, 4)), TypeError, "size"),
        (lambda: cam.upsample("map", (4, 4)), TypeError, "maps"),
        (lambda: cam.normalise_map(torch.full((3, 3), float("inf"))), ValueError, "inf"),
        (lambda: cam.normalise_map(torch.zeros(2, 2, 2, 2)), ValueError, "maps"),
        (lambda: cam_evaluation.peak_locations(torch.zeros(4, 4)), ValueError, "maps"),
        (
            lambda: cam_evaluation.peak_locations(torch.full((1, 2, 2), float("nan"))),
            ValueError,
            "NaN",
        ),
        (lambda: cam.bottom_up_saliency(np.zeros((1, 1, 8, 8))), TypeError, "images"),
        (lambda: cam.bottom_up_saliency(_nan_images()), ValueError, "NaN"),
        (lambda: cam.bottom_up_saliency(torch.zeros(1, 3, 8, 8)), ValueError, "images"),
        (lambda: cam.layer_names("model"), TypeError, "model"),
        (lambda: cam.grad_cam(torch.nn.Linear(2, 2), torch.zeros(1, 1, 4, 4), 0), ValueError, "層"),
        (lambda: cam.train_scene_cnn(epochs=0), ValueError, "epochs"),
        (lambda: cam.train_scene_cnn(lr=float("nan")), ValueError, "lr"),
        (lambda: cam.train_scene_cnn(seed=-1), ValueError, "seed"),
        (lambda: cam.train_scene_cnn(seed=1.5), TypeError, "seed"),
        (lambda: cam.train_scene_cnn(batch_size=0), ValueError, "batch_size"),
        (lambda: cam.train_scene_cnn(device=3), TypeError, "device"),
    ],
)
def test_other_public_functions_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bad_arguments_of_the_evaluation_functions(model, scenes):
    with pytest.raises(TypeError, match="relu"):
        cam.grad_cam(model, scenes.images, 0, relu="yes")
    with pytest.raises(ValueError, match="rule"):
        cam_pixels.guided_backprop(model, scenes.images, 0, rule="plain")
    with pytest.raises(ValueError, match="name"):
        cam_pixels.visualisation(model, scenes.images, 0, "occlusion")
    with pytest.raises(TypeError, match="names"):
        cam_evaluation.class_discrimination(model, scenes, "guided_gradcam")
    with pytest.raises(ValueError, match="names"):
        cam_evaluation.class_discrimination(model, scenes, ["occlusion"])
    with pytest.raises(TypeError, match="scenes"):
        cam_evaluation.class_discrimination(model, scenes.images)
    with pytest.raises(TypeError, match="scenes"):
        cam.pair_accuracy(model, scenes.images)
    with pytest.raises(ValueError, match="空"):
        cam_evaluation.pointing_game(model, scenes[np.array([], dtype=int)])
    with pytest.raises(ValueError, match="tolerance"):
        cam_evaluation.pointing_game(model, scenes, "cam", tolerance=-1)
    with pytest.raises(ValueError, match="method"):
        cam_evaluation.pointing_game(model, scenes, "attention")
    with pytest.raises(ValueError, match="targets"):
        cam.multilabel_loss(model, scenes.images, torch.zeros(6, 9))
    with pytest.raises(ValueError, match="targets"):
        cam.multilabel_loss(model, scenes.images, torch.full((6, 10), 2.0))
    with pytest.raises(TypeError, match="model"):
        cam.class_activation_map("model", scenes.images, 0)
    with pytest.raises(TypeError, match="feature"):
        cam_pixels.guided_backprop(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3)), scenes.images, 0)


def test_training_stays_on_the_cpu_even_when_cuda_is_reported(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    model, _ = cam.train_scene_cnn(epochs=1, scenes_per_epoch=16, batch_size=16)
    assert {p.device.type for p in model.parameters()} == {"cpu"}


def test_pointing_game_shortcuts_agree_with_the_maps(model, scenes):
    """CAM は特徴地図を 1 回、顕著性は地図を 1 回だけ計算するが、結果は地図から直接求めたものと同じ。"""
    for method in ("cam", "saliency"):
        result = cam_evaluation.pointing_game(model, scenes, method)
        for j in range(2):
            maps = cam_evaluation.class_maps(model, scenes.images, scenes.labels[:, j], method)
            assert np.array_equal(result.peaks[:, j], cam_evaluation.peak_locations(maps))


def test_score_peaks_recounts_with_a_tolerance(model, scenes):
    result = cam_evaluation.pointing_game(model, scenes, "gradcam")
    for tolerance in (0, 2, 4):
        again = cam_evaluation.score_peaks(result.peaks, scenes, tolerance)
        direct = cam_evaluation.pointing_game(model, scenes, "gradcam", tolerance=tolerance)
        assert np.array_equal(again.outcome, direct.outcome)
    assert cam_evaluation.score_peaks(result.peaks, scenes, 4).accuracy >= result.accuracy
    with pytest.raises(ValueError, match="peaks"):
        cam_evaluation.score_peaks(result.peaks[:3], scenes)
    with pytest.raises(ValueError, match="peaks"):
        cam_evaluation.score_peaks(result.peaks.astype(float), scenes)
    with pytest.raises(ValueError, match="tolerance"):
        cam_evaluation.score_peaks(result.peaks, scenes, -2)
    with pytest.raises(TypeError, match="scenes"):
        cam_evaluation.score_peaks(result.peaks, scenes.images)


def test_map_grid_holds_each_class_map_of_each_variant(model, scenes):
    image = scenes.images[:1]
    grid = cam_evaluation.map_grid(model, image)
    assert grid.shape == (len(cam_evaluation.VARIANTS), 10, 48, 48)
    for v, (method, layer) in enumerate(cam_evaluation.VARIANTS):
        for c in (0, 7):
            direct = cam.normalise_map(cam_evaluation.class_maps(model, image, c, method, layer)[0])
            assert torch.allclose(grid[v, c], direct, atol=1e-5)
    small = cam_evaluation.map_grid(model, image, cam_evaluation.VARIANTS[:1], size=(24, 24))
    assert small.shape == (1, 10, 24, 24)
    assert torch.allclose(small.amax(dim=(2, 3)), torch.ones(1, 10))
    with pytest.raises(ValueError, match="1 つの画面"):
        cam_evaluation.map_grid(model, scenes.images[:2])
    with pytest.raises(ValueError, match="variants"):
        cam_evaluation.map_grid(model, image, [("saliency", cam.LAST_LAYER)])
    with pytest.raises(ValueError, match="variants"):
        cam_evaluation.map_grid(model, image, [])
    with pytest.raises(ValueError, match="size"):
        cam_evaluation.map_grid(model, image, size=(24,))
