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


def sample_hints(lab: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Training hints from the photo's own chroma: HxWx3 (a, b, mask)."""
    h, w = lab.shape[:2]
    hints = empty_hints(h, w)
    count = 0 if rng.random() < NO_HINT_SHARE else min(HINT_MAX, int(rng.geometric(HINT_P)))
    for _ in range(count):
        side = int(rng.choice(HINT_SIDES))
        top, left = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
        patch = lab[top:top + side, left:left + side, 1:]
        hints[top:top + side, left:left + side, :2] = patch.reshape(-1, 2).mean(0) / AB_SCALE
        hints[top:top + side, left:left + side, 2] = 1.0
    return hints
