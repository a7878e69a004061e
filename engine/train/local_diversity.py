"""Make a spatial generator's local codes matter (`train gan --local-diversity W`).

A spatial generator (engine.nets.spatial) is meant to let a colour stroke choose the local
content where it is painted, through the grid codes near it. Trained by the adversarial
loss alone it ignores them: on scenes64, landscapes64 and scenery64, resampling one cell's
local code changed that cell's window by about 1 grey level, the global code the image by
about 70 (256 samples each). An edit could then only move the global code, and a small red dot
in grass was never met.

This term asks for it directly: half of each generator batch are copies of the other half
with one random cell's local code resampled, and the mean absolute change of the image
over that cell's window (the cell and half a cell around it, the reach of the upsampling
convolutions) is pushed above TARGET by a hinge. Both halves also go through the
adversarial loss, so the content a code chooses has to stay realistic.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

# Wanted change over the window, in [-1, 1] image units: 0.25 is about 32 grey levels.
TARGET = 0.25
WINDOW_MARGIN = 0.5   # cells of reach around the resampled one


def supports(generator) -> bool:
    """True for generators with a grid of local codes (engine.nets.spatial)."""
    return hasattr(generator, "split") and hasattr(generator.config, "grid")


def paired_latents(z: torch.Tensor, generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """z (N, Z) -> (z with its second half replaced by copies of the first half, one random
    cell's local code resampled in each; the rows and columns of those cells, (N // 2,) each)."""
    c = generator.config
    half = z.shape[0] // 2
    pairs = z.clone()
    copies = z[:half].clone()
    local = copies[:, c.global_dim:].view(half, c.local_dim, c.grid, c.grid)
    rows = torch.randint(0, c.grid, (half,), device=z.device)
    cols = torch.randint(0, c.grid, (half,), device=z.device)
    index = torch.arange(half, device=z.device)
    local[index, :, rows, cols] = torch.rand(half, c.local_dim, device=z.device) * 2 - 1
    pairs[half:2 * half] = copies
    return pairs, rows, cols


def window_masks(rows: torch.Tensor, cols: torch.Tensor, grid: int, size: int) -> torch.Tensor:
    """(N, 1, size, size) float masks: each cell's window, clipped to the image."""
    cell = size / grid
    coords = torch.arange(size, device=rows.device, dtype=torch.float32) + 0.5
    def span(index: torch.Tensor) -> torch.Tensor:
        start = (index.float() - WINDOW_MARGIN) * cell
        stop = (index.float() + 1 + WINDOW_MARGIN) * cell
        return ((coords >= start[:, None]) & (coords < stop[:, None])).float()
    return (span(rows)[:, :, None] * span(cols)[:, None, :])[:, None]


def window_change(images: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor,
                  grid: int) -> torch.Tensor:
    """(N // 2,): each pair's mean |change| over its resampled cell's window, in image units;
    `images` are the generator's output for paired_latents' z."""
    half = rows.shape[0]
    masks = window_masks(rows, cols, grid, images.shape[-1])
    change = (images[:half] - images[half:2 * half]).abs().mean(1, keepdim=True)
    return (change * masks).flatten(1).sum(1) / masks.flatten(1).sum(1)


def hinge(images: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, grid: int) -> torch.Tensor:
    """Mean over pairs of relu(TARGET - window_change)."""
    return F.relu(TARGET - window_change(images, rows, cols, grid)).mean()
