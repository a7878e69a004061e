"""Strokes: what the user painted, its JSON form, and the one rasteriser of polylines.

Coordinates are continuous image coordinates: pixel (i, j) covers [i, i+1) x [j, j+1), so its
centre is (i + 0.5, j + 0.5). Sizes are in pixels of the image drawn into. `draw_polyline`
is used for strokes (at the model's resolution) and for inpainting masks (at the target's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from engine.ops.types import EditConstraints, Warp

COLOR, SKETCH, WARP = "color", "sketch", "warp"
STROKE_KINDS = (COLOR, SKETCH, WARP)
STROKE_LABELS = {COLOR: "Colour stroke", SKETCH: "Sketch stroke", WARP: "Warp"}
MIN_SIZE = 1.0
_SUBPIXEL_BITS = 4  # OpenCV's `shift`: points are drawn with 1/16 px precision


@dataclass(frozen=True)
class Stroke:
    """A colour or sketch polyline, or a warp (points = (start, end), width = patch size)."""
    kind: str
    points: tuple[tuple[float, float], ...]
    width: float
    color: tuple[int, int, int] = (0, 0, 0)

    def __post_init__(self) -> None:
        if self.kind not in STROKE_KINDS:
            raise ValueError(f"unknown stroke kind {self.kind!r}; known: {', '.join(STROKE_KINDS)}")
        if not self.points:
            raise ValueError("a stroke needs at least one point")
        if self.kind == WARP and len(self.points) != 2:
            raise ValueError("a warp needs exactly two points (from, to)")
        if not all(math.isfinite(v) for p in self.points for v in p):
            raise ValueError("stroke points must be finite numbers")
        if not (math.isfinite(self.width) and self.width > 0):
            raise ValueError(f"stroke width must be a positive number, got {self.width!r}")
        if len(self.color) != 3 or not all(0 <= c <= 255 for c in self.color):
            raise ValueError(f"stroke colour must be three values 0-255, got {self.color!r}")

    @property
    def label(self) -> str:
        return STROKE_LABELS[self.kind]

    def to_json(self) -> dict:
        return {"kind": self.kind, "points": [[x, y] for x, y in self.points],
                "width": self.width, "color": list(self.color)}

    @classmethod
    def from_json(cls, data: object) -> "Stroke":
        """Build a stroke from parsed JSON; any problem raises ValueError saying what."""
        if not isinstance(data, dict):
            raise ValueError("a stroke must be a JSON object")
        points = data.get("points")
        if not isinstance(points, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(is_finite_number(v) for v in p) for p in points):
            raise ValueError("stroke 'points' must be a list of [x, y] number pairs")
        width, color = data.get("width"), data.get("color", [0, 0, 0])
        if not is_finite_number(width):
            raise ValueError("stroke 'width' must be a number")
        if not isinstance(color, list) or not all(isinstance(c, int) and not isinstance(c, bool)
                                                  for c in color):
            raise ValueError("stroke 'color' must be a list of three whole numbers")
        kind = data.get("kind")
        if not isinstance(kind, str):
            raise ValueError("stroke 'kind' must be a string")
        return cls(kind, tuple((float(x), float(y)) for x, y in points), float(width), tuple(color))


def is_finite_number(value: object) -> bool:
    """A finite int or float (JSON may hold NaN, Infinity or integers too large for a float)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False



# ---------------------------------------------------------------- rasterisation

def rasterize(strokes: tuple[Stroke, ...] | list[Stroke], size: int) -> EditConstraints:
    """Strokes -> the engine's constraints at the model's resolution (later strokes on top)."""
    color = np.zeros((size, size, 3), np.uint8)
    color_mask = np.zeros((size, size), np.uint8)
    sketch_mask = np.zeros((size, size), np.uint8)
    warps: list[Warp] = []
    has_color = has_sketch = False
    for stroke in strokes:
        if stroke.kind == WARP:
            (x0, y0), (x1, y1) = stroke.points
            warps.append(Warp(x0, y0, x1, y1, stroke.width))
        elif stroke.kind == COLOR:
            draw_polyline(color, stroke.points, stroke.width, stroke.color)
            draw_polyline(color_mask, stroke.points, stroke.width, 1)
            has_color = True
        else:
            draw_polyline(sketch_mask, stroke.points, stroke.width, 1)
            has_sketch = True
    return EditConstraints(
        color=color if has_color else None,
        color_mask=color_mask.astype(bool) if has_color else None,
        sketch_mask=sketch_mask.astype(bool) if has_sketch else None,
        warps=warps)


def lands_on_image(stroke: Stroke, size: int) -> bool:
    """Whether a colour or sketch stroke covers any pixel of the model's image (in the photo
    view a stroke can be painted wholly outside the square the model edits). Warps: True."""
    if stroke.kind == WARP:
        return True
    constraints = rasterize((stroke,), size)
    return not constraints.is_empty()


def draw_polyline(canvas: np.ndarray, points, width: float, value) -> None:
    """Draw a round-capped line of `width` through `points` (continuous coordinates) into
    `canvas` in place; one point (or all equal) is a dot. A dot thinner than a pixel still
    marks the pixel under it."""
    scale = 1 << _SUBPIXEL_BITS
    exact = np.asarray(points, np.float64).reshape(-1, 2)
    # Continuous coordinates -> OpenCV's pixel-centre coordinates.
    fixed = np.round((exact - 0.5) * scale).astype(np.int32)
    value = tuple(int(v) for v in value) if isinstance(value, tuple) else int(value)
    if len(fixed) == 1 or (fixed == fixed[0]).all():
        radius = max(0, int(round(width / 2 * scale)))
        cv2.circle(canvas, tuple(int(v) for v in fixed[0]), radius, value, -1, cv2.LINE_8,
                   _SUBPIXEL_BITS)
        col, row = int(math.floor(exact[0, 0])), int(math.floor(exact[0, 1]))
        if radius < scale // 2 and 0 <= row < canvas.shape[0] and 0 <= col < canvas.shape[1]:
            canvas[row, col] = value
    else:
        cv2.polylines(canvas, [fixed.reshape(-1, 1, 2)], False, value,
                      max(1, int(round(width))), cv2.LINE_8, _SUBPIXEL_BITS)
