"""Issue 18 leftovers: Ctrl+Z works right after crash recovery, and a finished job's result is
shown once in the status bar (the permanent label), not also as a passing message."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from editor.qt.dialogs.prompts import DISCARD, RECOVER, ScriptedPrompter
from ui_helpers import LOAD_TIMEOUT, open_photo, paint_and_wait, write_photo

RECOVER_TITLE = "Recover unsaved work?"


def test_ctrl_z_right_after_crash_recovery_goes_back_one_step(window, make_window, qtbot):
    c = window.controller
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    stroke_z, strokes = c.doc.state.z_current.copy(), c.doc.strokes
    qtbot.keyClick(window, Qt.Key_F)
    assert c.doc.state.fixed and window.autosaver.save_now() is not None
    prompter = ScriptedPrompter({RECOVER_TITLE: RECOVER, "Unsaved changes": DISCARD})
    second = make_window(prompter=prompter, settings_file="second.ini")
    with qtbot.waitSignal(second.controller.projectOpened, timeout=LOAD_TIMEOUT):
        pass
    s = second.controller
    assert second.actions.undo.isEnabled() and s.undo_stack.index() == 2
    assert s.doc.state.fixed
    with qtbot.waitSignal(s.documentChanged, timeout=LOAD_TIMEOUT):
        qtbot.keyClick(second, Qt.Key_Z, Qt.ControlModifier)
    assert s.undo_stack.index() == 1 and not s.doc.state.fixed   # back one step: before Fix
    assert s.doc.strokes == strokes and np.array_equal(s.doc.state.z_current, stroke_z)


def _status_texts(window) -> list[str]:
    """Everything the status bar shows: its passing message and its visible labels."""
    bar = window.status
    labels = [label.text() for label in bar.findChildren(QLabel) if label.isVisible()]
    return [bar.currentMessage(), *labels]


def _shown_once(window, words: str) -> None:
    texts = _status_texts(window)
    assert sum(words in text for text in texts) == 1, texts


def test_a_result_is_shown_once_in_the_status_bar(window, qtbot, tmp_path):
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    _shown_once(window, "Edit done")
    window.status.clearMessage()   # what the 10 s timeout does: the label keeps the result
    _shown_once(window, "Edit done")
    assert "Edit done" in window.status.last_result.text()
    window.status.showMessage("Saved somewhere")   # a newer message: the result stays on the right
    assert "Edit done" in window.status.last_result.text()
    path = tmp_path / "photo.png"
    write_photo(path)
    open_photo(qtbot, window, path)
    _shown_once(window, "Projection done")
    window.status.clearMessage()
    _shown_once(window, "Projection done")
