"""What an edit of a fixed image keeps: everything farther than a margin from what was painted.

The painted core is the strokes, the sketch lines and each warp's source and destination
boxes. Within `margin` pixels (Euclidean) of it lies the free region, which the editor
shows; outside it the result is the fixed image, exactly. The result is a blend:

    result = share x G(z) + (1 - share) x target

where target is the fixed image with each warp's patch moved to its destination, and share
is 1 on the core and up to half the margin, falls linearly to 0 at the margin, and is 0
inside a warp's destination box (but for a 2-pixel feather inside its edge), so a moved patch
is really moved. The keep term of the optimisation pulls G(z) toward the target where the
blend takes from both, so the seam at the margin is faint.
"""

from __future__ import annotations

import cv2
import numpy as np

from .constraints import paste_warps
from .types import EditConstraints

FEATHER = 2  # pixels of a warp destination's edge that blend into the generator's image


def _warp_boxes(constraints: EditConstraints, size: int) -> tuple[np.ndarray, np.ndarray]:
    """bool HxW of the warps' source boxes and of their destination boxes (clipped)."""
    _, destination = paste_warps(np.zeros((1, size, size, 3), np.uint8), constraints.warps)
    source = np.zeros((size, size), bool)
    for warp in constraints.warps:
        shifted = type(warp)(warp.x0, warp.y0, warp.x0, warp.y0, warp.size)
        source |= paste_warps(np.zeros((1, size, size, 3), np.uint8), [shifted])[1]
    return source, destination


def painted(constraints: EditConstraints, size: int) -> np.ndarray:
    """bool HxW: strokes, sketch lines and warp boxes."""
    core = np.zeros((size, size), bool)
    for mask in (constraints.color_mask, constraints.sketch_mask):
        if mask is not None:
            core |= mask
    if constraints.warps:
        source, destination = _warp_boxes(constraints, size)
        core |= source | destination
    return core


def _distance(core: np.ndarray) -> np.ndarray:
    """Euclidean distance (pixels) of every pixel to the core (0 on it)."""
    if not core.any():
        return np.full(core.shape, np.inf, np.float32)
    return cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)


def free_region(constraints: EditConstraints, size: int, margin: int) -> np.ndarray:
    """bool HxW: the painted core and the pixels within `margin` of it. With a fixed image,
    the rest of the image stays exactly as it was; the editor outlines this region."""
    return _distance(painted(constraints, size)) <= margin


def generator_share(constraints: EditConstraints, size: int, margin: int) -> np.ndarray:
    """float32 HxW in [0, 1]: how much of each result pixel comes from the generator."""
    distance = _distance(painted(constraints, size))
    ramp = max(margin / 2, 1.0)
    share = np.clip((margin - distance) / ramp, 0, 1)
    if constraints.warps:
        _, destination = _warp_boxes(constraints, size)
        inside = cv2.distanceTransform(destination.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        edge = np.clip(1 - inside / (FEATHER + 1), 0, 1)
        share = np.where(destination, edge, share)
    return share.astype(np.float32)


def keep_weights(share: np.ndarray, margin: int, ring: float | None) -> np.ndarray:
    """float32 HxW: where the keep term pulls G(z) toward the target: wherever the blend takes
    from the target, or (with `ring`) only within `ring` x margin of where it starts to."""
    weights = (share < 1).astype(np.float32)
    if ring is not None:
        near = _distance(share >= 1) <= ring * max(margin, 1)
        weights *= near
    return weights


def compose(generated: np.ndarray, fixed: np.ndarray, constraints: EditConstraints,
            margin: int) -> np.ndarray:
    """uint8 HxWx3: what the edit op returns for a generated image of a fixed image (within a
    grey level of it: the op blends before rounding). For callers that regenerate an edit
    result from its latent, e.g. when a saved project is opened."""
    size = fixed.shape[0]
    target = paste_warps(fixed[None], constraints.warps)[0] if constraints.warps else fixed
    share = generator_share(constraints, size, margin)[..., None]
    mixed = share * generated.astype(np.float32) + (1 - share) * target.astype(np.float32)
    return np.clip(np.round(mixed), 0, 255).astype(np.uint8)
