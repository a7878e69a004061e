"""Inpainting with the mask brush (on the model image and on the photo) as one undoable step,
and super-resolution of the image and of the full-resolution photo."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.imaging import load_rgb
from ui_helpers import (EDIT_TIMEOUT, PHOTO_HEIGHT, PHOTO_WIDTH, drag, open_photo, wait_loaded,
                        write_photo)


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    write_photo(path)
    return path


def inpaint_and_wait(qtbot, window) -> None:
    with qtbot.waitSignal(window.controller.retouch.inpaintEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled") as ended:
        qtbot.keyClick(window, Qt.Key_I, Qt.ControlModifier)
    assert ended.args == ["applied"]


def grown(mask: np.ndarray, pixels: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pixels + 1, 2 * pixels + 1))
    return cv2.dilate(mask.astype(np.uint8), kernel) > 0


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.any(a != b, axis=2)


def test_inpainting_the_image_changes_only_the_mask_and_its_margin(window, qtbot):
    c = window.controller
    before = c.doc.image
    qtbot.keyClick(window, Qt.Key_M)
    assert c.toolbox.active_name == "mask"
    c.toolbox.set_size(3)
    drag(qtbot, window.canvas, [(5.5, 7.5), (10.5, 7.5)])
    mask = c.retouch.mask()
    assert mask is not None and mask.shape == (16, 16)
    assert mask[7, 5:11].all() and not mask[:4].any() and not mask[12:].any()
    assert c.undo_stack.count() == 0  # the mask itself is not an undo step

    inpaint_and_wait(qtbot, window)
    after = c.doc.image
    diff = changed(after, before)
    assert diff[mask].any()
    assert not diff[~grown(mask, 2)].any()  # the blend margin on a 16 px image is 2 px
    assert c.doc.state.retouched and c.retouch.mask() is None
    assert c.undo_stack.count() == 1 and c.undo_stack.text(0) == "Inpaint image"

    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert c.doc.image is before and not c.doc.state.retouched
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert np.array_equal(c.doc.image, after)


def test_inpainting_the_photo_changes_only_the_mask_and_its_margin(window, qtbot, photo):
    c = window.controller
    open_photo(qtbot, window, photo)
    window.actions.photo_view.trigger()
    window.select_tool("mask")
    c.toolbox.set_size(2)  # model pixels: 2 x 40/16 = 5 photo pixels
    drag(qtbot, window.canvas, [(10.5, 30.5), (25.5, 30.5)])  # photo coordinates
    mask = c.retouch.mask()
    assert mask.shape == (PHOTO_HEIGHT, PHOTO_WIDTH)
    assert mask[30, 11:25].all() and not mask[:20].any() and not mask[40:].any()
    before = c.doc.photo.pixels
    image_before = c.doc.image

    inpaint_and_wait(qtbot, window)
    after = c.doc.photo.pixels
    diff = changed(after, before)
    assert diff[mask].any()
    # The hole's box with context covers the whole 40x56 photo, which is worked on at the
    # model's 16 px: the blend margin is 2 x 56 / 16 = 7 photo pixels.
    assert not diff[~grown(mask, 7)].any()
    assert diff[grown(mask, 7)].mean() > 0.3
    assert c.doc.image is image_before and c.doc.photo.retouched
    qtbot.waitUntil(lambda: np.array_equal(c.display_image(), after), timeout=EDIT_TIMEOUT)

    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert c.doc.photo.pixels is before
    qtbot.waitUntil(lambda: np.array_equal(c.display_image(), before), timeout=EDIT_TIMEOUT)


def test_inpaint_without_a_mask_says_what_to_do(window, qtbot):
    with qtbot.waitSignal(window.controller.error) as error:
        window.actions.inpaint.trigger()
    assert "mask" in error.args[0]


@pytest.fixture
def sr_window(make_window, qtbot, edit_model, tiny_sr):
    window = make_window(model_dirs=[edit_model.parent, Path(tiny_sr).parent])
    wait_loaded(qtbot, window)
    return window


def test_super_resolution_of_the_image_and_of_the_photo(sr_window, qtbot, photo, tmp_path):
    window, c = sr_window, sr_window.controller
    with qtbot.waitSignal(c.retouch.resultReady, timeout=EDIT_TIMEOUT) as ready:
        qtbot.keyClick(window, Qt.Key_U, Qt.ControlModifier)
    assert ready.args[1].shape == (64, 64, 3)
    viewer = window.viewers[-1]
    assert viewer.isVisible() and "64 x 64" in viewer.info.text()

    open_photo(qtbot, window, photo)
    window.actions.photo_view.trigger()
    with qtbot.waitSignal(c.retouch.resultReady, timeout=EDIT_TIMEOUT) as ready:
        window.actions.super_resolve.trigger()
    title, big, name = ready.args
    assert big.shape == (4 * PHOTO_HEIGHT, 4 * PHOTO_WIDTH, 3)
    assert "photo" in title and name == "photo_x4.png"
    # An untrained sr model enlarges like bicubic: the colours stay those of the photo.
    small = big.reshape(PHOTO_HEIGHT, 4, PHOTO_WIDTH, 4, 3).mean(axis=(1, 3))
    assert np.abs(small - load_rgb(photo)).mean() < 20

    saved = window.files.save_image_to(big, tmp_path / "big.png")
    assert np.array_equal(load_rgb(saved), big)

    job = window.files.export_to(tmp_path / "export_x4.png", upscaled=True)
    with qtbot.waitSignal(job.finished, timeout=EDIT_TIMEOUT):
        pass
    assert load_rgb(tmp_path / "export_x4.png").shape == big.shape


def test_the_image_menu_lists_the_sr_models(sr_window, tiny_sr):
    sr_window._fill_image_menu()
    names = [a.text() for a in sr_window.sr_menu.actions()]
    assert names == [Path(tiny_sr).name]
    assert sr_window.actions.super_resolve.isEnabled()


def test_mask_strokes_on_a_big_photo_show_on_its_preview(window, qtbot, tmp_path):
    from PIL import Image
    from support.images import make_scene
    path = tmp_path / "big.png"
    Image.fromarray(np.ascontiguousarray(make_scene(1300, np.random.default_rng(1))[:, :1040])).save(path)
    c = window.controller
    open_photo(qtbot, window, path)
    window.actions.photo_view.trigger()
    window.select_tool("mask")
    c.toolbox.set_size(1)
    preview_shape = c.doc.photo.preview.shape[:2]
    assert preview_shape != (1300, 1040)   # the photo is shown as a smaller preview
    drag(qtbot, window.canvas, [(200.5, 300.5), (600.5, 320.5)])
    drag(qtbot, window.canvas, [(400.5, 100.5), (420.5, 700.5)])
    full, shown = c.retouch.mask(), c.retouch.shown_mask()
    assert full.shape == (1300, 1040) and shown.shape == preview_shape
    # Painted straight into the preview-size mask: the same strokes as the full mask
    # shrunk, to within 2 pixels (rounding at the stroke ends).
    shrunk = cv2.resize(full.astype(np.uint8), preview_shape[::-1], interpolation=cv2.INTER_AREA) > 0
    assert shown.sum() > 0.5 * shrunk.sum()
    assert not (shown & ~grown(shrunk, 2)).any() and not (shrunk & ~grown(shown, 2)).any()
    window.actions.clear_mask.trigger()
    assert c.retouch.shown_mask() is None
