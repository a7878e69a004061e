"""Which latent entries a Fix edit may change, for generators with a grid of local codes.

On a spatial generator the codes of the grid cells that the free region (the strokes and
their margin) touches are free; every other local code stays the fixed image's, so G(z)
already matches the fixed image away from the strokes and the blend's seam is faint. The
global code is free too (MOVE_GLOBAL): it sets the colours, which a stroke may need to move.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

# Measured on the local-layout model (9 canonical prompts with Fix): strokes met 57 % with the
# global code free, 14 % with it held; 57 % with nothing held.
MOVE_GLOBAL = True


def movable_latents(generator, free: np.ndarray, move_global: bool = MOVE_GLOBAL) -> torch.Tensor | None:
    """bool (Z,) on the generator's device, or None when the generator has no local codes
    (then every entry may change)."""
    config = getattr(generator, "config", None)
    if not hasattr(generator, "split") or not hasattr(config, "grid"):
        return None
    region = torch.from_numpy(free.astype(np.float32))[None, None]
    cells = F.adaptive_max_pool2d(region, config.grid)[0, 0] > 0           # (grid, grid)
    local = cells[None].expand(config.local_dim, -1, -1).reshape(-1)        # C-H-W order, as split()
    glob = torch.full((config.global_dim,), bool(move_global))
    return torch.cat([glob, local]).to(next(generator.parameters()).device)
