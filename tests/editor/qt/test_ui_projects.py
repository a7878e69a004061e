"""Projects, export, autosave and crash recovery, unsaved changes, a missing model, settings."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from editor.qt.dialogs.prompts import CANCEL, DISCARD, RECOVER, Prompter, ScriptedPrompter
from engine.checkpoints import DEFAULT_MODEL
from engine.imaging import load_rgb
from engine.ops.generate import average_latent
from ui_helpers import LOAD_TIMEOUT, paint_and_wait, shown_pixel, wait_loaded

RECOVER_TITLE = "Recover unsaved work?"


def test_a_saved_project_reopens_with_identical_pixels(window, make_window, qtbot, tmp_path):
    c = window.controller
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    c.choose_candidate(1)
    assert window.files.save_to(tmp_path / "scene")
    assert not c.dirty and c.project_path.name == "scene.manifold"
    assert window.settings.recent_projects[0] == str(c.project_path)
    assert window.windowTitle().startswith("scene.manifold - ")
    saved = c.doc.state

    other = make_window(project=tmp_path / "scene.manifold", settings_file="other.ini")
    with qtbot.waitSignal(other.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    state = other.controller.doc.state
    assert np.array_equal(state.image, saved.image)
    assert np.array_equal(state.previous_image, saved.previous_image)
    assert state.strokes == saved.strokes and state.chosen == 1
    assert all(np.array_equal(a.image, b.image) for a, b in zip(state.candidates, saved.candidates))
    assert shown_pixel(other.canvas, 7, 7) == tuple(int(v) for v in saved.image[7, 7])
    assert "Opened" in other.statusBar().currentMessage()
    assert not other.controller.dirty


def test_a_broken_project_is_reported_and_changes_nothing(window, qtbot, tmp_path):
    c = window.controller
    assert window.files.save_to(tmp_path / "scene")
    manifest = tmp_path / "scene.manifold" / "project.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = 99
    manifest.write_text(json.dumps(data))
    doc, stack_count = c.doc, c.undo_stack.count()
    with qtbot.waitSignal(c.error, timeout=LOAD_TIMEOUT) as error:
        window.files.open_path(tmp_path / "scene.manifold")
    assert "newer version" in error.args[0]
    assert any("newer version" in text for text in window.prompter.informed)
    assert c.doc is doc and c.undo_stack.count() == stack_count


def test_a_broken_project_on_the_command_line_falls_back_to_the_models_average_image(
        make_window, qtbot, tmp_path):
    broken = tmp_path / "broken.manifold"
    broken.mkdir()
    (broken / "project.json").write_text("{ not json")
    w = make_window(project=broken)
    wait_loaded(qtbot, w)
    c = w.controller
    assert c.project_path is None and any("broken.manifold" in text for text in w.prompter.informed)
    assert np.array_equal(c.doc.state.z_current, average_latent(c.model))


def test_export_writes_the_image_and_never_overwrites(window, qtbot, tmp_path):
    c = window.controller
    path = c.export_image(tmp_path / "out.png")
    assert np.array_equal(load_rgb(path), c.doc.image)
    try:
        c.export_image(path)
    except Exception as exc:  # a UserError with a message
        assert "already exists" in str(exc)
    else:
        raise AssertionError("export overwrote a file without asking")


def test_autosave_and_crash_lead_to_a_recovery_offer_that_restores_the_work(
        window, make_window, qtbot, tmp_path):
    c = window.controller
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    assert window.autosaver.save_now() is not None
    # The first window never exits cleanly: a second one starts on the same recovery folder.
    prompter = ScriptedPrompter({RECOVER_TITLE: RECOVER, "Unsaved changes": DISCARD})
    second = make_window(prompter=prompter, settings_file="second.ini")
    with qtbot.waitSignal(second.controller.projectOpened, timeout=LOAD_TIMEOUT) as opened:
        pass
    assert opened.args == [None]
    assert [title for title, _ in prompter.asked] == [RECOVER_TITLE]
    state = second.controller.doc.state
    assert np.array_equal(state.image, c.doc.image) and state.strokes == c.doc.strokes
    assert second.controller.dirty and second.controller.project_path is None


def test_the_real_recovery_dialog_can_be_answered(window, make_window, qtbot):
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    window.autosaver.save_now()
    clicked = []

    def answer():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.windowTitle() == RECOVER_TITLE:
            button = next(b for b in box.buttons() if b.text() == RECOVER)
            clicked.append(box.text())
            button.click()

    poll = QTimer()
    poll.timeout.connect(answer)
    poll.start(20)
    second = make_window(prompter=Prompter(), settings_file="second.ini")
    with qtbot.waitSignal(second.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    poll.stop()
    assert clicked and "did not exit cleanly" in clicked[0]
    assert np.array_equal(second.controller.doc.image, window.controller.doc.image)
    second.prompter = second.files.prompter = ScriptedPrompter({"Unsaved changes": DISCARD})


def test_a_clean_exit_leaves_nothing_to_recover(make_window, qtbot):
    first = make_window()
    wait_loaded(qtbot, first)
    paint_and_wait(qtbot, first, [(2, 3), (14, 3)])
    first.autosaver.save_now()
    assert first.close()
    prompter = ScriptedPrompter({"Unsaved changes": DISCARD})
    second = make_window(prompter=prompter, settings_file="second.ini")
    wait_loaded(qtbot, second)
    assert prompter.asked == []


def test_closing_with_unsaved_changes_asks_first(window, qtbot):
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    window.prompter.answers["Unsaved changes"] = CANCEL
    assert not window.close()
    assert window.isVisible()
    window.prompter.answers["Unsaved changes"] = DISCARD
    assert window.close()
    assert [title for title, _ in window.prompter.asked] == ["Unsaved changes"] * 2


def test_a_missing_default_model_shows_a_message_and_a_chooser(make_window, qtbot, edit_model):
    w = make_window(model=DEFAULT_MODEL)  # the tests' model path does not hold it
    with qtbot.waitSignal(w.controller.modelFailed, timeout=LOAD_TIMEOUT) as failed:
        pass
    assert f"no model named '{DEFAULT_MODEL}'" in failed.args[0]
    assert "No model is loaded" in w.canvas._placeholder
    chooser = w.models.chooser
    assert chooser is not None and chooser.isVisible()
    names = [chooser.list.item(i).text() for i in range(chooser.list.count())]
    assert any(edit_model.name in name for name in names)
    chooser.list.setCurrentRow(next(i for i, n in enumerate(names) if edit_model.name in n))
    chooser.accept()
    wait_loaded(qtbot, w)
    assert w.controller.model.folder.name == edit_model.name


def test_preferences_are_remembered(make_window, qtbot, edit_model):
    first = make_window()
    wait_loaded(qtbot, first)
    first.brush.colorChosen.emit((12, 34, 56))
    first.select_tool("sketch")
    assert first.close()
    second = make_window(model=None)  # the last model used
    wait_loaded(qtbot, second)
    assert second.controller.model.folder.name == edit_model.name
    assert second.controller.toolbox.color == (12, 34, 56)
    assert second.controller.toolbox.active_name == "sketch"
    assert second.brush.tool_label.text() == "Sketch brush"


def test_the_autosave_timer_saves_only_changed_work(window, qtbot):
    autosaver = window.autosaver
    assert autosaver.timer.isActive() and autosaver.timer.interval() == 3 * 60 * 1000
    autosaver.timer.timeout.emit()
    assert not autosaver.autosave_path.exists()  # nothing changed yet
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    with qtbot.waitSignal(autosaver.saved, timeout=LOAD_TIMEOUT):
        autosaver.timer.timeout.emit()
    assert (autosaver.autosave_path / "project.json").is_file()
    saved = []
    autosaver.saved.connect(saved.append)
    autosaver.timer.timeout.emit()
    assert saved == []  # unchanged since the last autosave
    assert autosaver.recovery_available() is not None
