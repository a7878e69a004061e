"""Input transforms for image-to-image models: what the user draws or gives, made from a photo.

A pix2pix model trained with `--pairs edges` learns edges -> photo; the translate op
prepares a user's photo the same way (`input_transform` in the model's config.json),
and a pen drawing (black on white) already looks like the edges made here.
"""

from __future__ import annotations

import cv2
import numpy as np

from .errors import UserError
from .imaging import check_rgb

TRANSFORMS = ("edges", "gray", "none")


def make_input(transform: str, rgb: np.ndarray) -> np.ndarray:
    """uint8 HxWx3 RGB -> uint8 HxWx3 model input."""
    check_rgb(rgb, "input image")
    if transform == "edges":
        return edges(rgb)
    if transform == "gray":
        return gray(rgb)
    if transform == "none":
        return rgb
    raise UserError(f"unknown input transform {transform!r}; known: {', '.join(TRANSFORMS)}")


def gray(rgb: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R 601, as OpenCV) replicated to 3 channels."""
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return np.repeat(luma[..., None], 3, axis=2)


def edges(rgb: np.ndarray) -> np.ndarray:
    """Canny edges as black lines on white, 3 channels.

    Thresholds follow the image's median intensity so dark and bright photos both give
    lines; a light blur first keeps sensor noise from becoming dots.
    """
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    luma = cv2.GaussianBlur(luma, (3, 3), 0)
    median = float(np.median(luma))
    low = int(max(0.0, 0.66 * median))
    high = int(min(255.0, max(1.33 * median, low + 30)))
    lines = cv2.Canny(luma, low, high)
    return np.repeat((255 - lines)[..., None], 3, axis=2)
