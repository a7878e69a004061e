"""The tools, the active one and the brush colour; sizes are kept per tool and follow the
model's image size."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.palette import DEFAULT_BRUSH

from .mask import MASK, MaskTool
from .strokes import COLOR, MIN_SIZE, SKETCH, WARP
from .tools import ERASER, BrushTool, EraserTool, Tool, WarpTool


@dataclass
class ToolBox:
    """The tools, the active one and the brush colour; sizes are kept per tool."""
    image_size: int = 64
    color: tuple[int, int, int] = DEFAULT_BRUSH.rgb
    tools: dict[str, Tool] = field(default_factory=dict)
    active_name: str = COLOR

    def __post_init__(self) -> None:
        if not self.tools:
            default = max(MIN_SIZE, self.image_size / 16)
            self.tools = {COLOR: BrushTool(COLOR, default * 2, self.color),
                          SKETCH: BrushTool(SKETCH, default),
                          WARP: WarpTool(self.image_size / 4, self.image_size),
                          ERASER: EraserTool(default * 2),
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


