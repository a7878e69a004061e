"""Inputs and results of the manifold operations (shared by engine, CLI and editor)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Warp:
    """Move the patch of side `size` centred at (x0, y0) so it is centred at (x1, y1).
    Coordinates are in model-resolution pixels."""
    x0: float
    y0: float
    x1: float
    y1: float
    size: float


@dataclass
class EditConstraints:
    """What the user painted, rasterised at the model's resolution."""
    color: np.ndarray | None = None        # uint8 HxWx3: the stroke colours
    color_mask: np.ndarray | None = None   # bool HxW: where colour strokes are
    sketch_mask: np.ndarray | None = None  # bool HxW: where edges are wanted
    warps: list[Warp] = field(default_factory=list)

    def is_empty(self) -> bool:
        no_color = self.color_mask is None or not self.color_mask.any()
        no_sketch = self.sketch_mask is None or not self.sketch_mask.any()
        return no_color and no_sketch and not self.warps


@dataclass
class EditSettings:
    starts: int = 16            # starts optimised together (iGAN: 64). Measured on outdoor64,
                                # 2 cores: 8 starts 0.44 s, 16 starts 0.78 s per update
    candidates: int = 16        # best results returned (iGAN shows 16)
    steps: int = 40             # Adam steps per update (iGAN: ~40)
    lr: float = 0.1
    sketch_weight: float = 1.0      # measured: 0.2 barely raised edge energy on tiny models
    closeness_weight: float = 0.0   # mean((z - z0)^2), used when z0 is given (a fixed image);
                                    # 0: the blend below keeps the fixed image instead (with 2,
                                    # outdoor64 met 5 % of the fixed-image strokes, eval edits)
    realism_weight: float = 0.0     # optional D term
    # With z0 (a fixed image), keep_weight > 0: the result is the fixed image outside the
    # strokes' margin and G(z) within it, blended; the keep term pulls G(z) toward the fixed
    # image at the seam (engine.ops.keep). Not in iGAN; without it a stroke on a global-latent
    # model recolours the whole image. 0: no blend, no keep term.
    keep_weight: float = 0.2
    keep_margin: int = 4        # pixels around the strokes left free to change (the editor shows it)
    pool: int = 256             # prior samples scored by the strokes' cost; the best are the
                                # random starts (engine.ops.start_search). 0 or <= starts: off
    preview_every: int = 5
    seed: int = 0
    perturbation: float = 1.0   # with z0: starts are z0 + U(-s, s) noise, s from 0 up to this
    patience: int = 5           # early stop: steps over which the best cost must improve ...
    plateau: float = 0.02       # ... by at least this fraction (0 = never stop early)


@dataclass
class EditResult:
    z: np.ndarray        # float32 KxZ, best first
    images: np.ndarray   # uint8 KxHxWx3, best first
    costs: np.ndarray    # float32 K, ascending
    steps: int
    seconds: float


@dataclass
class ProjectResult:
    z: np.ndarray        # float32 Z
    image: np.ndarray    # uint8 HxWx3 at model resolution
    psnr: float          # dB, of the reconstruction against the (resized) target
    steps: int
    seconds: float
    method: str
    start: str = ""      # where the kept optimisation began: "encoder" or "average"
