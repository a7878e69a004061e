"""Small building blocks shared by the networks."""

from __future__ import annotations

import torch.nn as nn


def norm2d(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    return nn.Identity()


def upsample_conv(in_ch: int, out_ch: int, mode: str, bias: bool) -> nn.Module:
    """Double the resolution: nearest resize then 3x3 conv, or a 4x4 stride-2 transposed conv."""
    if mode == "transpose":
        return nn.ConvTranspose2d(in_ch, out_ch, 4, 2, 1, bias=bias)
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                         nn.Conv2d(in_ch, out_ch, 3, 1, 1, bias=bias))


def down_conv(in_ch: int, out_ch: int, bias: bool) -> nn.Conv2d:
    """Halve the resolution with a 4x4 stride-2 conv (DCGAN)."""
    return nn.Conv2d(in_ch, out_ch, 4, 2, 1, bias=bias)


def dcgan_init(module: nn.Module) -> None:
    """N(0, 0.02) weights as in DCGAN; norm scales N(1, 0.02)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)) and m.weight is not None:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def pyramid_widths(width: int, max_width: int, levels: int) -> list[int]:
    """Channel counts from full resolution (index 0) down to the 4x4 level: width * 2^i, capped."""
    return [min(width * 2 ** i, max_width) for i in range(levels + 1)]
