"""Strokes and the brush tools that make them, and their rasterisation to edit constraints.

Coordinates are continuous image coordinates of the model image: pixel (i, j) covers
[i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5). Sizes are in model pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from engine.ops.types import EditConstraints, Warp

COLOR, SKETCH, WARP = "color", "sketch", "warp"
STROKE_KINDS = (COLOR, SKETCH, WARP)
STROKE_LABELS = {COLOR: "Colour stroke", SKETCH: "Sketch stroke", WARP: "Warp"}
MIN_SIZE = 1.0
_SUBPIXEL_BITS = 4  # OpenCV's `shift`: points are drawn with 1/16 px precision
_MIN_STEP = 0.25    # points closer than this to the previous one are not recorded


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
    name = "eraser"
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


@dataclass
class ToolBox:
    """The tools, the active one and the brush colour; sizes are kept per tool."""
    image_size: int = 64
    color: tuple[int, int, int] = (255, 0, 0)
    tools: dict[str, Tool] = field(default_factory=dict)
    active_name: str = COLOR

    def __post_init__(self) -> None:
        if not self.tools:
            from .mask import MASK, MaskTool  # mask.py builds on Tool, defined above
            default = max(MIN_SIZE, self.image_size / 16)
            self.tools = {COLOR: BrushTool(COLOR, default * 2, self.color),
                          SKETCH: BrushTool(SKETCH, default),
                          WARP: WarpTool(self.image_size / 4, self.image_size),
                          "eraser": EraserTool(default * 2),
                          MASK: MaskTool(default * 2)}

    @property
    def active(self) -> Tool:
        return self.tools[self.active_name]

    @property
    def max_size(self) -> float:
        return max(MIN_SIZE, self.image_size / 2)

    def set_image_size(self, size: int) -> None:
        """A model of another resolution: sizes keep their share of the image."""
        ratio = size / self.image_size
        self.image_size = int(size)
        self.tools[WARP].bounds = float(size)
        for name, tool in self.tools.items():
            self.set_size(tool.size * ratio, name)

    def select(self, name: str) -> None:
        if name not in self.tools:
            raise ValueError(f"unknown tool {name!r}")
        self.active.cancel()
        self.active_name = name

    def set_color(self, color: tuple[int, int, int]) -> None:
        self.color = tuple(int(c) for c in color)
        self.tools[COLOR].color = self.color

    def set_size(self, size: float, name: str | None = None) -> float:
        tool = self.tools[name or self.active_name]
        tool.size = float(min(self.max_size, max(MIN_SIZE, round(size * 2) / 2)))
        return tool.size

    def grow(self, steps: int = 1) -> float:
        """`]` grows and `[` shrinks the active tool by about 20 % a step, at least half a pixel."""
        size = self.active.size
        for _ in range(abs(steps)):
            size = max(size + 0.5, size * 1.2) if steps > 0 else min(size - 0.5, size / 1.2)
        return self.set_size(size)


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
            _draw(color, stroke, stroke.color)
            _draw(color_mask, stroke, 1)
            has_color = True
        else:
            _draw(sketch_mask, stroke, 1)
            has_sketch = True
    return EditConstraints(
        color=color if has_color else None,
        color_mask=color_mask.astype(bool) if has_color else None,
        sketch_mask=sketch_mask.astype(bool) if has_sketch else None,
        warps=warps)


def _draw(canvas: np.ndarray, stroke: Stroke, value) -> None:
    scale = 1 << _SUBPIXEL_BITS
    # Continuous coordinates -> OpenCV's pixel-centre coordinates.
    points = np.round((np.asarray(stroke.points, np.float64) - 0.5) * scale).astype(np.int32)
    value = tuple(int(v) for v in value) if isinstance(value, tuple) else int(value)
    thickness = max(1, int(round(stroke.width)))
    if len(points) == 1 or (points == points[0]).all():
        radius = max(0, int(round(stroke.width / 2 * scale)))
        cv2.circle(canvas, tuple(int(v) for v in points[0]), radius, value, -1, cv2.LINE_8,
                   _SUBPIXEL_BITS)
    else:
        cv2.polylines(canvas, [points.reshape(-1, 1, 2)], False, value, thickness, cv2.LINE_8,
                      _SUBPIXEL_BITS)
