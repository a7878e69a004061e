"""Colour hints from painted pixels: a colour image and the mask of what was painted (the
editor's colour strokes, rasterised), or a transparent PNG whose opaque pixels are hints
(`python -m engine translate ... --hints strokes.png`).

The hints are engine.chroma's three channels (a, b, mask): each painted pixel's CIE Lab a and
b, scaled like the colouriser's output, and 1 in the mask. Converting the painted RGB per pixel
(not its mean) is the same conversion engine.chroma.hints_from_points makes for a dab.
"""

from __future__ import annotations

import os

import numpy as np

from .chroma import AB_SCALE, empty_hints, rgb_to_lab
from .errors import UserError
from .imaging import load_image

OPAQUE = 128   # alpha at or above this marks a hint (a PNG's anti-aliased edge counts half)


def hints_from_colours(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """float32 HxWx3 hints: the Lab chroma of `rgb` (uint8 HxWx3) where `mask` (HxW) is set."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise UserError(f"hint colours must be uint8 HxWx3, got {rgb.dtype} {rgb.shape}")
    if mask.shape != rgb.shape[:2]:
        raise UserError(f"the hint mask is {mask.shape}, the colours {rgb.shape[:2]}")
    hints = empty_hints(*rgb.shape[:2])
    painted = mask.astype(bool)
    if painted.any():
        lab = rgb_to_lab(rgb[painted].reshape(-1, 1, 3)).reshape(-1, 3)
        hints[painted, :2] = lab[:, 1:] / AB_SCALE
        hints[painted, 2] = 1.0
    return hints


def load_hints(path: str | os.PathLike, width: int, height: int) -> np.ndarray:
    """Hints from a transparent image of the photo's size: its opaque pixels are the hints'
    colours, transparent ones no hint."""
    loaded = load_image(path)
    if loaded.alpha is None:
        raise UserError(f"{path}: colour hints need a transparent image (RGBA PNG): its opaque "
                        "pixels are the hints, the rest must be transparent")
    if loaded.size != (width, height):
        raise UserError(f"{path}: the hints are {loaded.size[0]}x{loaded.size[1]}, the image "
                        f"{width}x{height}; paint them on a layer of the image's size")
    return hints_from_colours(loaded.rgb, loaded.alpha >= OPAQUE)


def hint_count(hints: np.ndarray) -> int:
    """Hinted pixels."""
    return int(np.count_nonzero(hints[..., 2] > 0))
