"""The inpainting mask brush (Qt-free): a drag paints a round-capped line into a mask.

The tool works in model coordinates like the other tools. A mask lives at its target's
resolution (the model image, or the full-resolution photo); `target_transform` maps model
coordinates onto it. Masks are not part of the undo history (like a selection); the
inpainting they lead to is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .tools import PolylineTool

MASK = "mask"
_SUBPIXEL_BITS = 4


@dataclass(frozen=True)
class MaskStroke:
    points: tuple[tuple[float, float], ...]   # model coordinates
    width: float                              # model pixels


@dataclass(frozen=True)
class PaintMask:
    stroke: MaskStroke


class MaskTool(PolylineTool):
    name = MASK
    label = "Inpaint mask"

    def finish(self, drawn):
        return PaintMask(drawn)

    def in_progress(self) -> MaskStroke | None:
        return None if self._points is None else MaskStroke(tuple(self._points), self.size)


@dataclass(frozen=True)
class TargetTransform:
    """target = origin + scale * model coordinates."""
    origin_x: float = 0.0
    origin_y: float = 0.0
    scale: float = 1.0


def paint(mask: np.ndarray, stroke: MaskStroke, transform: TargetTransform) -> np.ndarray:
    """A new mask: `mask` with the stroke added (the input is never modified).

    Only the stroke's bounding box is drawn and converted: on a 12 MP photo mask, converting
    the whole mask to uint8 and back cost the GUI thread tens of milliseconds per stroke."""
    t = transform
    points = np.asarray(stroke.points, np.float64) * t.scale + (t.origin_x, t.origin_y)
    width = stroke.width * t.scale
    reach = width / 2 + 2
    height_px, width_px = mask.shape
    x0, y0 = (max(0, int(math.floor(v - reach))) for v in points.min(axis=0))
    x1 = min(width_px, int(math.ceil(points[:, 0].max() + reach)) + 1)
    y1 = min(height_px, int(math.ceil(points[:, 1].max() + reach)) + 1)
    result = mask.copy()
    if x0 >= x1 or y0 >= y1:
        return result
    local = points - (x0, y0)
    fixed = np.round((local - 0.5) * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    canvas = np.zeros((y1 - y0, x1 - x0), np.uint8)
    if len(fixed) == 1 or (fixed == fixed[0]).all():
        radius = max(0, int(round(width / 2 * (1 << _SUBPIXEL_BITS))))
        cv2.circle(canvas, tuple(int(v) for v in fixed[0]), radius, 1, -1, cv2.LINE_8,
                   _SUBPIXEL_BITS)
        if radius < (1 << _SUBPIXEL_BITS) // 2:  # thinner than a pixel: still mark the pixel
            _mark(canvas, local[0])
    else:
        cv2.polylines(canvas, [fixed.reshape(-1, 1, 2)], False, 1, max(1, int(round(width))),
                      cv2.LINE_8, _SUBPIXEL_BITS)
    result[y0:y1, x0:x1] |= canvas.astype(bool)
    return result


def _mark(canvas: np.ndarray, point) -> None:
    col, row = int(math.floor(point[0])), int(math.floor(point[1]))
    if 0 <= row < canvas.shape[0] and 0 <= col < canvas.shape[1]:
        canvas[row, col] = 1
