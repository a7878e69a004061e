"""With Fix on, the pad outlines the region an edit may change: the strokes grown by the keep
margin (engine.ops.keep.free_region); outside it the fixed image stays as it is."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import Qt

from editor.model.tools import rasterize
from editor.qt.canvas import FREE_COLOR
from engine.ops.keep import free_region
from ui_helpers import EDIT_TIMEOUT, paint_and_wait, shown_pixel, widget_point

STROKE = [(3.5, 3.5), (5.5, 3.5)]


def border_of(region: np.ndarray) -> np.ndarray:
    inner = cv2.erode(np.pad(region, 1, mode="edge").astype(np.uint8), np.ones((3, 3)))
    return region & ~inner[1:-1, 1:-1].astype(bool)


def over(image_pixel, color=FREE_COLOR) -> np.ndarray:
    alpha = color.alpha() / 255
    return alpha * np.array([color.red(), color.green(), color.blue()]) + (1 - alpha) * image_pixel


def assert_outlined(canvas, image, region) -> None:
    """Border pixels show the outline colour over the image; pixels outside show the image."""
    ys, xs = np.nonzero(border_of(region))
    assert len(ys) > 4
    for y, x in list(zip(ys, xs))[::3]:
        shown = np.array(shown_pixel(canvas, int(x), int(y)))
        assert np.abs(shown - over(image[y, x])).max() <= 3, (x, y, shown, image[y, x])
    outside = np.argwhere(~region)
    for y, x in outside[:: max(1, len(outside) // 12)]:
        assert shown_pixel(canvas, int(x), int(y)) == tuple(int(v) for v in image[y, x])


def test_fix_outlines_the_region_the_edit_may_change(window, qtbot):
    c, canvas = window.controller, window.canvas
    margin = c.edit_settings.keep_margin
    assert margin > 0
    qtbot.keyClick(window, Qt.Key_F)
    outcomes = paint_and_wait(qtbot, window, STROKE)
    assert outcomes[-1] == "applied"
    region = free_region(rasterize(c.doc.strokes, c.doc.image_size), c.doc.image_size, margin)
    assert region.any() and not region.all()
    qtbot.mouseMove(canvas, widget_point(canvas, -20, -20))  # no brush outline on the pad
    assert_outlined(canvas, c.doc.image, region)
    # The fixed image is kept outside the region, exactly.
    fixed = c.doc.state.previous_image
    assert np.array_equal(c.doc.image[~region], fixed[~region])


def test_no_outline_without_fix_and_it_follows_the_stroke_being_drawn(window, qtbot):
    c, canvas = window.controller, window.canvas
    c.live.set_enabled(False)   # the pad shows the document while drawing
    paint_and_wait(qtbot, window, STROKE)
    qtbot.mouseMove(canvas, widget_point(canvas, -20, -20))
    image = c.doc.image
    for y, x in np.argwhere(border_of(free_region(
            rasterize(c.doc.strokes, c.doc.image_size), c.doc.image_size,
            c.edit_settings.keep_margin))):
        assert shown_pixel(canvas, int(x), int(y)) == tuple(int(v) for v in image[y, x])
    qtbot.keyClick(window, Qt.Key_F)
    c.edit_settings.steps = 100000   # the release's search keeps running: the document stays
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 11.5, 12.5))
    qtbot.mouseMove(canvas, widget_point(canvas, 13.5, 12.5))
    drawn = c.doc.strokes + (canvas.toolbox.active.in_progress(),)
    region = free_region(rasterize(drawn, c.doc.image_size), c.doc.image_size,
                         c.edit_settings.keep_margin)
    qtbot.mouseMove(canvas, widget_point(canvas, 13.5, 12.5))
    assert canvas.toolbox.active.active
    assert_outlined_while_drawing(canvas, c.doc.image, region)
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT):
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 13.5, 12.5))
        qtbot.keyClick(window, Qt.Key_Escape)


def assert_outlined_while_drawing(canvas, image, region) -> None:
    """As assert_outlined, but away from the brush outline around the mouse."""
    ys, xs = np.nonzero(border_of(region))
    far = [(y, x) for y, x in zip(ys, xs) if abs(x - 13.5) + abs(y - 12.5) > 3]
    assert len(far) > 4
    for y, x in far:
        shown = np.array(shown_pixel(canvas, int(x), int(y)))
        assert np.abs(shown - over(image[y, x])).max() <= 3, (x, y, shown, image[y, x])
