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


# Training keeps a random share of each pair's edge pixels (longest lines first): a user's
# sketch has far fewer lines than Canny finds in a photo, and a model that only ever saw
# dense edges answered a few pen lines with a flat, average image.
TRAIN_KEEP = (0.25, 1.0)
# Line widths a training pair draws its edges with, in pixels: Canny gives 1 px lines, while a
# pen on the 256 px sketch pad (width 4) shrunk to a 128 px model is about 2 px wide.
TRAIN_LINE_WIDTHS = (1, 2)


def make_input(transform: str, rgb: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """uint8 HxWx3 RGB -> uint8 HxWx3 model input. With `rng` (training), edges keep a
    random share of their lines; without it, all of them (what the translate op uses)."""
    check_rgb(rgb, "input image")
    if transform == "edges":
        if rng is None:
            return edges(rgb)
        return edges(rgb, float(rng.uniform(*TRAIN_KEEP)), int(rng.choice(TRAIN_LINE_WIDTHS)))
    if transform == "gray":
        return gray(rgb)
    if transform == "none":
        return rgb
    raise UserError(f"unknown input transform {transform!r}; known: {', '.join(TRANSFORMS)}")


def gray(rgb: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R 601, as OpenCV) replicated to 3 channels."""
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return np.repeat(luma[..., None], 3, axis=2)


def edges(rgb: np.ndarray, keep: float = 1.0, line_width: int = 1) -> np.ndarray:
    """Canny edges as black lines on white, 3 channels.

    Thresholds follow the image's median intensity so dark and bright photos both give
    lines; a light blur first keeps sensor noise from becoming dots. With `keep` < 1 only
    the longest connected lines, about that share of the edge pixels, are kept; with
    `line_width` > 1 the lines are thickened to about that many pixels.
    """
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    luma = cv2.GaussianBlur(luma, (3, 3), 0)
    median = float(np.median(luma))
    low = int(max(0.0, 0.66 * median))
    high = int(min(255.0, max(1.33 * median, low + 30)))
    lines = cv2.Canny(luma, low, high)
    if keep < 1:
        lines = longest_lines(lines, keep)
    if line_width > 1:
        lines = cv2.dilate(lines, np.ones((line_width, line_width), np.uint8))
    return np.repeat((255 - lines)[..., None], 3, axis=2)


def longest_lines(lines: np.ndarray, keep: float) -> np.ndarray:
    """The largest 8-connected components of a 0/255 edge map, up to `keep` of its pixels
    (the largest one is always kept, so an edge map never goes blank)."""
    count, labels, stats = cv2.connectedComponentsWithStats(lines, connectivity=8)[:3]
    if count <= 2:
        return lines
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = np.argsort(-areas, kind="stable")
    budget = keep * areas.sum()
    within = np.cumsum(areas[order]) <= budget
    within[0] = True
    kept = np.zeros(count, bool)
    kept[order[within] + 1] = True
    return np.where(kept[labels], 255, 0).astype(np.uint8)
