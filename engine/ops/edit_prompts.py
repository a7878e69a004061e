"""The edit benchmark's canonical prompts, and their rasterisation at a model's resolution.

Coordinates and widths are fractions of the image side, so a prompt means the same at 16 px
(the test models) and at 64 px. Colour strokes of one prompt do not overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..palette import (CLOUD, DARK_EARTH, FOREST, GRASS, GREY_SKY, RED, SAND, SKY, SUNSET, WATER,
                       YELLOW)
from .types import EditConstraints, Warp

BAND = 0.09    # a band stroke's width: ~6 px at 64
OBJECT = 0.14  # a small object's dot: ~9 px at 64
LINE = 0.03    # a sketch line: 2 px at 64


@dataclass(frozen=True)
class Stroke:
    color: tuple[int, int, int]
    points: tuple[tuple[float, float], ...]  # (x, y) fractions; one point is a dot
    width: float = BAND


@dataclass(frozen=True)
class Prompt:
    name: str
    strokes: tuple[Stroke, ...]


def _band(color, y, x0=0.12, x1=0.88) -> Stroke:
    return Stroke(color, ((x0, y), (x1, y)))


def _upright(color, x, y0, y1) -> Stroke:
    return Stroke(color, ((x, y0), (x, y1)))


def _dot(color, x, y) -> Stroke:
    return Stroke(color, ((x, y),), OBJECT)


PROMPTS: tuple[Prompt, ...] = (
    Prompt("sky over grass", (_band(SKY.rgb, 0.15), _band(GRASS.rgb, 0.85))),
    Prompt("sunset over dark land", (_band(SUNSET.rgb, 0.2), _band(DARK_EARTH.rgb, 0.85))),
    Prompt("beach", (_band((120, 170, 230), 0.12), _band((40, 100, 160), 0.5),
                     _band(SAND.rgb, 0.86))),
    Prompt("snow field", (_band((110, 160, 225), 0.15), _band(CLOUD.rgb, 0.78))),
    Prompt("grey sky, dark forest", (_band(GREY_SKY.rgb, 0.15), _band(FOREST.rgb, 0.8))),
    Prompt("water beside green hill", (_upright(WATER.rgb, 0.2, 0.5, 0.9),
                                       _upright((80, 140, 60), 0.75, 0.35, 0.9))),
    Prompt("red object in grass", (_dot(RED.rgb, 0.5, 0.6), _band(GRASS.rgb, 0.3),
                                   _band(GRASS.rgb, 0.9))),
    Prompt("yellow flower, dark leaves", (_dot(YELLOW.rgb, 0.4, 0.4),
                                          _band((30, 60, 30), 0.75, 0.1, 0.9))),
    Prompt("white cloud in blue sky", (_dot((240, 240, 240), 0.6, 0.25),
                                       _band(SKY.rgb, 0.1, 0.1, 0.4), _band(SKY.rgb, 0.45))),
)

# Sketch prompts: black lines, edges wanted along them.
SKETCHES: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    ("horizon", ((0.05, 0.45), (0.95, 0.45))),
    ("upright", ((0.5, 0.25), (0.5, 0.95))),
)

# Warps: (name, (x0, y0) -> (x1, y1), side), fractions of the side.
WARPS: tuple[tuple[str, tuple[float, float, float, float], float], ...] = (
    ("right", (0.3, 0.35, 0.7, 0.35), 0.25),
    ("down", (0.5, 0.3, 0.5, 0.7), 0.25),
    ("up-left", (0.7, 0.7, 0.35, 0.45), 0.25),
)


def stroke_mask(stroke: Stroke, size: int) -> np.ndarray:
    """bool HxW: the pixels the stroke covers at this resolution (at least one)."""
    canvas = np.zeros((size, size), np.uint8)
    points = np.round(np.asarray(stroke.points) * size - 0.5).astype(np.int32)
    width = max(1, int(round(stroke.width * size)))
    if len(points) == 1:
        cv2.circle(canvas, tuple(int(v) for v in points[0]), max(0, width // 2), 1, -1)
    else:
        cv2.polylines(canvas, [points.reshape(-1, 1, 2)], False, 1, width)
    return canvas.astype(bool)


def color_constraints(strokes: list[tuple[tuple[int, int, int], np.ndarray]],
                      size: int) -> EditConstraints:
    """(colour, mask) pairs -> colour constraints (later strokes on top)."""
    color = np.zeros((size, size, 3), np.uint8)
    union = np.zeros((size, size), bool)
    for rgb, mask in strokes:
        color[mask] = rgb
        union |= mask
    return EditConstraints(color=color, color_mask=union)


def rasterize(prompt: Prompt, size: int) -> tuple[EditConstraints, list[np.ndarray]]:
    """The prompt's constraints and each stroke's own mask."""
    masks = [stroke_mask(s, size) for s in prompt.strokes]
    pairs = [(s.color, m) for s, m in zip(prompt.strokes, masks)]
    return color_constraints(pairs, size), masks


def sketch_mask(points: tuple[tuple[float, float], ...], size: int) -> np.ndarray:
    return stroke_mask(Stroke((0, 0, 0), points, LINE), size)


def warp_at(coords: tuple[float, float, float, float], side: float, size: int) -> Warp:
    x0, y0, x1, y1 = (c * size for c in coords)
    return Warp(x0, y0, x1, y1, max(1.0, round(side * size)))


def hint_strokes(image: np.ndarray, count: int, rng: np.random.Generator,
                 length: float = 0.12, width: float = 0.05):
    """`count` short strokes at random places, each coloured with the image's mean colour
    under it: (colour, mask) pairs."""
    size = image.shape[0]
    strokes = []
    for _ in range(count):
        x, y = rng.uniform(0.1, 0.9, 2)
        angle = rng.uniform(0, np.pi)
        dx, dy = 0.5 * length * np.cos(angle), 0.5 * length * np.sin(angle)
        mask = stroke_mask(Stroke((0, 0, 0), ((x - dx, y - dy), (x + dx, y + dy)), width), size)
        rgb = tuple(int(round(v)) for v in image[mask].reshape(-1, 3).mean(0))
        strokes.append((rgb, mask))
    return strokes


def flat_fill(constraints: EditConstraints) -> np.ndarray:
    """Every pixel takes the colour of its nearest stroke pixel: the no-model baseline."""
    mask = constraints.color_mask
    ys, xs = np.nonzero(mask)
    size = mask.shape[0]
    gy, gx = np.mgrid[0:size, 0:size]
    distance = (gy.reshape(-1, 1) - ys) ** 2 + (gx.reshape(-1, 1) - xs) ** 2
    nearest = distance.argmin(1)
    return constraints.color[ys[nearest], xs[nearest]].reshape(size, size, 3)
