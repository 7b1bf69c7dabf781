"""画素の細かさの地図 (``book/06_cam.md``): Guided Backpropagation (Springenberg et al. 2015)、
Deconvolution (Zeiler & Fergus 2014)、それらに Grad-CAM を掛けた Guided Grad-CAM (Selvaraju et al. 2017)。

Selvaraju et al. (2020) の人の実験で見せた 4 種類の図 (``VISUALISATIONS``) もここで作る。
"""

from __future__ import annotations

import torch
from torch import nn

from ._checks import one_of
from .cam import LAST_LAYER, _classes, _gap_linear, _images, grad_cam, upsample

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
