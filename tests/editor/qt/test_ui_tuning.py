"""Pivotal tuning in the editor: after a photo's projection the generator is tuned to it (a
job with progress and PSNR in the status bar, stopped by Esc); edits use the tuned copy; a
saved project and a crash recovery bring it back; another model drops it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from editor.model.photo import PhotoSettings
from engine.imaging import center_crop_square, resize
from engine.ops.generate import generate
from engine.ops.metrics import psnr
from ui_helpers import EDIT_TIMEOUT, LOAD_TIMEOUT, paint_and_wait, wait_loaded, write_photo

TUNING = PhotoSettings(projection_steps=10, inpaint_steps=10, inpaint_starts=2, tune_steps=30)


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    write_photo(path)
    return path


def open_and_tune(qtbot, window, path) -> None:
    """Open a photo through the editor's file path and wait for its tuning."""
    with qtbot.waitSignal(window.controller.photos.tuning.finished, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome == "applied"):
        window.files.open_path(path)


def weights(net) -> dict:
    return {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}


def same_weights(a, b) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_the_photo_is_tuned_after_projection_and_edits_use_it(make_window, qtbot, photo):
    window = make_window(photo_settings=PhotoSettings(**vars(TUNING)))
    wait_loaded(qtbot, window)
    c = window.controller
    messages = []
    c.status.connect(messages.append)
    open_and_tune(qtbot, window, photo)
    doc = c.doc
    tuned = doc.photo.tuned
    assert tuned is not None and np.array_equal(tuned.pivot, doc.photo.z_projected)
    assert any(m.startswith("Tuning the generator to the photo: step") and "dB" in m
               for m in messages)
    assert "Generator tuned to the photo" in window.statusBar().currentMessage()
    # The document shows the tuned generator's image, closer to the photo than the model's.
    crop = resize(center_crop_square(doc.photo.pixels), 16, 16)
    base = generate(c.model.generator(), doc.photo.z_projected)
    assert np.array_equal(doc.image, generate(tuned.generator, doc.photo.z_projected))
    assert np.array_equal(doc.photo.projected_image, doc.image)
    assert psnr(doc.image, crop) > psnr(base, crop) + 1.0
    assert c.doc_model().generator() is tuned.generator and c.model.generator() is not tuned.generator
    # A stroke's edit runs on the tuned generator: under the stroke (rows 0-3; the rest of
    # a fixed photo is kept from before the edit) its result is that generator's image.
    window.actions.photo_view.trigger()   # opening showed the photo; paint on the model image
    paint_and_wait(qtbot, window, [(1, 2), (15, 2)])
    z = c.doc.state.z_current
    assert np.array_equal(c.doc.image[:4], generate(tuned.generator, z)[:4])
    assert not np.array_equal(c.doc.image[:4], generate(c.model.generator(), z)[:4])


def test_esc_stops_the_tuning(make_window, qtbot, photo):
    window = make_window(photo_settings=PhotoSettings(projection_steps=5, tune_steps=100_000))
    wait_loaded(qtbot, window)
    c = window.controller
    with qtbot.waitSignal(c.status, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda m: m.startswith("Tuning the generator")):
        window.files.open_path(photo)
    with qtbot.waitSignal(c.photos.tuning.finished, timeout=EDIT_TIMEOUT) as ended:
        qtbot.keyClick(window, Qt.Key_Escape)
    assert ended.args == ["cancelled"]
    assert c.doc.photo.tuned is None and c.doc_model() is c.model


def test_a_saved_project_and_a_recovery_bring_the_tuned_generator_back(make_window, qtbot, photo,
                                                                        tmp_path):
    window = make_window(photo_settings=PhotoSettings(**vars(TUNING)))
    wait_loaded(qtbot, window)
    open_and_tune(qtbot, window, photo)
    saved_state = window.controller.doc.state
    saved = weights(saved_state.photo.tuned.generator)
    assert window.files.save_to(tmp_path / "tuned-edit")
    folder = tmp_path / "tuned-edit.manifold"
    assert len(list(folder.glob("tuned-*.safetensors"))) == 1

    other = make_window(project=folder, settings_file="other.ini",
                        photo_settings=PhotoSettings(**vars(TUNING)))
    with qtbot.waitSignal(other.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    state = other.controller.doc.state
    assert state.photo.tuned is not None and same_weights(weights(state.photo.tuned.generator), saved)
    assert np.array_equal(state.image, saved_state.image)
    assert other.controller.doc_model().generator() is state.photo.tuned.generator

    # Crash recovery: the autosave holds the same file, and recovering restores it.
    recovery = tmp_path / "recovery-crash"
    crashed = make_window(project=folder, settings_file="crashed.ini", recovery_dir=recovery,
                          photo_settings=PhotoSettings(**vars(TUNING)))
    with qtbot.waitSignal(crashed.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    autosave = crashed.autosaver.save_now()
    assert autosave is not None and len(list(autosave.glob("tuned-*.safetensors"))) == 1
    c = crashed.controller
    with qtbot.waitSignal(c.projectOpened, timeout=LOAD_TIMEOUT):
        c.open_project(autosave, recovered=True)
    assert same_weights(weights(c.doc.photo.tuned.generator), saved)


def test_a_damaged_tuned_file_refuses_the_project(make_window, qtbot, photo, tmp_path):
    window = make_window(photo_settings=PhotoSettings(**vars(TUNING)))
    wait_loaded(qtbot, window)
    open_and_tune(qtbot, window, photo)
    assert window.files.save_to(tmp_path / "tuned-edit")
    tuned_file = next((tmp_path / "tuned-edit.manifold").glob("tuned-*.safetensors"))
    tuned_file.write_bytes(tuned_file.read_bytes()[:100])
    c = window.controller
    doc = c.doc
    with qtbot.waitSignal(c.error, timeout=LOAD_TIMEOUT) as error:
        c.open_project(tmp_path / "tuned-edit.manifold")
    assert tuned_file.name in error.args[0] and "damaged" in error.args[0]
    assert c.doc is doc


def test_another_model_drops_the_tuned_generator(make_window, qtbot, photo, edit_model,
                                                 untrained_gan):
    window = make_window(model_dirs=[edit_model.parent, untrained_gan.parent],
                         photo_settings=PhotoSettings(**vars(TUNING)))
    wait_loaded(qtbot, window)
    c = window.controller
    open_and_tune(qtbot, window, photo)
    old = c.doc.photo.tuned
    menu = QMenu()
    window.models.fill(menu)
    other = next(a for a in menu.actions() if a.isCheckable() and not a.isChecked())
    dropped = []
    c.modelChanged.connect(lambda: dropped.append(c.doc.photo.tuned))
    with qtbot.waitSignal(c.photos.tuning.finished, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome == "applied"):
        other.trigger()
    assert dropped == [None]   # the new model's document starts without it ...
    tuned = c.doc.photo.tuned  # ... and the photo is tuned again, from the new model
    assert tuned is not old and tuned.base_model == untrained_gan.name
    assert c.model.folder == untrained_gan
