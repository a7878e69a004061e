"""Colour hints on a grey photo: the colour strokes painted on the image steer a colourising
model applied from the Translate dock, where they lie; undoing a stroke drops its hint. With a
photo open, Apply colourises the photo at its own size in either view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from engine.chroma import rgb_to_lab
from engine import checkpoints
from engine.jobs import drive
from engine.ops.translate import translate
from engine.pairs import gray
from support.colorizers import tiny_colorizer  # noqa: F401
from editor.model.hints import photo_geometry, stroke_hints
from ui_helpers import EDIT_TIMEOUT, open_photo, paint_and_wait, wait_loaded, write_photo

RED = (220, 30, 30)


@pytest.fixture
def hint_window(make_window, qtbot, edit_model, tiny_colorizer):  # noqa: F811
    window = make_window(model_dirs=[edit_model.parent, Path(tiny_colorizer).parent])
    wait_loaded(qtbot, window)
    window.translate_dock.show()
    window.translate_dock.raise_()
    # a colouriser takes no drawings, so the dock shows no sketch pad
    qtbot.waitUntil(lambda: window.translate.isVisible() and window.translate.model.count() > 0)
    assert not window.translate.pad.isVisible()
    return window


def apply(qtbot, window) -> tuple[str, np.ndarray]:
    c = window.controller
    with qtbot.waitSignal(c.translation.resultReady, timeout=EDIT_TIMEOUT) as ready:
        qtbot.mouseClick(window.translate.apply, Qt.LeftButton)
    title, image, _ = ready.args
    return title, image


def test_colour_strokes_on_a_grey_photo_are_colour_hints_until_undone(hint_window, qtbot,
                                                                       tmp_path, tiny_colorizer):  # noqa: F811
    window, panel = hint_window, hint_window.translate
    c = window.controller
    statuses: list[str] = []
    c.session.status.connect(statuses.append)
    path = tmp_path / "grey.png"
    Image.fromarray(gray(write_photo(tmp_path / "colour.png"))).save(path)
    open_photo(qtbot, window, path, view="photo")          # the photo view: 40x56 photo
    assert c.view == "photo" and window.canvas.shown_size == (40, 56)

    assert panel.current_folder() == Path(tiny_colorizer) and panel.takes_hints()
    assert panel.hints_help.isVisible() and "colour hints" in panel.hints_help.text()
    assert "colour hint" not in panel.apply.toolTip().replace("give colour hints", "")
    # Without strokes the model (it only paints hints) leaves the photo grey.
    title, plain = apply(qtbot, window)
    assert "hint" not in title and plain.shape == (56, 40, 3)
    assert np.abs(rgb_to_lab(plain)[..., 1:]).max() < 3

    # A red stroke across the middle of the photo (photo pixels; the model square is y 8-48).
    window.brush.colorChosen.emit(RED)
    window.brush.sizeChosen.emit(4.0)                      # model pixels: 10 photo pixels
    paint_and_wait(qtbot, window, [(4, 28), (20, 28), (36, 28)])
    assert len(c.doc.strokes) == 1 and c.doc.strokes[0].color == RED
    assert "with 1 colour hint" in panel.apply.toolTip()
    title, hinted = apply(qtbot, window)
    assert "with 1 colour hint" in title
    assert any("with 1 colour hint" in s for s in statuses)
    lab = rgb_to_lab(hinted)
    assert lab[28, 20, 1] > 15 and lab[28, 10, 1] > 15      # red (a > 0) under the stroke
    assert np.abs(lab[:14, :, 1:]).max() < 3                # grey above it, off the square too
    assert np.abs(lab[42:, :, 1:]).max() < 3

    # Ctrl+Z takes the stroke back, and with it its hint.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert c.doc.strokes == ()
    assert "with 1 colour hint" not in panel.apply.toolTip()
    title, undone = apply(qtbot, window)
    assert "hint" not in title
    assert np.abs(rgb_to_lab(undone)[..., 1:]).max() < 3     # grey under the stroke again


def test_the_model_image_view_maps_strokes_one_to_one(hint_window, qtbot):
    """In the image view the pad shows the 16 px model image itself: a hint per stroke pixel."""
    window, c = hint_window, hint_window.controller
    window.brush.colorChosen.emit(RED)
    window.brush.sizeChosen.emit(3.0)
    paint_and_wait(qtbot, window, [(1, 8), (8, 8), (15, 8)])
    title, result = apply(qtbot, window)
    assert "with 1 colour hint" in title and result.shape == c.doc.image.shape
    hints, count = c.translation.hints(window.translate.current_folder(), c.display_image())
    assert count == 1 and hints[8, 8, 2] == 1 and hints[2, 8, 2] == 0


def test_with_a_photo_open_apply_colourises_the_photo_from_the_model_view(hint_window, qtbot,
                                                                         tmp_path):
    """The user opens a grey photo, switches to the model image, paints there and presses
    Apply: the result is the whole photo at its size, the hint where it was painted."""
    window, panel = hint_window, hint_window.translate
    c = window.controller
    assert panel.apply.text() == "Apply to image"
    path = tmp_path / "grey.png"
    Image.fromarray(gray(write_photo(tmp_path / "colour.png"))).save(path)
    open_photo(qtbot, window, path)
    assert c.view != "photo" and c.display_image().shape[:2] == (16, 16)
    assert panel.apply.text() == "Apply to photo" and "full size" in panel.apply.toolTip()
    window.brush.colorChosen.emit(RED)
    window.brush.sizeChosen.emit(3.0)
    paint_and_wait(qtbot, window, [(2, 8), (8, 8), (14, 8)])   # model pixels: photo row 28
    statuses: list[str] = []
    c.session.status.connect(statuses.append)
    title, result = apply(qtbot, window)
    assert result.shape == (56, 40, 3) and statuses[-1] == title   # not left at "Translating..."
    assert "the 40x56 photo" in title and "with 1 colour hint" in title
    # the stroke made an edit, carried onto the photo; the colouriser takes the photo as it
    # was opened (the strokes are its hints), so its lightness is the grey photo's
    assert not np.array_equal(c.doc.image, c.doc.photo.projected_image)
    opened = np.asarray(Image.open(path).convert("RGB"))
    hints, _ = stroke_hints(c.doc.strokes, c.doc.image_size, 56, 40,
                            photo_geometry(c.doc.photo, 40))
    model = checkpoints.load_model(panel.current_folder())
    expected = drive(translate(model, opened, hints=hints))
    assert np.abs(result.astype(int) - expected).max() <= 1
    lab = rgb_to_lab(result)
    assert lab[28, 20, 1] > 15                                 # red under the stroke
    assert np.abs(lab[:14, :, 1:]).max() < 3 and np.abs(lab[42:, :, 1:]).max() < 3
