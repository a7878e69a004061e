"""Differentiable HOG features in torch (for sketch constraints and perceptual losses).

Gradient orientation is soft-binned into `bins` unsigned orientation bins, summed over cells, then L2-normalised per cell over
its 2x2 neighbourhood. Everything is built from convolutions, so gradients flow to the
image and from there to z.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import HOGConfig
from ..registry import register

_EPS = 1e-6


@register("hog")
class HOG(nn.Module):
    Config = HOGConfig

    def __init__(self, config: HOGConfig | None = None):
        super().__init__()
        config = config or HOGConfig()
        config.validate()
        self.config = config
        sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8
        self.register_buffer("kernel", torch.stack([sobel_x, sobel_x.t()]).unsqueeze(1), persistent=False)
        angles = torch.arange(config.bins, dtype=torch.float32) * (2 * math.pi / config.bins)
        self.register_buffer("bin_cos", torch.cos(angles).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("bin_sin", torch.sin(angles).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("grey_weights", torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1),
                             persistent=False)

    def gradients(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Horizontal and vertical Sobel gradients of the grey version of (B,3,H,W) images."""
        grey = (images * self.grey_weights).sum(1, keepdim=True)
        g = F.conv2d(F.pad(grey, (1, 1, 1, 1), mode="replicate"), self.kernel)
        return g[:, :1], g[:, 1:]

    def cell_histograms(self, images: torch.Tensor) -> torch.Tensor:
        """(B, bins, H/cell, W/cell) unsigned-orientation histograms weighted by gradient magnitude.

        A pixel with magnitude m and orientation t adds m * max(0, cos(2 (t - t_k))) to bin k.
        With m^2 cos(2t) = gx^2 - gy^2 and m^2 sin(2t) = 2 gx gy this needs no atan2, whose
        gradient is undefined on flat regions.
        """
        gx, gy = self.gradients(images)
        energy = gx * gx + gy * gy
        cos2, sin2 = gx * gx - gy * gy, 2 * gx * gy
        weights = F.relu(cos2 * self.bin_cos + sin2 * self.bin_sin) / torch.sqrt(energy + _EPS)
        cell = self.config.cell_size
        return F.avg_pool2d(weights, cell, cell) * (cell * cell)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        hist = self.cell_histograms(images)
        # Block normalisation: each cell divided by the L2 energy of its 2x2 neighbourhood.
        energy = F.avg_pool2d(F.pad(hist.pow(2).sum(1, keepdim=True), (0, 1, 0, 1), mode="replicate"),
                              2, 1) * 4
        return hist / torch.sqrt(energy + 1e-2)
