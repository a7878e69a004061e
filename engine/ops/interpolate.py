"""Latent interpolation between two latents (iGAN shows 16 frames from the old z to the new),
and frames anchored to the images the user saw at both ends (`anchor_frames`)."""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from ._common import check_choice, check_int

MODES = ("linear", "slerp")


def interpolate(z0: np.ndarray, z1: np.ndarray, *, frames: int = 16,
                mode: str = "linear") -> np.ndarray:
    """(frames, Z) float32 latents; the first is exactly z0 and the last exactly z1.

    slerp follows the great circle between the directions while blending the lengths
    linearly; it falls back to linear for (anti)parallel vectors. Frames in between are
    clipped to the prior's box [-1, 1], which never moves the endpoints of latents inside it.
    """
    frames = check_int("frames", frames, minimum=2)
    check_choice("mode", mode, MODES)
    a, b = _check_pair(z0, z1)
    t = np.linspace(0.0, 1.0, frames)[:, None]
    if mode == "slerp":
        path = _slerp(a, b, t)
    else:
        path = (1 - t) * a + t * b
    path = np.clip(path, -1.0, 1.0)
    path[0], path[-1] = a, b
    return path.astype(np.float32)


def _check_pair(z0, z1) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(z0, dtype=np.float64)
    b = np.asarray(z1, dtype=np.float64)
    if a.ndim != 1 or b.ndim != 1:
        raise UserError(f"latents must be 1-D vectors, got shapes {a.shape} and {b.shape}")
    if a.shape != b.shape:
        raise UserError(f"latents differ in length: {a.shape[0]} and {b.shape[0]}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise UserError("latents contain NaN or infinity")
    return a, b


def _slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-8 or nb < 1e-8:
        return (1 - t) * a + t * b
    ua, ub = a / na, b / nb
    omega = np.arccos(np.clip(np.dot(ua, ub), -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return (1 - t) * a + t * b
    direction = (np.sin((1 - t) * omega) * ua + np.sin(t * omega) * ub) / np.sin(omega)
    return direction * ((1 - t) * na + t * nb)


def anchor_frames(generated: np.ndarray, first: np.ndarray, last: np.ndarray,
                  share: np.ndarray | None = None) -> np.ndarray:
    """uint8 (F, H, W, 3): frames G(z_t) along a path (`generated`, F >= 2) made to start
    exactly at `first` and end exactly at `last`, the images the user saw, which are not
    G(z0) and G(z1) after an edit Fix blended with the fixed image, or an inpainting.

    Where `share` (H x W in [0, 1]: how much of the edit's result came from the generator,
    engine.ops.keep.generator_share) is 1, a frame is G(z_t) with each end's difference from
    the image shown faded out along the path; where it is 0, the frames cross-fade from
    `first` to `last` (outside Fix's margin both are the fixed image, so nothing moves there,
    while G(z_t) of a fresh start would change the whole picture). None: 1 everywhere."""
    generated = np.asarray(generated, np.float32)
    if generated.ndim != 4 or len(generated) < 2 or generated.shape[1:] != first.shape \
            or first.shape != last.shape:
        raise UserError("anchor_frames needs F >= 2 generated frames of the two images' size")
    t = np.linspace(0.0, 1.0, len(generated), dtype=np.float32)[:, None, None, None]
    a, b = first.astype(np.float32), last.astype(np.float32)
    moving = generated + (1 - t) * (a - generated[0]) + t * (b - generated[-1])
    fading = (1 - t) * a + t * b
    weight = np.float32(1) if share is None else np.asarray(share, np.float32)[None, ..., None]
    frames = weight * moving + (1 - weight) * fading
    return np.clip(np.rint(frames), 0, 255).astype(np.uint8)
