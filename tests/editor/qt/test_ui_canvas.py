"""The drawing pad: coordinates, zoom, pan, cursor position and zoom in the status bar."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from ui_helpers import widget_point


def test_cursor_position_and_zoom_in_the_status_bar(window, qtbot):
    canvas = window.canvas
    qtbot.mouseMove(canvas, widget_point(canvas, 3.5, 4.5))
    assert window.status.position.text() == "x 3  y 4"
    qtbot.keyClick(window, Qt.Key_1, Qt.ControlModifier)
    assert canvas.zoom == 1.0 and window.status.zoom.text() == "100 %"
    qtbot.keyClick(window, Qt.Key_0, Qt.ControlModifier)
    fitted = canvas.zoom
    assert fitted > 1 and window.status.zoom.text() == f"{fitted * 100:.0f} %"
    size = canvas.image_size * canvas.zoom
    assert size <= min(canvas.width(), canvas.height())


def test_zoom_keeps_the_point_under_the_mouse_and_space_drag_pans(window, qtbot):
    canvas = window.canvas
    anchor = widget_point(canvas, 4, 4)
    before = canvas.to_image(anchor)
    canvas.zoom_by(2.0, anchor)
    after = canvas.to_image(anchor)
    assert abs(before[0] - after[0]) < 1e-6 and abs(before[1] - after[1]) < 1e-6
    strokes = window.controller.doc.strokes
    start = widget_point(canvas, 8, 8)
    qtbot.keyPress(canvas, Qt.Key_Space)
    qtbot.mousePress(canvas, Qt.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(40, 25))
    qtbot.mouseRelease(canvas, Qt.LeftButton, pos=start + QPoint(40, 25))
    qtbot.keyRelease(canvas, Qt.Key_Space)
    x, y = canvas.to_image(start + QPoint(40, 25))
    assert abs(x - 8) < 0.1 and abs(y - 8) < 0.1   # the image moved with the mouse
    assert window.controller.doc.strokes == strokes  # panning paints nothing


def test_wheel_changes_the_brush_size_and_ctrl_wheel_zooms(window, qtbot):
    canvas = window.canvas
    size, zoom = window.controller.toolbox.active.size, canvas.zoom
    center = widget_point(canvas, 8, 8)
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    def wheel(modifiers):
        event = QWheelEvent(QPointF(center), QPointF(canvas.mapToGlobal(center)), QPoint(0, 0),
                            QPoint(0, 120), Qt.NoButton, modifiers, Qt.NoScrollPhase, False)
        QApplication.sendEvent(canvas, event)

    wheel(Qt.NoModifier)
    assert window.controller.toolbox.active.size > size and canvas.zoom == zoom
    assert window.brush.size.value() == window.controller.toolbox.active.size
    wheel(Qt.ControlModifier)
    assert canvas.zoom > zoom


def test_show_edits_and_smooth_toggles(window, qtbot):
    canvas = window.canvas
    assert canvas._show_edits
    qtbot.keyClick(window, Qt.Key_H)
    assert not canvas._show_edits
    assert canvas._smooth   # smooth by default: a 64 px image enlarged reads as a picture
    window.actions.smooth.trigger()
    assert not canvas._smooth
    window.actions.smooth.trigger()
    assert canvas._smooth
