"""Hole masks for training and evaluating fills: free-form strokes, boxes, centred boxes.

Free-form strokes follow Yu et al. 2019: a few random walks of thick round-capped line
segments. Every mask is drawn from the generator it is given, so a seed fixes it.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..imaging import center_square

MAX_HOLE_FRACTION = 0.6   # a hole this large leaves too little to fill it from


def free_form(size: int, rng: np.random.Generator, strokes: tuple[int, int] = (1, 4)) -> np.ndarray:
    """(size, size) bool: 1-4 strokes of 3-9 segments, 3-12 % of the side thick."""
    canvas = np.zeros((size, size), np.uint8)
    for _ in range(int(rng.integers(strokes[0], strokes[1] + 1))):
        x, y = rng.uniform(0, size, 2)
        angle = rng.uniform(0, 2 * np.pi)
        thickness = max(2, int(size * rng.uniform(0.03, 0.12)))
        for _ in range(int(rng.integers(3, 10))):
            angle += rng.uniform(-1.2, 1.2)
            length = size * rng.uniform(0.08, 0.25)
            nx = float(np.clip(x + length * np.cos(angle), 0, size - 1))
            ny = float(np.clip(y + length * np.sin(angle), 0, size - 1))
            cv2.line(canvas, (int(x), int(y)), (int(nx), int(ny)), 1, thickness, cv2.LINE_8)
            cv2.circle(canvas, (int(nx), int(ny)), thickness // 2, 1, -1)
            x, y = nx, ny
    return canvas.astype(bool)


def random_box(size: int, rng: np.random.Generator, sides: tuple[float, float] = (0.15, 0.5)
               ) -> np.ndarray:
    """(size, size) bool: one axis-aligned box, each side `sides` x size, anywhere."""
    h, w = (max(1, int(size * rng.uniform(*sides))) for _ in range(2))
    top, left = int(rng.integers(0, size - h + 1)), int(rng.integers(0, size - w + 1))
    mask = np.zeros((size, size), bool)
    mask[top:top + h, left:left + w] = True
    return mask


def training_mask(size: int, rng: np.random.Generator) -> np.ndarray:
    """Half free-form, a third boxes, the rest both; never empty, at most MAX_HOLE_FRACTION."""
    while True:
        pick = rng.random()
        if pick < 0.5:
            mask = free_form(size, rng)
        elif pick < 0.83:
            mask = random_box(size, rng)
        else:
            mask = free_form(size, rng, (1, 2)) | random_box(size, rng, (0.1, 0.35))
        if mask.any() and mask.mean() <= MAX_HOLE_FRACTION:
            return mask


def centred_box(height: int, width: int, side: int) -> np.ndarray:
    mask = np.zeros((height, width), bool)
    top, left = (height - side) // 2, (width - side) // 2
    mask[top:top + side, left:left + side] = True
    return mask


def free_form_photo(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Free-form strokes over a photo: drawn on a square of its short side, placed centred."""
    left, top, short = center_square(width, height)
    mask = np.zeros((height, width), bool)
    mask[top:top + short, left:left + short] = free_form(short, rng)
    return mask
