"""The document's colour strokes as colour hints for a colourising translation model
(user-guided colourisation, Zhang et al. 2017): each colour stroke's colour, as Lab a and b,
over the pixels it covers on the image being translated.

Strokes live in model coordinates (the model image, `image_size` pixels square). The image
translated is what the pad shows: the model image itself, or in the photo view the photo (or
its preview), on which the model image is the centre square `geometry` = (x, y, side) in that
image's pixels (editor.model.photo.model_square). Strokes are drawn by the one rasteriser
(strokes.draw_polyline), later strokes on top, as the edit sees them. A stroke is a document
item, so undoing it drops its hint the next time hints are made.
"""

from __future__ import annotations

import numpy as np

from engine.checkpoints import Model
from engine.hint_maps import hints_from_colours
from engine.ops.colorize import is_colorizer, predicts_ab

from .photo import PhotoLayer, model_square
from .strokes import COLOR, Stroke, draw_polyline

Geometry = tuple[float, float, float]


def takes_hints(config: dict) -> bool:
    """A colourising model that predicts chroma from lightness plus hint channels (the engine's
    rule: engine.ops.colorize; an older RGB colouriser takes none)."""
    model = Model(folder=None, config=config)
    return "kind" in config and is_colorizer(model) and predicts_ab(model)


def color_strokes(strokes) -> tuple[Stroke, ...]:
    return tuple(s for s in strokes if s.kind == COLOR)


def photo_geometry(photo: PhotoLayer, width: int) -> Geometry:
    """Where the model image lies on the photo shown `width` pixels wide (preview or full)."""
    x, y, side = model_square(photo.width, photo.height)
    scale = width / photo.width
    return x * scale, y * scale, side * scale


def stroke_hints(strokes, image_size: int, height: int, width: int,
                 geometry: Geometry | None = None) -> tuple[np.ndarray | None, int]:
    """(float32 height x width x 3 hints (a, b, mask), how many colour strokes touch the image);
    (None, 0) when none does. `geometry`: the model square on the image; None: the image is the
    model image (its width is image_size model pixels)."""
    x0, y0, side = (0.0, 0.0, float(width)) if geometry is None else geometry
    scale = side / image_size
    colours = np.zeros((height, width, 3), np.uint8)
    mask = np.zeros((height, width), np.uint8)
    count = 0
    for stroke in color_strokes(strokes):
        points = [(x0 + x * scale, y0 + y * scale) for x, y in stroke.points]
        covered = np.zeros((height, width), np.uint8)
        draw_polyline(covered, points, stroke.width * scale, 1)
        if not covered.any():
            continue   # entirely off the image
        colours[covered > 0] = stroke.color
        mask |= covered
        count += 1
    if not count:
        return None, 0
    return hints_from_colours(colours, mask > 0), count
