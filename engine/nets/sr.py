"""A compact super-resolution net (SRVGG-compact / ESPCN style).

All convolutions run at the low resolution; a PixelShuffle makes the output, and an
interpolated copy of the input is added so the net only learns the missing detail.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import _check_choice, _check_positive
from ..registry import register

SKIPS = ("bicubic", "nearest")


@dataclass
class SRConfig:
    scale: int = 4
    width: int = 32
    blocks: int = 6           # 3x3 conv + PReLU layers between the head and the tail
    skip: str = "bicubic"     # how the input is enlarged for the residual

    def validate(self) -> None:
        _check_choice("scale", self.scale, (2, 3, 4))
        _check_positive("width", self.width)
        _check_positive("blocks", self.blocks)
        _check_choice("skip", self.skip, SKIPS)


@register("sr_compact")
class CompactSR(nn.Module):
    """(B, 3, h, w) in [-1, 1] -> (B, 3, h * scale, w * scale), not clamped."""
    Config = SRConfig

    def __init__(self, config: SRConfig):
        super().__init__()
        config.validate()
        self.config = config
        w, s = config.width, config.scale
        layers: list[nn.Module] = [nn.Conv2d(3, w, 3, 1, 1), nn.PReLU(w)]
        for _ in range(config.blocks):
            layers += [nn.Conv2d(w, w, 3, 1, 1), nn.PReLU(w)]
        layers += [nn.Conv2d(w, 3 * s * s, 3, 1, 1), nn.PixelShuffle(s)]
        self.body = nn.Sequential(*layers)
        # Start as the plain interpolation: the last conv outputs (almost) zero.
        nn.init.normal_(layers[-2].weight, 0.0, 1e-3)
        nn.init.zeros_(layers[-2].bias)

    @property
    def scale(self) -> int:
        return self.config.scale

    @property
    def context(self) -> int:
        """Input pixels on each side that reach an output pixel: one per 3x3 conv (head,
        blocks, tail); the parallel skip reaches two. Tiles need this much overlap to give
        the same result as one pass over the whole image."""
        return max(self.config.blocks + 2, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.skip == "nearest":
            base = F.interpolate(x, scale_factor=self.config.scale, mode="nearest")
        else:
            base = F.interpolate(x, scale_factor=self.config.scale, mode="bicubic",
                                 align_corners=False)
        return base + self.body(x)
