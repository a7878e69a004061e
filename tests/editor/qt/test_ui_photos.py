"""Real photos: open (menu path and drag-and-drop), projection, the photo view, full-resolution
export that never silently replaces the original, projects that remember the photo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from editor.qt.files import ORIGINAL_TITLE, REPLACE_TITLE
from editor.qt.dialogs.prompts import YES
from engine.imaging import load_rgb
from engine.ops.generate import generate
from ui_helpers import (EDIT_TIMEOUT, LOAD_TIMEOUT, PHOTO_HEIGHT, PHOTO_WIDTH, drag, open_photo,
                        paint_and_wait, shown_pixel, wait_loaded, write_photo)


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    write_photo(path)
    return path


def drop_file(window, path) -> None:
    """A real drag-and-drop of a file onto the window."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    point = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(point.toPoint(), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(point, Qt.CopyAction, data, Qt.LeftButton,
                                              Qt.NoModifier))


def test_a_dropped_photo_is_projected_and_shown(window, qtbot, photo):
    c = window.controller
    first = []
    c.photos.opened.connect(lambda _: first.append(c.doc.state))
    with qtbot.waitSignal(c.photos.projectionFinished, timeout=LOAD_TIMEOUT) as finished:
        drop_file(window, photo)
    assert finished.args == ["applied"]
    # The encoder's guess was shown at once, as a fixed start ...
    assert first and first[0].fixed and first[0].photo is not None
    encoder_z = first[0].z_start
    assert np.array_equal(first[0].image, generate(c.model.generator(), encoder_z))
    # ... then the refined projection replaced it, without an undo step of its own.
    doc = c.doc
    assert doc.photo.width == PHOTO_WIDTH and doc.photo.height == PHOTO_HEIGHT
    assert doc.state.fixed and doc.state.z_start is doc.state.z_current
    assert np.array_equal(doc.photo.z_projected, doc.state.z_start)
    assert np.array_equal(doc.image, generate(c.model.generator(), doc.state.z_start))
    assert c.undo_stack.count() == 0 and not c.dirty
    assert "Projection done" in window.statusBar().currentMessage()
    assert window.settings.recent_projects[0] == str(photo)

    # Opening shows the photo view: the photo itself (nothing edited yet), at its own size.
    assert window.actions.photo_view.isEnabled() and window.actions.photo_view.isChecked()
    assert c.view == "photo" and window.canvas.shown_size == (PHOTO_WIDTH, PHOTO_HEIGHT)
    pixels = load_rgb(photo)
    assert shown_pixel(window.canvas, 5, 50) == tuple(int(v) for v in pixels[50, 5])
    # P: the model's image, the projection
    qtbot.keyClick(window, Qt.Key_P)
    assert c.view == "image" and window.canvas.shown_size == (16, 16)
    assert shown_pixel(window.canvas, 8, 8) == tuple(int(v) for v in doc.image[8, 8])
    qtbot.keyClick(window, Qt.Key_P)
    assert c.view == "photo"


def test_in_the_photo_view_the_interpolation_slider_plays_the_edit_on_the_photo(window, qtbot,
                                                                               photo):
    c = window.controller
    open_photo(qtbot, window, photo)
    paint_and_wait(qtbot, window, [(1, 2), (8, 2), (15, 2)])
    original = load_rgb(photo)
    with qtbot.waitSignal(c.displayChanged, timeout=EDIT_TIMEOUT):
        window.actions.photo_view.trigger()
    qtbot.waitUntil(lambda: not np.array_equal(c.display_image(), original), timeout=EDIT_TIMEOUT)
    edited = c.display_image().copy()
    slider = window.interpolation.slider
    with qtbot.waitSignal(c.framesReady, timeout=EDIT_TIMEOUT):
        slider.setValue(0)
    assert np.array_equal(c.display_image(), original)     # the photo before the edit
    slider.setValue(slider.maximum() // 2)
    middle = c.display_image()
    assert middle.shape == original.shape
    assert 0 < np.abs(middle.astype(int) - original).mean() < np.abs(edited.astype(int) - original).mean()
    slider.setValue(slider.maximum())
    assert np.array_equal(c.display_image(), edited)


def test_a_stroke_wholly_outside_the_square_is_not_added_and_the_user_is_told(window, qtbot,
                                                                              photo):
    c = window.controller
    open_photo(qtbot, window, photo)
    window.actions.photo_view.trigger()
    c.toolbox.active.size = 1.0          # model pixels: about 2.5 photo pixels wide
    before = c.undo_stack.count()
    with qtbot.waitSignal(c.status, timeout=1000,
                          check_params_cb=lambda text: "outside the square" in text):
        drag(qtbot, window.canvas, [(5, 2), (30, 2)])   # the square is photo rows 8-48
    assert c.doc.strokes == () and c.undo_stack.count() == before
    drag(qtbot, window.canvas, [(5, 20), (30, 20)])     # inside it, a stroke as usual
    assert len(c.doc.strokes) == 1


def test_a_bad_photo_is_reported_and_changes_nothing(window, qtbot, tmp_path):
    c = window.controller
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    doc = c.doc
    with qtbot.waitSignal(c.error, timeout=LOAD_TIMEOUT) as error:
        window.files.open_path(broken)
    assert "broken.png" in error.args[0]
    assert any("broken.png" in text for text in window.prompter.informed)
    assert c.doc is doc and c.doc.photo is None


def test_an_edit_is_exported_at_the_photo_resolution(window, qtbot, photo, tmp_path):
    c = window.controller
    open_photo(qtbot, window, photo)
    window.brush.colorChosen.emit((255, 0, 0))
    outcomes = paint_and_wait(qtbot, window, [(1, 2), (8, 2), (15, 2)])
    assert outcomes[-1] == "applied"
    assert not np.array_equal(c.doc.image, c.doc.photo.projected_image)

    # The photo view shows the edit transferred onto the photo (computed in the background).
    original = load_rgb(photo)
    with qtbot.waitSignal(c.displayChanged, timeout=EDIT_TIMEOUT):
        window.actions.photo_view.trigger()
    qtbot.waitUntil(lambda: not np.array_equal(c.display_image(), original), timeout=EDIT_TIMEOUT)
    assert c.display_image().shape == original.shape

    job = window.files.export_to(tmp_path / "edited.png")
    with qtbot.waitSignal(job.finished, timeout=EDIT_TIMEOUT):
        pass
    exported = load_rgb(tmp_path / "edited.png")
    assert exported.shape == (PHOTO_HEIGHT, PHOTO_WIDTH, 3)
    assert np.array_equal(exported, c.display_image())  # small photo: preview = full size
    assert np.array_equal(load_rgb(photo), original)     # the original is untouched


def test_export_onto_the_original_asks_and_declining_writes_nothing(window, qtbot, photo,
                                                                    tmp_path):
    open_photo(qtbot, window, photo)
    before = photo.read_bytes()
    assert window.files.export_to(photo) is None   # the scripted answer: the default, Cancel
    assert window.prompter.asked[-1][0] == ORIGINAL_TITLE
    assert photo.read_bytes() == before

    other = tmp_path / "other.png"
    other.write_bytes(b"keep me")
    assert window.files.export_to(other) is None
    assert window.prompter.asked[-1][0] == REPLACE_TITLE
    assert other.read_bytes() == b"keep me"

    window.prompter.answers[REPLACE_TITLE] = YES
    job = window.files.export_to(other)
    with qtbot.waitSignal(job.finished, timeout=EDIT_TIMEOUT):
        pass
    assert load_rgb(other).shape == (PHOTO_HEIGHT, PHOTO_WIDTH, 3)


def test_a_project_remembers_its_photo_and_says_when_it_is_missing(window, make_window, qtbot,
                                                                   photo, tmp_path):
    c = window.controller
    open_photo(qtbot, window, photo)
    paint_and_wait(qtbot, window, [(1, 2), (15, 2)])
    assert window.files.save_to(tmp_path / "photo-edit")
    saved = c.doc.state

    other = make_window(project=tmp_path / "photo-edit.manifold", settings_file="other.ini")
    with qtbot.waitSignal(other.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    state = other.controller.doc.state
    assert state.photo is not None and state.photo.path == photo
    assert np.array_equal(state.photo.pixels, saved.photo.pixels)
    assert np.array_equal(state.photo.z_projected, saved.photo.z_projected)
    assert np.array_equal(state.image, saved.image)
    assert other.actions.photo_view.isEnabled() and other.controller.view == "photo"

    photo.unlink()
    third = make_window(project=tmp_path / "photo-edit.manifold", settings_file="third.ini")
    with qtbot.waitSignal(third.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    assert third.controller.doc.photo is None and third.controller.view == "image"
    assert any("photo.png" in text and "could not be opened" in text
               for text in third.prompter.informed)
    assert np.array_equal(third.controller.doc.image, saved.image)


def test_a_photo_given_on_the_command_line_is_opened(make_window, qtbot, photo):
    w = make_window(project=photo)
    with qtbot.waitSignal(w.controller.photos.projectionFinished, timeout=LOAD_TIMEOUT):
        pass
    assert w.controller.doc.photo.path == photo


def test_changing_the_model_keeps_the_photo_and_projects_it_again(make_window, qtbot, photo,
                                                                  edit_model, untrained_gan):
    from PySide6.QtWidgets import QMenu
    window = make_window(model_dirs=[edit_model.parent, untrained_gan.parent])
    wait_loaded(qtbot, window)
    c = window.controller
    open_photo(qtbot, window, photo)
    pixels = c.doc.photo.pixels
    menu = QMenu()
    window.models.fill(menu)
    other = next(a for a in menu.actions() if a.isCheckable() and not a.isChecked())
    with qtbot.waitSignal(c.photos.projectionFinished, timeout=LOAD_TIMEOUT,
                          check_params_cb=lambda outcome: outcome == "applied"):
        other.trigger()
    doc = c.doc
    assert c.model.folder == untrained_gan and doc.model_name == untrained_gan.name
    assert doc.photo is not None and doc.photo.path == photo
    assert np.array_equal(doc.photo.pixels, pixels)
    # The photo's projection is now onto the new model's images.
    assert np.array_equal(doc.photo.projected_image, generate(c.model.generator(), doc.photo.z_projected))
    assert np.array_equal(doc.image, doc.photo.projected_image) and doc.state.fixed
