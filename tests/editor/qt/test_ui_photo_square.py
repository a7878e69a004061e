"""Photo view: the canvas outlines the square the model image covers, where strokes land."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from editor.model.photo import model_square
from editor.model.toolbox import ToolBox
from editor.qt.canvas import SQUARE_COLOR, SQUARE_SHADE, Canvas

WIDTH, HEIGHT = 40, 56  # a portrait photo: the model square is rows 8-48


def make_canvas(qtbot):
    canvas = Canvas(ToolBox(image_size=16))
    qtbot.addWidget(canvas)
    canvas.resize(320, 320)
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas


def photo():
    rng = np.random.default_rng(0)
    return rng.integers(60, 200, (HEIGHT, WIDTH, 3), dtype=np.uint8)  # never pure black/white


def outline_share(canvas, y: float, width: int = WIDTH) -> tuple[float, set]:
    """Of the widget pixels along image row `y` (inside the square's width, one widget row
    either side), the largest share in the outline's colours, and those colours seen."""
    image = canvas.grab().toImage()
    outline = {SQUARE_COLOR.getRgb()[:3], SQUARE_SHADE.getRgb()[:3]}
    left, right = round(canvas.to_widget(4, y).x()), round(canvas.to_widget(width - 4, y).x())
    middle = round(canvas.to_widget(4, y).y())
    best, colours = 0.0, set()
    for row in (middle - 1, middle, middle + 1):
        seen = [image.pixelColor(x, row).getRgb()[:3] for x in range(left, right)]
        share = sum(c in outline for c in seen) / len(seen)
        if share > best:
            best, colours = share, {c for c in seen if c in outline}
    return best, colours


def test_the_square_where_strokes_land_is_outlined_on_a_photo(qtbot):
    canvas = make_canvas(qtbot)
    canvas.set_image(photo(), model_square(WIDTH, HEIGHT))
    assert canvas.shown_size == (WIDTH, HEIGHT)
    for edge in (8, 48):  # top and bottom of the square
        share, colours = outline_share(canvas, edge)
        assert share > 0.9 and len(colours) == 2  # light dashes over a dark line
    assert outline_share(canvas, 28)[0] < 0.2    # not across the middle of the photo

    # A stroke painted with the mouse on the outline lands on the model image's top edge.
    with qtbot.waitSignal(canvas.toolFinished) as finished:
        start, end = canvas.to_widget(10, 8).toPoint(), canvas.to_widget(30, 8).toPoint()
        qtbot.mousePress(canvas, Qt.LeftButton, pos=start)
        qtbot.mouseMove(canvas, end)
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=end)
    points = finished.args[0].stroke.points
    assert all(abs(y) < 0.5 for _, y in points)
    assert abs(points[0][0] - 4) < 0.5 and abs(points[-1][0] - 12) < 0.5  # 40 px -> 16 model px


def test_no_outline_when_the_model_image_itself_is_shown(qtbot):
    canvas = make_canvas(qtbot)
    canvas.set_image(photo()[:16, :16])
    assert outline_share(canvas, 8, 16)[0] < 0.2 and outline_share(canvas, 0.5, 16)[0] < 0.2
