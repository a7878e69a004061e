"""How much a generator's local codes choose the content around their cell (the edit
benchmark's "local reach"): resample one random cell's local code and measure the mean
change over that cell's window, beside the change when the global code is resampled.
The same pairs and windows as the training term (engine.train.local_diversity)."""

from __future__ import annotations

import torch

from ..train.local_diversity import paired_latents, supports, window_change
from ._common import device_of, seeded_uniform

GREY = 127.5   # [-1, 1] image units -> grey levels


@torch.no_grad()
def local_reach(generator, samples: int = 64, seed: int = 0) -> dict | None:
    """{"cell_window": grey levels, "global": grey levels}, or None for a generator
    without local codes."""
    if not supports(generator):
        return None
    device = device_of(generator)
    z = seeded_uniform((2 * samples, generator.z_dim), seed, device)
    with torch.random.fork_rng(devices=[]):   # the cells drawn; the caller's RNG untouched
        torch.manual_seed(seed)
        pairs, rows, cols = paired_latents(z, generator)
    images = generator(pairs)
    cell = window_change(images, rows, cols, generator.config.grid).mean()
    other = z[:samples].clone()
    g = generator.config.global_dim
    other[:, :g] = z[samples:, :g]
    whole = (generator(other) - images[:samples]).abs().mean()
    return {"cell_window": round(float(cell) * GREY, 1), "global": round(float(whole) * GREY, 1)}
