"""Chroma as a distribution over quantised ab bins (Zhang, Isola and Efros, ECCV 2016).

A colouriser that regresses ab must pick one colour where the lightness leaves several
open (a dark, textured sky is a storm, a sunset or a deep-blue day); a regression loss
rewards whatever average the training photos suggest. Predicting a distribution over ab
bins keeps the choices apart, and the *annealed mean* (softmax of log-probabilities / T,
then the expectation over bin centres) reads one colour out of it: T = 1 is the mean
(greyish where the choices disagree), T -> 0 the mode (saturated, blotchy); the paper's
T = 0.38 sits between.

The bins: a SPACING grid over ab, kept where some sRGB colour falls (the gamut), so the
set is a function of the spacing alone and a model's config only names the spacing,
the temperature and the count (which loading checks).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from .chroma import AB_SCALE, rgb_to_lab
from .errors import UserError

SPACING = 10.0
TEMPERATURE = 0.38
# Soft targets: each pixel's ab spread over its nearest bins with a Gaussian (the paper: 5, sigma 5).
NEIGHBOURS = 5
SIGMA = 5.0
AB_RANGE = 110.0


@lru_cache(maxsize=4)
def bin_centres(spacing: float = SPACING) -> np.ndarray:
    """float32 Q x 2 ab centres of the grid cells that some sRGB colour falls into."""
    levels = np.linspace(0, 255, 64).round().astype(np.uint8)
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), -1).reshape(1, -1, 3)
    ab = rgb_to_lab(rgb)[0, :, 1:]
    steps = int(np.ceil(AB_RANGE / spacing))
    cells = np.clip(np.round(ab / spacing).astype(int), -steps, steps)
    return (np.unique(cells, axis=0) * spacing).astype(np.float32)


def config_entry(spacing: float = SPACING, temperature: float = TEMPERATURE) -> dict:
    """What a model's config records about its bins."""
    return {"spacing": spacing, "temperature": temperature, "count": len(bin_centres(spacing))}


def check_config(entry) -> tuple[np.ndarray, float]:
    """(bin centres, temperature) of a model config's "chroma_bins"; UserError if damaged."""
    if not isinstance(entry, dict):
        raise UserError(f"chroma_bins must be an object, got {type(entry).__name__}")
    spacing, temperature, count = (entry.get(k) for k in ("spacing", "temperature", "count"))
    for name, value in (("spacing", spacing), ("temperature", temperature)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise UserError(f"chroma_bins.{name} must be a positive number, got {value!r}")
    if not 2.0 <= spacing <= 40.0:
        raise UserError(f"chroma_bins.spacing must be 2-40, got {spacing}")
    centres = bin_centres(float(spacing))
    if count != len(centres):
        raise UserError(f"chroma_bins.count is {count!r}, but spacing {spacing} gives "
                        f"{len(centres)} bins")
    return centres, float(temperature)


def soft_targets(ab: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """(B, 2, H, W) ab in network units -> (B, Q, H, W) target distributions."""
    b, _, h, w = ab.shape
    points = ab.permute(0, 2, 3, 1).reshape(-1, 2) * AB_SCALE
    distance = torch.cdist(points, centres)                      # N x Q
    near, index = distance.topk(NEIGHBOURS, dim=1, largest=False)
    weight = torch.softmax(-near.pow(2) / (2 * SIGMA ** 2), dim=1)
    target = torch.zeros_like(distance).scatter_(1, index, weight)
    return target.reshape(b, h, w, -1).permute(0, 3, 1, 2)


def cross_entropy(logits: torch.Tensor, ab: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of the logits (B, Q, h, w) against soft targets of `ab` (B, 2, H, W),
    which is area-shrunk to the logits' size first."""
    if ab.shape[-2:] != logits.shape[-2:]:
        ab = F.adaptive_avg_pool2d(ab, logits.shape[-2:])
    target = soft_targets(ab, centres)
    return -(target * F.log_softmax(logits.float(), dim=1)).sum(1).mean()


def annealed_mean(logits: torch.Tensor, centres: torch.Tensor, temperature: float) -> torch.Tensor:
    """(B, Q, h, w) logits -> (B, 2, h, w) ab in network units."""
    p = torch.softmax(logits.float() / temperature, dim=1)
    return torch.einsum("bqhw,qc->bchw", p, centres) / AB_SCALE


def decode(logits: torch.Tensor, centres: torch.Tensor, temperature: float,
           size: tuple[int, int]) -> torch.Tensor:
    """Annealed-mean ab in network units, resized (bilinear) to `size` (H, W)."""
    ab = annealed_mean(logits, centres, temperature)
    if tuple(ab.shape[-2:]) != tuple(size):
        ab = F.interpolate(ab, size=size, mode="bilinear", align_corners=False)
    return ab
