"""Per-sample losses shared by projection, editing and inpainting (all return shape (B,))."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import HOGConfig
from ..nets.hog import HOG


def hog_for(image_size: int, device: torch.device) -> HOG:
    """HOG with cells fine enough for the resolution: 4 px at 64, 2 px at 16 and 32, 8 px at 128+."""
    cell = 2 if image_size <= 32 else 4 if image_size <= 64 else 8
    return HOG(HOGConfig(cell_size=cell, bins=9)).to(device)


def masked_mse(x: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Weighted mean of squared differences per sample; weight broadcasts over x (B,C,H,W).

    Normalised by the weight's total, so a small stroke counts as much as a large one.
    """
    weight = weight.expand_as(x)
    total = weight.flatten(1).sum(1).clamp_min(1e-8)
    return (weight * (x - target).pow(2)).flatten(1).sum(1) / total


def mse(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (x - target).pow(2).flatten(1).mean(1)


class FeatureLoss:
    """Perceptual distance on a discriminator's intermediate features (Larsen et al. 2016).

    Each layer's squared error is divided by the target's mean feature energy at that layer,
    so layers of different scale count alike and the total is near 1 for unrelated images.
    """

    def __init__(self, discriminator: nn.Module, target: torch.Tensor):
        self.discriminator = discriminator
        with torch.no_grad():
            _, features = discriminator(target, return_features=True)
        self.targets = [f.detach() for f in features]
        self.scales = [f.pow(2).mean().clamp_min(1e-8) for f in self.targets]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        _, features = self.discriminator(x, return_features=True)
        total = x.new_zeros(x.shape[0])
        for feature, target, scale in zip(features, self.targets, self.scales):
            total = total + mse(feature, target.expand_as(feature)) / scale
        return total / len(features)


def realism(discriminator: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """-log D(x) = softplus(-logit): small when the discriminator finds x real."""
    return F.softplus(-discriminator(x))
