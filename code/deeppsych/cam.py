"""クラス活性化マップ (CAM) と Grad-CAM: CNN は画面のどこを根拠に答えたか (``book/06_cam.md``)。

* ``GapCNN``: 畳み込み 3 層 → 大域平均プーリング (GAP) → 線形層、という CAM の前提どおりの小さな CNN。
* ``class_activation_map``: Zhou et al. (2016) の式 (2) M_c(x, y) = Σ_k w_k^c f_k(x, y)。
* ``grad_cam``: Selvaraju et al. (2017) の式 (1)(2)。任意の層に前向きフックを一時的に付けて、
  その層の出力 A^k と勾配 ∂y^c/∂A^k を取り、α_k^c = 勾配の空間平均、L^c = ReLU(Σ_k α_k^c A^k)。
  フックは呼び出しごとに必ず外す (フックが増え続けて 1 枚目の画像の特徴を使い続ける、というよくある誤りを防ぐ)。
* ``guided_backprop`` と ``guided_grad_cam``: 画素の細かさの地図 (Springenberg et al. 2015 の
  Guided Backpropagation、Zeiler & Fergus 2014 の Deconvolution) と、それに Grad-CAM を掛けた地図。
* ``pointing_game``: Zhang et al. (2018) のポインティングゲーム。地図の最大点が正しい物体の枠に入るか。
* ``class_discrimination``: Selvaraju et al. (2020) の人の実験「この図はどちらの物体を表しているか」を、
  模擬の観察者 (2 つの枠の中の地図の量を比べるだけ) で置き換えたもの。

どの関数も、結果を NumPy にする前に ``.cpu()`` で CPU に移す (GPU でもそのまま動く)。
入力は計算の前に検査し、NaN・inf・空・形や型の誤りを、引数の名前を添えた例外で断る。
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import saliency, training
from ._checks import as_float_tensor, check_seed, instance_of, one_of, positive_int, positive_number
from .data import digit_scenes

LAST_LAYER = "features.relu3"
METHODS = ("cam", "gradcam", "saliency")
OUTCOMES = ("正しい数字", "もう 1 つの数字", "背景")


class GapCNN(nn.Module):
    """畳み込み (3×3) + ReLU を ``len(widths)`` 段重ね (段の間に 2×2 の最大値プーリング)、
    最後の特徴地図を大域平均プーリングして線形層でクラスの得点 (ロジット) にする。

    層の名前は ``features.conv1``, ``features.relu1``, ``features.pool1``, …, ``fc``。
    入力は ``input_scale`` 倍してから使う (画素値 0〜1 の標準偏差がおよそ 0.2 なので 5 倍。
    平均は引かないので、背景は 0 のまま)。畳み込みの重みは He の初期化、バイアスは 0 から始める。
    """

    def __init__(
        self,
        n_classes: int = 10,
        widths: Sequence[int] = (8, 16, 32),
        in_channels: int = 1,
        input_scale: float = 5.0,
    ):
        super().__init__()
        n_classes = positive_int(n_classes, "n_classes", minimum=2)
        if len(widths) == 0:
            raise ValueError("widths には少なくとも 1 つの層の幅が必要です")
        self.input_scale = positive_number(input_scale, "input_scale")
        layers = OrderedDict()
        previous = positive_int(in_channels, "in_channels")
        for i, width in enumerate(widths, start=1):
            width = positive_int(width, f"widths[{i - 1}]")
            conv = nn.Conv2d(previous, width, kernel_size=3, padding=1)
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
            layers[f"conv{i}"] = conv
            layers[f"relu{i}"] = (
                nn.ReLU()
            )  # inplace にしない (フックで見る値が書き換わらないように)
            if i < len(widths):
                layers[f"pool{i}"] = nn.MaxPool2d(2)
            previous = width
        self.features = nn.Sequential(layers)
        self.fc = nn.Linear(previous, n_classes)

    def feature_maps(self, x: torch.Tensor) -> torch.Tensor:
        """最後の特徴地図 f_k(x, y)、形は (N, K, h, w)。"""
        return self.features(x * self.input_scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = self.feature_maps(x)
        return self.fc(maps.mean(dim=(2, 3)))  # GAP: F_k = Σ_{x,y} f_k(x, y) / (h w)


# --- 入力の検査 ---------------------------------------------------------------


def _model(model) -> nn.Module:
    instance_of(model, nn.Module, "model")
    if next(model.parameters(), None) is None:
        raise ValueError("model にパラメータがありません")
    return model


def layer_names(model: nn.Module) -> list[str]:
    """Grad-CAM に使える層 (畳み込み、ReLU、プーリング) の名前。"""
    kinds = (nn.Conv2d, nn.ReLU, nn.MaxPool2d)
    return [name for name, m in _model(model).named_modules() if isinstance(m, kinds)]


def _layer(model: nn.Module, name: str) -> nn.Module:
    instance_of(name, str, "layer")  # 層の名前
    modules = dict(model.named_modules())
    if name not in modules or name == "":
        raise ValueError(f"層 {name!r} はありません。使える層: {layer_names(model)}")
    return modules[name]


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _images(model: nn.Module, images) -> torch.Tensor:
    """(N, C, H, W) または 1 枚の (C, H, W) の画像を、モデルの装置の float テンソルにする。"""
    _model(model)
    instance_of(images, torch.Tensor, "images")
    first = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    channels = first.in_channels if first is not None else "チャンネル数"
    expected = f"images は (枚数, {channels}, 高さ, 幅) の形でなければなりません"
    if images.dim() not in (3, 4):
        raise ValueError(f"{expected} (形 {tuple(images.shape)})")
    images = as_float_tensor(images, "images", min_dim=3)  # 型・空・NaN・inf の検査
    if images.dim() == 3:
        images = images.unsqueeze(0)
    if first is not None and images.shape[1] != first.in_channels:
        raise ValueError(f"{expected} (形 {tuple(images.shape)})")
    return images.to(_device(model), torch.float32)


def _classes(target_class, n_images: int, n_classes: int) -> torch.Tensor:
    """クラスの番号 (整数 1 つ、または画像ごとの列) を長さ n_images の整数テンソルにする。"""
    if isinstance(target_class, bool | str | bytes):
        raise TypeError(f"target_class はクラスの番号 (整数) です ({target_class!r})")
    try:
        classes = torch.as_tensor(
            np.asarray(target_class) if not isinstance(target_class, torch.Tensor) else target_class
        )
    except (TypeError, ValueError, RuntimeError) as err:
        raise TypeError(f"target_class はクラスの番号 (整数) です ({target_class!r})") from err
    if classes.numel() == 0:
        raise ValueError("target_class が空です: クラスの番号が 1 つ以上必要です")
    if classes.is_floating_point() or classes.is_complex() or classes.dtype == torch.bool:
        raise TypeError(f"target_class はクラスの番号 (整数) です ({target_class!r})")
    classes = classes.long().reshape(-1)
    if classes.numel() == 1:
        classes = classes.expand(n_images)
    if classes.numel() != n_images:
        raise ValueError(f"target_class は 1 つか、画像の枚数 {n_images} 個でなければなりません")
    if (classes < 0).any() or (classes >= n_classes).any():
        raise ValueError(f"target_class は 0 以上 {n_classes} 未満です ({classes.tolist()})")
    return classes


def _gap_linear(model: nn.Module):
    _model(model)
    features, fc = getattr(model, "feature_maps", None), getattr(model, "fc", None)
    if not callable(features) or not isinstance(fc, nn.Linear):
        raise TypeError(
            "CAM には、特徴地図 (model.feature_maps) → GAP → 線形層 (model.fc) の形のモデルが必要です"
        )
    return features, fc


# --- CAM と Grad-CAM -------------------------------------------------------------


def class_activation_map(model: nn.Module, images, target_class) -> torch.Tensor:
    """CAM (Zhou et al. 2016, 式 2): M_c(x, y) = Σ_k w_k^c f_k(x, y)。

    f_k は最後の特徴地図 (GAP の直前)、w^c は線形層の クラス c の行。符号つきのまま (ReLU も正規化も
    しない) の (N, h, w) を返す。M_c の空間平均にバイアス b_c を足すと、クラス c のロジットになる。
    """
    features, fc = _gap_linear(model)
    x = _images(model, images)
    classes = _classes(target_class, len(x), fc.out_features).to(x.device)
    with torch.no_grad():
        maps = features(x)  # (N, K, h, w)
        weights = fc.weight[classes]  # (N, K)
        cam = torch.einsum("nk,nkhw->nhw", weights, maps)
    return cam.cpu()


def activations_and_gradients(model: nn.Module, images, target_class, layer: str = LAST_LAYER):
    """層 ``layer`` の出力 A (N, K, h, w) と、クラス c のロジット y^c についての勾配 ∂y^c/∂A。

    前向きフックは 1 回の計算のあいだだけ付け、``finally`` で必ず外す。勾配は ``autograd.grad`` で
    取るので、モデルのパラメータの ``.grad`` は変わらない。バッチ内の画像は互いに独立に扱われる。
    """
    module = _layer(model, layer)
    x = _images(model, images).detach().requires_grad_(True)
    stored: list[torch.Tensor] = []
    handle = module.register_forward_hook(lambda _m, _inp, out: stored.append(out))
    try:
        with torch.enable_grad():
            logits = model(x)
            classes = _classes(target_class, len(x), logits.shape[1]).to(logits.device)
            score = logits.gather(1, classes[:, None]).sum()  # 画像ごとの y^c の和
            (gradient,) = torch.autograd.grad(score, stored[-1])
    finally:
        handle.remove()
    if len(stored) != 1:
        raise ValueError(f"層 {layer!r} は 1 回の前向き計算で {len(stored)} 回呼ばれました")
    return stored[0].detach().cpu(), gradient.detach().cpu()


def grad_cam(
    model: nn.Module, images, target_class, layer: str = LAST_LAYER, relu: bool = True
) -> torch.Tensor:
    """Grad-CAM (Selvaraju et al. 2017, 式 1–2)。正規化しない (N, h, w) の地図を返す。

    α_k^c = (1/Z) Σ_{i,j} ∂y^c/∂A^k_{ij} (勾配の空間平均、Z = h w)、L^c = ReLU(Σ_k α_k^c A^k)。
    ``relu=False`` なら ReLU の前の線形結合 Σ_k α_k^c A^k を返す。
    """
    instance_of(relu, bool, "relu")
    activation, gradient = activations_and_gradients(model, images, target_class, layer)
    alpha = gradient.mean(dim=(2, 3))  # (N, K)
    combination = torch.einsum("nk,nkhw->nhw", alpha, activation)
    return F.relu(combination) if relu else combination


# --- 画素の細かさの地図: Guided Backpropagation と Deconvolution ------------------

PIXEL_RULES = ("guided", "deconv")


class _ModifiedReLU(torch.autograd.Function):
    """前向きは普通の ReLU。後ろ向きの規則だけを変える。

    * ``"guided"`` (Springenberg et al. 2015): 前向きの入力が正で、しかも戻ってくる勾配が正の位置だけ通す。
    * ``"deconv"`` (Zeiler & Fergus 2014): 前向きの入力は見ず、戻ってくる勾配の正の部分だけ通す。
    """

    @staticmethod
    def forward(ctx, x, rule):
        ctx.save_for_backward(x)
        ctx.rule = rule
        return x.clamp_min(0)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        passed = grad.clamp_min(0)
        if ctx.rule == "guided":
            passed = passed * (x > 0).to(passed.dtype)
        return passed, None


def guided_backprop(model: nn.Module, images, target_class, rule: str = "guided") -> torch.Tensor:
    """入力の画素ごとの地図 (N, H, W)。ReLU の後ろ向きの規則を ``rule`` に変えた、y^c の入力についての勾配。

    ``rule="guided"`` は Guided Backpropagation、``"deconv"`` は Deconvolution (Zeiler & Fergus 2014)。
    畳み込みと最大値プーリングの後ろ向きは普通の勾配と同じ (プーリングは最大だった位置にだけ戻す)。
    モデルは ``features`` (nn.Sequential) → GAP → ``fc`` の形 (GapCNN) に限る。チャンネルは足し合わせる。
    """
    one_of(rule, PIXEL_RULES, "rule")
    _gap_linear(model)
    features = getattr(model, "features", None)
    if not isinstance(features, nn.Sequential):
        raise TypeError(
            "guided_backprop には model.features (nn.Sequential) をもつモデルが必要です"
        )
    x = _images(model, images).detach().requires_grad_(True)
    with torch.enable_grad():
        h = x * getattr(model, "input_scale", 1.0)
        for module in features:
            h = _ModifiedReLU.apply(h, rule) if isinstance(module, nn.ReLU) else module(h)
        logits = model.fc(h.mean(dim=(2, 3)))
        classes = _classes(target_class, len(x), logits.shape[1]).to(logits.device)
        (gradient,) = torch.autograd.grad(logits.gather(1, classes[:, None]).sum(), x)
    return gradient.sum(dim=1).detach().cpu()


def guided_grad_cam(
    model: nn.Module, images, target_class, layer: str = LAST_LAYER, rule: str = "guided"
) -> torch.Tensor:
    """Guided Grad-CAM (Selvaraju et al. 2017, 3 節): 画素の地図 × 入力の大きさに広げた Grad-CAM、(N, H, W)。

    ``rule="deconv"`` なら Deconvolution Grad-CAM。
    """
    pixels = guided_backprop(model, images, target_class, rule)
    coarse = grad_cam(model, images, target_class, layer)
    return pixels * upsample(coarse, tuple(pixels.shape[-2:]))


VISUALISATIONS = {
    "deconvolution": ("deconv", False),
    "deconvolution_gradcam": ("deconv", True),
    "guided_backprop": ("guided", False),
    "guided_gradcam": ("guided", True),
}


def visualisation(model: nn.Module, images, target_class, name: str) -> torch.Tensor:
    """Selvaraju et al. (2020) の人の実験で見せた 4 種類の図のどれか (``VISUALISATIONS`` の名前)、(N, H, W)。"""
    one_of(name, VISUALISATIONS, "name")
    rule, with_gradcam = VISUALISATIONS[name]
    if with_gradcam:
        return guided_grad_cam(model, images, target_class, LAST_LAYER, rule)
    return guided_backprop(model, images, target_class, rule)


def _box_sums(maps: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """各地図 (N, H, W) の、枠 (N, 4) の中の値の和 (N,)。"""
    return np.array(
        [m[r0:r1, c0:c1].sum() for m, (r0, c0, r1, c1) in zip(maps, boxes, strict=True)]
    )


@dataclass
class DiscriminationResult:
    """模擬の観察者の 2 択の結果。``choices`` (N, 2) は 1 = 正しい数字を選んだ、0 = もう 1 つ、
    0.5 = 2 つの枠の量が等しく決められなかった (半分の確率で当たるとみなす)。"""

    choices: np.ndarray

    @property
    def accuracy(self) -> float:
        return float(self.choices.mean())


def class_discrimination(
    model: nn.Module, scenes: digit_scenes.DigitScenes, names: Sequence[str] = tuple(VISUALISATIONS)
) -> dict[str, DiscriminationResult]:
    """「この図は 2 つの数字のどちらを表しているか」を、図だけを見る模擬の観察者に答えさせる。

    Selvaraju et al. (2020, 5.1 節) は、2 つの物体が写った写真について、片方のクラスの図を人に見せ、
    どちらの物体の図かを 2 択で答えさせた。ここでは人の代わりに、図の値の絶対値を 2 つの数字の枠の中で
    それぞれ足し、量の多いほうの数字を答える観察者を使う。観察者は枠の位置を知っていて、数字を読む
    必要がない (人の課題より易しい)。``names`` (``VISUALISATIONS`` の名前) ごとの結果を返す。
    画素の地図と Grad-CAM は規則・クラスごとに 1 回だけ計算して使い回す。
    """
    _scenes(scenes)
    if isinstance(names, str) or not names:
        raise TypeError(f"names は VISUALISATIONS の名前の列です ({names!r})")
    for name in names:
        one_of(name, VISUALISATIONS, "names の要素")
    choices = {name: np.zeros((len(scenes), 2)) for name in names}
    size = tuple(scenes.images.shape[-2:])
    for j in range(2):
        classes = scenes.labels[:, j]
        with training.single_thread():
            pixels = {
                rule: guided_backprop(model, scenes.images, classes, rule)
                for rule in {VISUALISATIONS[name][0] for name in names}
            }
            if any(VISUALISATIONS[name][1] for name in names):
                coarse = upsample(grad_cam(model, scenes.images, classes, LAST_LAYER), size)
        for name in names:
            rule, with_gradcam = VISUALISATIONS[name]
            maps = (pixels[rule] * coarse if with_gradcam else pixels[rule]).abs().numpy()
            own = _box_sums(maps, scenes.boxes[:, j])
            other = _box_sums(maps, scenes.boxes[:, 1 - j])
            choices[name][:, j] = np.where(own > other, 1.0, np.where(own < other, 0.0, 0.5))
    return {name: DiscriminationResult(choices[name]) for name in names}


def _maps(maps, dims: tuple[int, ...], shape: str) -> torch.Tensor:
    """地図を検査して float32 のテンソルにする (NaN・inf・空・次元の誤りを断る)。"""
    maps = as_float_tensor(maps, "maps", min_dim=min(dims)).to(torch.float32)
    if maps.dim() not in dims:
        raise ValueError(f"maps は {shape} の形です (形 {tuple(maps.shape)})")
    return maps


def upsample(maps, size: tuple[int, int]) -> torch.Tensor:
    """(N, h, w) か (h, w) の地図を、双一次補間で入力画像の大きさ ``size`` = (H, W) に広げる。"""
    maps = _maps(maps, (2, 3), "(h, w) か (N, h, w)")
    if not isinstance(size, tuple | list) or len(size) != 2:
        raise ValueError(f"size は (高さ, 幅) の 2 つの整数です ({size!r})")
    size = tuple(positive_int(s, "size の要素") for s in size)
    batch = maps if maps.dim() == 3 else maps[None]
    big = F.interpolate(batch[:, None].cpu(), size=size, mode="bilinear", align_corners=False)
    return big[:, 0] if maps.dim() == 3 else big[0, 0]


def normalise_map(maps) -> torch.Tensor:
    """各地図を最小 0・最大 1 にそろえる (表示用)。一定の地図は 0 にする。"""
    maps = _maps(maps, (2, 3), "(h, w) か (N, h, w)")
    flat = maps.reshape(-1, *maps.shape[-2:])
    low = flat.amin(dim=(1, 2), keepdim=True)
    span = flat.amax(dim=(1, 2), keepdim=True) - low
    out = torch.where(span > 0, (flat - low) / span.clamp_min(1e-12), torch.zeros_like(flat))
    return out.reshape(maps.shape)


def bottom_up_saliency(images) -> torch.Tensor:
    """``book/01_softmax_attention.md`` のボトムアップの顕著性地図 (Itti et al. 1998) を、灰色の場面それぞれに当てる。

    クラスを知らない (どの数字を探すかに関係なく同じ地図になる)。(N, H, W) を返す。
    """
    instance_of(images, torch.Tensor, "images")
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(
            f"images は (枚数, 1, 高さ, 幅) の灰色の画像のテンソルです (形 {tuple(images.shape)})"
        )
    images = as_float_tensor(images, "images", min_dim=4)
    maps = []
    for image in images[:, 0].detach().cpu().numpy():
        rgb = np.repeat(image[..., None].astype(float), 3, axis=2)
        display = saliency.SearchDisplay(rgb, np.zeros((0, 2), int), [], [], "feature", 1)
        maps.append(saliency.bottom_up_saliency(display))
    return torch.as_tensor(np.stack(maps), dtype=torch.float32)


# --- 学習と評価 ----------------------------------------------------------------


def multilabel_loss(model: nn.Module, images, targets) -> torch.Tensor:
    """多ラベル分類の損失: クラスごとのシグモイド関数と 2 値の交差エントロピーの平均。"""
    logits = model(_images(model, images))
    targets = as_float_tensor(targets, "targets", min_dim=2).to(logits.device, logits.dtype)
    if targets.shape != logits.shape:
        raise ValueError(
            f"targets は得点と同じ形 {tuple(logits.shape)} でなければなりません (形 {tuple(targets.shape)})"
        )
    if ((targets < 0) | (targets > 1)).any():
        raise ValueError("targets は 0 以上 1 以下の値 (多ラベルの正解) でなければなりません")
    return F.binary_cross_entropy_with_logits(logits, targets)


def _training_loss(model: nn.Module, images: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """学習の内側で使う損失 (場面は make_scenes が作ったものなので、バッチごとの検査を省く)。"""
    return F.binary_cross_entropy_with_logits(model(images), targets)


def train_scene_cnn(
    epochs: int = 10,
    scenes_per_epoch: int = 3200,
    batch_size: int = 16,
    lr: float = 1e-2,
    seed: int = 0,
    device=None,
) -> tuple[GapCNN, list[float]]:
    """2 数字の場面 (学習用の筆跡) で GapCNN を学習し、(モデル, エポックごとの平均損失) を返す。

    エポックごとに新しい場面を ``scenes_per_epoch`` 枚作る (種は seed とエポックの番号で決まる)。
    """
    epochs = positive_int(epochs, "epochs")
    scenes_per_epoch = positive_int(scenes_per_epoch, "scenes_per_epoch")
    batch_size = positive_int(batch_size, "batch_size")
    positive_number(lr, "lr")
    seed = check_seed(seed)
    device = training.resolve_device(device)
    with training.seeded(seed):
        model = GapCNN().to(device)

    def batches(epoch: int):
        scenes = digit_scenes.make_scenes(scenes_per_epoch, "train", seed=seed * 1000 + epoch)
        for start in range(0, scenes_per_epoch, batch_size):
            yield (
                scenes.images[start : start + batch_size],
                scenes.targets[start : start + batch_size],
            )

    history = training.train(model, batches, _training_loss, epochs=epochs, lr=lr)
    return model, history


def predict_pairs(model: nn.Module, images) -> np.ndarray:
    """ロジットの大きい 2 クラス (N, 2) を、大きい順に返す。"""
    x = _images(model, images)
    with torch.no_grad():
        return model(x).topk(2, dim=1).indices.cpu().numpy()


def pair_accuracy(model: nn.Module, scenes: digit_scenes.DigitScenes) -> float:
    """上位 2 クラスが場面の 2 つの数字とちょうど一致した割合。"""
    _scenes(scenes)
    predicted = np.sort(predict_pairs(model, scenes.images), axis=1)
    return float((predicted == np.sort(scenes.labels, axis=1)).all(axis=1).mean())


def peak_locations(maps) -> np.ndarray:
    """各地図 (N, H, W) の最大値の位置 (行, 列) を (N, 2) で返す。"""
    maps = _maps(maps, (3,), "(N, H, W)")
    flat = maps.reshape(len(maps), -1).argmax(dim=1).cpu().numpy()
    return np.stack(np.unravel_index(flat, maps.shape[1:]), axis=1)


def _scenes(scenes) -> digit_scenes.DigitScenes:
    instance_of(scenes, digit_scenes.DigitScenes, "scenes")
    if len(scenes) == 0:
        raise ValueError("scenes が空です: 場面が 1 つ以上必要です")
    return scenes


def _inside(points: np.ndarray, boxes: np.ndarray, tolerance: int) -> np.ndarray:
    r, c = points[:, 0], points[:, 1]
    return (
        (r >= boxes[:, 0] - tolerance)
        & (r < boxes[:, 2] + tolerance)
        & (c >= boxes[:, 1] - tolerance)
        & (c < boxes[:, 3] + tolerance)
    )


@dataclass
class PointingResult:
    """ポインティングゲームの結果。``peaks`` (N, 2, 2) は各場面・各数字の地図の最大点、
    ``outcome`` (N, 2) は 0 = 正しい数字の枠、1 = もう 1 つの数字の枠、2 = 背景。"""

    peaks: np.ndarray
    outcome: np.ndarray

    @property
    def hits(self) -> np.ndarray:
        return self.outcome == 0

    @property
    def accuracy(self) -> float:
        return float(self.hits.mean())

    def rates(self) -> dict[str, float]:
        """結果 3 種類の割合。"""
        return {name: float((self.outcome == i).mean()) for i, name in enumerate(OUTCOMES)}


def class_maps(model: nn.Module, images, target_class, method: str, layer: str = LAST_LAYER):
    """``method`` ("cam", "gradcam", "saliency") の地図を入力の大きさに広げて (N, H, W) で返す。"""
    one_of(method, METHODS, "method")
    x = _images(model, images)
    if method == "saliency":
        return bottom_up_saliency(x)  # クラスを使わない
    if method == "cam":
        maps = class_activation_map(model, x, target_class)
    else:
        maps = grad_cam(model, x, target_class, layer)
    return upsample(maps, tuple(x.shape[-2:]))


def score_peaks(peaks, scenes: digit_scenes.DigitScenes, tolerance: int = 0) -> PointingResult:
    """地図の最大点 ``peaks`` (N, 2, 2) を、場面の正解の枠 (``tolerance`` 画素だけ広げたもの) と照らす。

    ``pointing_game`` の結果の ``peaks`` を渡せば、地図を計算し直さずに許容幅だけを変えて数え直せる。
    """
    _scenes(scenes)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError(f"tolerance は 0 以上の整数 (画素) です ({tolerance!r})")
    peaks = np.asarray(peaks)
    if peaks.shape != (len(scenes), 2, 2) or not np.issubdtype(peaks.dtype, np.integer):
        raise ValueError(
            f"peaks は (場面の数 {len(scenes)}, 2, 2) の整数の配列です (形 {peaks.shape}, dtype {peaks.dtype})"
        )
    outcome = np.full((len(scenes), 2), 2, dtype=np.int64)
    for j in range(2):
        on_other = _inside(peaks[:, j], scenes.boxes[:, 1 - j], tolerance)
        on_own = _inside(peaks[:, j], scenes.boxes[:, j], tolerance)
        outcome[on_other, j] = 1
        outcome[on_own, j] = 0
    return PointingResult(peaks.astype(np.int64), outcome)


def pointing_game(
    model: nn.Module,
    scenes: digit_scenes.DigitScenes,
    method: str = "gradcam",
    layer: str = LAST_LAYER,
    tolerance: int = 0,
) -> PointingResult:
    """ポインティングゲーム (Zhang et al. 2018): 場面の 2 つの数字それぞれについて、そのクラスの地図の
    最大点が、その数字の正解の枠 (``tolerance`` 画素だけ広げたもの) に入れば当たり。"""
    _scenes(scenes)
    one_of(method, METHODS, "method")
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError(f"tolerance は 0 以上の整数 (画素) です ({tolerance!r})")
    n = len(scenes)
    peaks = np.zeros((n, 2, 2), dtype=np.int64)
    with training.single_thread():
        if method == "cam":  # 特徴地図は 2 つのクラスで共通なので 1 回だけ計算する
            features, fc = _gap_linear(model)
            x = _images(model, scenes.images)
            with torch.no_grad():
                maps = features(x)
                for j in range(2):
                    classes = _classes(scenes.labels[:, j], n, fc.out_features).to(x.device)
                    heat = torch.einsum("nk,nkhw->nhw", fc.weight[classes], maps).cpu()
                    peaks[:, j] = peak_locations(upsample(heat, tuple(x.shape[-2:])))
        elif method == "saliency":  # クラスを使わないので 1 回で足りる
            peaks[:, 0] = peaks[:, 1] = peak_locations(class_maps(model, scenes.images, 0, method))
        else:
            for j in range(2):
                maps = class_maps(model, scenes.images, scenes.labels[:, j], method, layer)
                peaks[:, j] = peak_locations(maps)
    return score_peaks(peaks, scenes, tolerance)
