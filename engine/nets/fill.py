"""The learned fill: a small U-Net of gated convolutions (Yu et al. 2019, "free-form").

Input: the image with the hole pre-filled (RGB in [-1, 1]; `prefill` names how: OpenCV's
Telea method, or "none" for zeros) and the hole mask (1 = hole) as a fourth channel. The
net predicts a correction to the prefill inside the hole, starting from none (its last
layer starts at zero), so training begins at Telea's quality and only has to improve on
it: trained from scratch instead, 2,500 CPU iterations ended 3 dB below Telea. Each gated convolution computes features and a sigmoid gate from the same
input, so the net learns per pixel how far to trust what it sees (a hole pixel's zeros
carry no information). Downsampling is strided gated convs, the bottleneck uses dilated
ones for reach across large holes, upsampling is resize-then-conv with skips. Fully
convolutional: any height and width that are multiples of `multiple`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import _check_positive
from ..errors import UserError
from ..registry import register

PREFILLS = ("telea", "none")


@dataclass
class FillConfig:
    width: int = 16           # channels at full resolution; doubled per halving up to max_width
    max_width: int = 128
    depth: int = 4            # halvings
    dilated: int = 3          # dilated gated convs at the bottom (dilation 2, 4, 8, ...)
    image_size: int = 128     # the crop side it was trained on; ops resize holes to this scale
    prefill: str = "telea"    # what the hole holds on input (ops.fill.prefill makes it)

    def validate(self) -> None:
        for name in ("width", "max_width", "depth", "image_size"):
            _check_positive(name, getattr(self, name))
        if not isinstance(self.dilated, int) or isinstance(self.dilated, bool) \
                or not 0 <= self.dilated <= 6:
            raise UserError(f"dilated must be 0..6, got {self.dilated!r}")
        if self.prefill not in PREFILLS:
            raise UserError(f"prefill must be one of {', '.join(PREFILLS)}, got {self.prefill!r}")
        if self.depth > 6:
            raise UserError(f"depth must be at most 6, got {self.depth}")


class GatedConv(nn.Module):
    """features * sigmoid(gate), both from one convolution; ELU on the features."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1,
                 dilation: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(in_ch, 2 * out_ch, kernel, stride,
                              padding=dilation * (kernel - 1) // 2, dilation=dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features, gate = self.conv(x).chunk(2, dim=1)
        return F.elu(features) * torch.sigmoid(gate)


@register("fill_gated_unet")
class GatedFillNet(nn.Module):
    """(B, 3, H, W) pre-filled image in [-1, 1] and (B, 1, H, W) hole -> (B, 3, H, W) image
    in [-1, 1]: the input outside the hole, the corrected prefill inside it."""
    Config = FillConfig

    def __init__(self, config: FillConfig):
        super().__init__()
        config.validate()
        self.config = config
        widths = [min(config.width * 2 ** i, config.max_width) for i in range(config.depth + 1)]
        self.head = GatedConv(4, widths[0], kernel=5)
        self.downs = nn.ModuleList(GatedConv(widths[i], widths[i + 1], stride=2)
                                   for i in range(config.depth))
        self.middle = nn.Sequential(*(GatedConv(widths[-1], widths[-1], dilation=2 ** (i + 1))
                                      for i in range(config.dilated)))
        self.ups = nn.ModuleList(GatedConv(widths[i + 1] + widths[i], widths[i])
                                 for i in reversed(range(config.depth)))
        self.to_rgb = nn.Conv2d(widths[0], 3, 3, 1, 1)
        nn.init.zeros_(self.to_rgb.weight)
        nn.init.zeros_(self.to_rgb.bias)

    @property
    def multiple(self) -> int:
        return 2 ** self.config.depth

    def forward(self, image: torch.Tensor, hole: torch.Tensor | None = None) -> torch.Tensor:
        if hole is None:   # one tensor (the loader's probe): a centred hole, so all of it runs
            hole = torch.zeros_like(image[:, :1])
            h, w = hole.shape[-2:]
            hole[..., h // 4:h - h // 4, w // 4:w - w // 4] = 1
        x = self.head(torch.cat([image, hole], dim=1))
        skips = [x]
        for down in self.downs:
            x = down(x)
            skips.append(x)
        x = self.middle(x)
        skips.pop()
        for up in self.ups:
            skip = skips.pop()
            x = F.interpolate(x, size=skip.shape[-2:], mode="nearest")
            x = up(torch.cat([x, skip], dim=1))
        fill = (image + self.to_rgb(x)).clamp(-1, 1)
        return image + hole * (fill - image)
