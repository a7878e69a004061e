"""F1 lists every action's shortcuts, read from the actions, so the list cannot drift."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget


def test_f1_lists_every_shortcut_of_every_action(window, qtbot):
    qtbot.keyClick(window, Qt.Key_F1)
    box = window.findChild(QMessageBox, "shortcuts")
    assert box is not None and box.isVisible()
    text = box.text()
    with_keys = [a for a in QWidget.actions(window) if a.shortcuts()]
    assert len(with_keys) > 20
    for action in with_keys:
        for shortcut in action.shortcuts():
            assert escape(shortcut.toString(QKeySequence.NativeText)) in text, action.text()
        assert escape(action.text().replace("&", "")) in text
    for keys in ("Ctrl+Shift+X", "Ctrl+M", "Ctrl+Y", "F1"):   # the old copy lacked these
        assert keys in text
