"""クラス活性化マップ (CAM) と Grad-CAM: CNN は画面のどこを根拠に答えたか (``book/06_cam.md``)。

* ``GapCNN``: 畳み込み 3 層 → 大域平均プーリング (GAP) → 線形層、という CAM の前提どおりの小さな CNN。
* ``class_activation_map``: Zhou et al. (2016) の式 (2) M_c(x, y) = Σ_k w_k^c f_k(x, y)。
* ``grad_cam``: Selvaraju et al. (2017) の式 (1)(2)。任意の層に前向きフックを一時的に付けて、
  その層の出力 A^k と勾配 ∂y^c/∂A^k を取り、α_k^c = 勾配の空間平均、L^c = ReLU(Σ_k α_k^c A^k)。
  フックは呼び出しごとに必ず外す (フックが増え続けて 1 枚目の画像の特徴を使い続ける、というよくある誤りを防ぐ)。
* ``train_scene_cnn``: 2 つの数字の場面で GapCNN を学習する (``training.train``)。

画素の細かさの地図 (Guided Backpropagation、Deconvolution、Guided Grad-CAM) は ``cam_pixels``、
地図の評価 (ポインティングゲーム、人の実験の模擬) は ``cam_evaluation`` にある。

どの関数も、結果を NumPy にする前に ``.cpu()`` で CPU に移す (GPU でもそのまま動く)。
入力は計算の前に検査し、NaN・inf・空・形や型の誤りを、引数の名前を添えた例外で断る。
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import saliency, training
from ._checks import as_float_tensor, check_seed, instance_of, positive_int, positive_number
from .data import digit_scenes

LAST_LAYER = "features.relu3"


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


def _scenes(scenes) -> digit_scenes.DigitScenes:
    instance_of(scenes, digit_scenes.DigitScenes, "scenes")
    if len(scenes) == 0:
        raise ValueError("scenes が空です: 場面が 1 つ以上必要です")
    return scenes


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
