"""CIE Lab for colourisation: the model sees lightness L and predicts chroma ab only.

Float Lab (OpenCV's float conversion: L in [0, 100], a and b about [-110, 110]) so that
carrying a predicted chroma to a photo does not round its lightness. The network's
channels are scaled to about [-1, 1]: L / 50 - 1 and ab / AB_SCALE.

Colour hints (user-guided colourisation, Zhang et al. 2017) are three extra input
channels: the hint's a and b (scaled like the output) and a mask that is 1 where a hint
is. Training samples them from the photo itself: a few small patches, each filled with
its patch's mean colour, and often none at all so the model also colourises unaided.
"""

from __future__ import annotations

import cv2
import numpy as np

AB_SCALE = 110.0
HINT_CHANNELS = 3
# Zhang et al. 2017 draw the number of hints from a geometric distribution (p = 1/8).
# Half the items get none: colourising without hints is the common use.
HINT_P = 0.125
NO_HINT_SHARE = 0.5
HINT_MAX = 24
HINT_SIDES = (1, 2, 3, 4, 5)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 HxWx3 RGB -> float32 HxWx3 Lab."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """float32 HxWx3 Lab -> uint8 HxWx3 RGB (out-of-gamut colours clipped)."""
    rgb = cv2.cvtColor(np.ascontiguousarray(lab, np.float32), cv2.COLOR_LAB2RGB)
    return np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)


def lightness(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB -> float32 HxW L in [0, 100]."""
    return rgb_to_lab(rgb)[..., 0]


def net_lightness(L: np.ndarray) -> np.ndarray:
    return (L / 50.0 - 1.0).astype(np.float32)


def net_chroma(ab: np.ndarray) -> np.ndarray:
    return (ab / AB_SCALE).astype(np.float32)


def empty_hints(height: int, width: int) -> np.ndarray:
    return np.zeros((height, width, HINT_CHANNELS), np.float32)


def hints_from_points(height: int, width: int, points) -> np.ndarray:
    """Hint channels from (x, y, radius, (r, g, b)) dabs in pixel coordinates."""
    hints = empty_hints(height, width)
    for x, y, radius, colour in points:
        lab = rgb_to_lab(np.asarray(colour, np.uint8).reshape(1, 1, 3))[0, 0]
        value = (float(lab[1] / AB_SCALE), float(lab[2] / AB_SCALE), 1.0)
        cv2.circle(hints, (int(round(x)), int(round(y))), max(0, int(round(radius))), value, -1)
    return hints


# With strokes (train --hint-strokes), half the items given hints get painted strokes
# instead of dots: short polylines, a few pixels wide, each in the photo's mean colour under
# it, as a user paints with the Colour brush.
STROKE_SHARE = 0.5
STROKE_MAX = 3
STROKE_WIDTHS = (1, 2, 3, 4, 6)
STROKE_REACH = 0.25   # of the crop's side: how far a stroke's next point may go


def sample_stroke_hints(lab: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """1-3 painted strokes, each one colour: the photo's mean ab under it."""
    h, w = lab.shape[:2]
    hints = empty_hints(h, w)
    reach = STROKE_REACH * min(h, w)
    for _ in range(int(rng.integers(1, STROKE_MAX + 1))):
        points = [np.array([rng.uniform(0, w - 1), rng.uniform(0, h - 1)])]
        for _ in range(int(rng.integers(1, 4))):
            step = rng.uniform(-reach, reach, 2)
            points.append(np.clip(points[-1] + step, 0, [w - 1, h - 1]))
        mask = np.zeros((h, w), np.uint8)
        cv2.polylines(mask, [np.round(np.array(points)).astype(np.int32)], False, 1,
                      int(rng.choice(STROKE_WIDTHS)))
        covered = mask > 0
        hints[covered, :2] = lab[covered, 1:].mean(0) / AB_SCALE
        hints[covered, 2] = 1.0
    return hints


def sample_hints(lab: np.ndarray, rng: np.random.Generator, strokes: bool = False) -> np.ndarray:
    """Training hints from the photo's own chroma: HxWx3 (a, b, mask); with `strokes`, some
    items get painted strokes instead of dots."""
    h, w = lab.shape[:2]
    hints = empty_hints(h, w)
    if rng.random() < NO_HINT_SHARE:
        return hints
    if strokes and rng.random() < STROKE_SHARE:
        return sample_stroke_hints(lab, rng)
    count = min(HINT_MAX, int(rng.geometric(HINT_P)))
    for _ in range(count):
        side = int(rng.choice(HINT_SIDES))
        top, left = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
        patch = lab[top:top + side, left:left + side, 1:]
        hints[top:top + side, left:left + side, :2] = patch.reshape(-1, 2).mean(0) / AB_SCALE
        hints[top:top + side, left:left + side, 2] = 1.0
    return hints
