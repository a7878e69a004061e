"""The inpainting mask brush (Qt-free): a drag paints a round-capped line into a mask.

The tool works in model coordinates like the other tools. A mask lives at its target's
resolution (the model image, or the full-resolution photo); `target_transform` maps model
coordinates onto it. Masks are not part of the undo history (like a selection); the
inpainting they lead to is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .strokes import draw_polyline
from .tools import PolylineTool

MASK = "mask"


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
    canvas = np.zeros((y1 - y0, x1 - x0), np.uint8)
    draw_polyline(canvas, points - (x0, y0), width, 1)
    result[y0:y1, x0:x1] |= canvas.astype(bool)
    return result

