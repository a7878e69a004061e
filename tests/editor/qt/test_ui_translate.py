"""The Translate dock: the sketch pad turns drawings into pictures after every stroke (latest
wins), a model can be applied to the current image, and no model means a clear hint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from ui_helpers import EDIT_TIMEOUT, wait_loaded


@pytest.fixture
def translate_window(make_window, qtbot, edit_model, tiny_pix2pix):
    window = make_window(model_dirs=[edit_model.parent, Path(tiny_pix2pix).parent])
    wait_loaded(qtbot, window)
    window.translate_dock.show()
    window.translate_dock.raise_()
    qtbot.waitUntil(lambda: window.translate.pad.isVisible())
    return window


def draw(qtbot, pad, points) -> None:
    """A real mouse stroke on the sketch pad through sketch coordinates (0-256)."""
    first, *rest = [pad.to_widget(x, y).toPoint() for x, y in points]
    qtbot.mousePress(pad, Qt.LeftButton, pos=first)
    for point in rest:
        qtbot.mouseMove(pad, point)
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=rest[-1])


def test_a_drawing_is_translated_after_each_stroke(translate_window, qtbot, tiny_pix2pix):
    window, panel = translate_window, translate_window.translate
    c = window.controller
    assert panel.current_folder() == Path(tiny_pix2pix)
    assert not panel.direction.isEnabled()  # pix2pix goes one way only
    started = []
    c.translation.sketches.jobStarted.connect(started.append)
    with qtbot.waitSignal(c.translation.sketchTranslated, timeout=EDIT_TIMEOUT) as done:
        draw(qtbot, panel.pad, [(40, 40), (200, 60), (120, 220)])
    assert done.args[0].shape == (256, 256, 3)
    drawing = panel.pad.drawing()
    assert (drawing < 128).any() and drawing[5, 250].tolist() == [255, 255, 255]
    assert panel.result is done.args[0] and not panel.output.pixmap().isNull()
    assert panel.save.isEnabled()
    # the pad gets a screen pixel per sketch pixel; the result is never blown up
    assert min(panel.pad.width(), panel.pad.height()) >= 256
    shown = panel.output.pixmap()
    assert max(shown.width(), shown.height()) <= 256
    if min(panel.output.width(), panel.output.height()) >= 256:
        assert (shown.width(), shown.height()) == (256, 256)

    # Every stroke starts a translation (cancelling one still running); the last is shown.
    draw(qtbot, panel.pad, [(20, 200), (230, 200)])
    with qtbot.waitSignal(c.translation.sketchTranslated, timeout=EDIT_TIMEOUT):
        draw(qtbot, panel.pad, [(128, 10), (128, 250)])
    qtbot.waitUntil(lambda: started[-1].done, timeout=EDIT_TIMEOUT)
    assert len(started) == 3 and started[-1].outcome == "finished"
    assert panel.result is started[-1].result

    panel.clear.click()
    assert panel.pad.is_blank() and panel.result is None and not panel.save.isEnabled()


def test_the_eraser_removes_ink(translate_window, qtbot):
    pad = translate_window.translate.pad
    draw(qtbot, pad, [(40, 128), (216, 128)])
    assert (pad.drawing()[128, 60:200] < 128).all()
    translate_window.translate.eraser.click()
    draw(qtbot, pad, [(128, 100), (128, 156)])
    assert pad.drawing()[128, 128].tolist() == [255, 255, 255]
    assert (pad.drawing()[128, 60:100] < 128).all()


def test_a_model_applied_to_the_current_image_opens_a_viewer(translate_window, qtbot):
    window, c = translate_window, translate_window.controller
    with qtbot.waitSignal(c.translation.resultReady, timeout=EDIT_TIMEOUT) as ready:
        qtbot.mouseClick(window.translate.apply, Qt.LeftButton)
    title, image, name = ready.args
    assert image.shape == c.doc.image.shape and image.dtype == np.uint8
    assert "tiny-pix2pix" in title and name == "translated_tiny-pix2pix.png"
    assert window.viewers[-1].isVisible()


def test_without_translation_models_the_pad_says_what_to_do(window, qtbot):
    window.translate_dock.show()
    window.translate_dock.raise_()
    panel = window.translate
    qtbot.waitUntil(lambda: panel.pad.isVisible())
    assert panel.current_folder() is None and not panel.apply.isEnabled()
    draw(qtbot, panel.pad, [(40, 40), (200, 200)])
    assert "Train" in panel.output.text()
