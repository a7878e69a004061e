"""The pointer tools (Qt-free): press, move and release in model coordinates make strokes
(editor/model/strokes.py) or erase them. The inpainting mask tool is in mask.py and the set of
tools with their sizes and colour in toolbox.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Re-exported: the tools' users name stroke kinds and strokes through this module too.
from .strokes import (COLOR, MIN_SIZE, SKETCH, STROKE_KINDS, STROKE_LABELS,  # noqa: F401
                      WARP, Stroke, is_finite_number, rasterize)

ERASER = "eraser"
_MIN_STEP = 0.25    # points closer than this to the previous one are not recorded


# ---------------------------------------------------------------- tool results

@dataclass(frozen=True)
class AddStroke:
    stroke: Stroke


@dataclass(frozen=True)
class EraseStrokes:
    indices: tuple[int, ...]


ToolResult = AddStroke | EraseStrokes


# ---------------------------------------------------------------- tools

class Tool:
    """A pointer tool: press, move and release in image coordinates; release returns a result."""
    name = ""
    label = ""

    def __init__(self, size: float) -> None:
        self.size = float(size)

    @property
    def active(self) -> bool:
        return False

    def press(self, x: float, y: float, strokes: tuple[Stroke, ...] = ()) -> None:
        raise NotImplementedError

    def move(self, x: float, y: float) -> None:
        raise NotImplementedError

    def release(self, x: float, y: float) -> ToolResult | None:
        raise NotImplementedError

    def cancel(self) -> None:
        """Abandon the drag in progress (e.g. the pointer left the window)."""

    def in_progress(self) -> Stroke | None:
        """What the current drag would add, for drawing it before release."""
        return None


class PolylineTool(Tool):
    """A tool whose drag records one polyline; subclasses say what it becomes."""

    def __init__(self, size: float) -> None:
        super().__init__(size)
        self._points: list[tuple[float, float]] | None = None

    @property
    def active(self) -> bool:
        return self._points is not None

    def press(self, x, y, strokes=()):
        self._points = [(float(x), float(y))]

    def move(self, x, y):
        if self._points is None:
            return
        lx, ly = self._points[-1]
        if math.hypot(x - lx, y - ly) >= _MIN_STEP:
            self._points.append((float(x), float(y)))

    def release(self, x, y):
        if self._points is None:
            return None
        self.move(x, y)
        result = self.finish(self.in_progress())
        self._points = None
        return result

    def cancel(self):
        self._points = None

    def finish(self, drawn):
        """The undoable result of a finished drag."""
        raise NotImplementedError


class BrushTool(PolylineTool):
    """Colour or sketch brush: one drag makes one polyline."""

    def __init__(self, kind: str, size: float, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        super().__init__(size)
        self.kind = kind
        self.name = kind
        self.label = "Colour brush" if kind == COLOR else "Sketch brush"
        self.color = color

    def finish(self, drawn):
        return AddStroke(drawn)

    def in_progress(self):
        if self._points is None:
            return None
        color = self.color if self.kind == COLOR else (0, 0, 0)
        return Stroke(self.kind, tuple(self._points), self.size, tuple(color))


class WarpTool(Tool):
    """Pick up the square patch under the pointer and drag it somewhere else."""
    name = WARP
    label = "Warp"

    def __init__(self, size: float, bounds: float = math.inf) -> None:
        super().__init__(size)
        self.bounds = bounds  # the image side: warp ends are kept inside the image
        self._start: tuple[float, float] | None = None
        self._end: tuple[float, float] | None = None

    def _clamp(self, x: float, y: float) -> tuple[float, float]:
        return (min(max(float(x), 0.0), self.bounds), min(max(float(y), 0.0), self.bounds))

    @property
    def active(self) -> bool:
        return self._start is not None

    def press(self, x, y, strokes=()):
        self._start = self._end = self._clamp(x, y)

    def move(self, x, y):
        if self._start is not None:
            self._end = self._clamp(x, y)

    def release(self, x, y):
        if self._start is None:
            return None
        self.move(x, y)
        stroke = self.in_progress()
        self._start = self._end = None
        (x0, y0), (x1, y1) = stroke.points
        if math.hypot(x1 - x0, y1 - y0) < 0.5:
            return None  # a click, not a move
        return AddStroke(stroke)

    def cancel(self):
        self._start = self._end = None

    def in_progress(self):
        if self._start is None:
            return None
        return Stroke(WARP, (self._start, self._end), self.size)


class EraserTool(Tool):
    """Removes every stroke the drag touches (one drag = one undo entry)."""
    name = ERASER
    label = "Eraser"

    def __init__(self, size: float) -> None:
        super().__init__(size)
        self._strokes: tuple[Stroke, ...] = ()
        self._hits: set[int] | None = None

    @property
    def active(self) -> bool:
        return self._hits is not None

    @property
    def hits(self) -> frozenset[int]:
        return frozenset(self._hits or ())

    def press(self, x, y, strokes=()):
        self._strokes = tuple(strokes)
        self._hits = set()
        self.move(x, y)

    def move(self, x, y):
        if self._hits is None:
            return
        for index, stroke in enumerate(self._strokes):
            if index not in self._hits and stroke_distance(stroke, x, y) <= self.size / 2:
                self._hits.add(index)

    def release(self, x, y):
        if self._hits is None:
            return None
        self.move(x, y)
        hits, self._hits, self._strokes = self._hits, None, ()
        return EraseStrokes(tuple(sorted(hits))) if hits else None

    def cancel(self):
        self._hits, self._strokes = None, ()


def stroke_distance(stroke: Stroke, x: float, y: float) -> float:
    """Distance from a point to the stroke's painted area (0 inside it)."""
    if stroke.kind == WARP:
        # A warp is hit at its destination patch, where it is drawn most prominently.
        (_, _), (x1, y1) = stroke.points
        half = stroke.width / 2
        return max(0.0, max(abs(x - x1), abs(y - y1)) - half)
    points = stroke.points
    best = math.hypot(x - points[0][0], y - points[0][1])
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        best = min(best, _segment_distance(x, y, ax, ay, bx, by))
    return max(0.0, best - stroke.width / 2)


def _segment_distance(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


