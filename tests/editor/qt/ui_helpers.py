"""Helpers for the editor UI tests: waiting for the model, real mouse drags on the pad."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

LOAD_TIMEOUT = 30000
EDIT_TIMEOUT = 60000


def wait_loaded(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.controller.doc is not None, timeout=LOAD_TIMEOUT)


def widget_point(canvas, x: float, y: float) -> QPoint:
    return canvas.to_widget(x, y).toPoint()


def drag(qtbot, canvas, points, button=Qt.LeftButton) -> None:
    """A real mouse drag over the canvas through image coordinates `points`."""
    first, *rest = [widget_point(canvas, x, y) for x, y in points]
    qtbot.mousePress(canvas, button, pos=first)
    for point in rest:
        qtbot.mouseMove(canvas, point)
    qtbot.mouseRelease(canvas, button, pos=rest[-1] if rest else first)


def paint_and_wait(qtbot, window, points, timeout=EDIT_TIMEOUT) -> list[str]:
    """Drag a stroke and wait until its edit job has ended; returns the outcomes seen."""
    outcomes: list[str] = []
    window.controller.editEnded.connect(outcomes.append)
    with qtbot.waitSignal(window.controller.editEnded, timeout=timeout,
                          check_params_cb=lambda outcome: outcome != "cancelled"):
        drag(qtbot, window.canvas, points)
    return outcomes


def shown_pixel(canvas, x: int, y: int) -> tuple[int, int, int]:
    """The colour the pad shows at the centre of image pixel (x, y), read with smooth
    scaling off so that it is that pixel's own colour, not a blend with its neighbours."""
    point = widget_point(canvas, x + 0.5, y + 0.5)
    smooth = canvas.smooth
    canvas.set_smooth(False)
    try:
        return canvas.grab().toImage().pixelColor(point).getRgb()[:3]
    finally:
        canvas.set_smooth(smooth)


PHOTO_WIDTH, PHOTO_HEIGHT = 40, 56


def write_photo(path, seed: int = 3):
    """A 40x56 (portrait) synthetic scene saved as an image file; returns its pixels."""
    import numpy as np
    from PIL import Image
    from support.images import make_scene
    scene = make_scene(PHOTO_HEIGHT, np.random.default_rng(seed))[:, 8:8 + PHOTO_WIDTH]
    scene = np.ascontiguousarray(scene)
    Image.fromarray(scene).save(path)
    return scene


def open_photo(qtbot, window, path, view: str = "image") -> None:
    """Open a photo and wait until its projection has been refined. Opening shows the photo
    view; the tests then start from `view` ("image": the model's image, as most paint there)."""
    with qtbot.waitSignal(window.controller.photos.projectionFinished, timeout=LOAD_TIMEOUT,
                          check_params_cb=lambda outcome: outcome == "applied"):
        window.files.open_path(path)
    assert window.controller.view == "photo" and window.actions.photo_view.isChecked()
    if view != "photo":
        window.actions.photo_view.trigger()
    assert window.controller.view == view
