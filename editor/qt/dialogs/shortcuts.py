"""The tools and shortcuts at a glance (F1): every action's shortcuts, read from the actions
themselves (editor/qt/actions.py), then what the mouse does."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

MOUSE = [  # not actions: gestures on the pad
    ("mouse wheel", "smaller / bigger brush (in the brush tools)"),
    ("right click", "pick the brush colour from the image"),
    ("Space + drag, middle drag", "pan"),
    ("Ctrl + wheel", "zoom"),
    ("drop a file", "open a project or a photo"),
]


def shortcut_rows(widget: QWidget) -> list[tuple[str, str]]:
    """(keys, what) for every action on `widget` that has a shortcut, in creation order."""
    rows = []
    for action in QWidget.actions(widget):   # a window may name an attribute `actions`
        keys = [s.toString(QKeySequence.NativeText) for s in action.shortcuts()]
        if keys:
            rows.append((" / ".join(keys), action.text().replace("&", "")))
    return rows


def show_shortcuts(parent: QWidget) -> QMessageBox:
    rows = "".join(f"<tr><td><b>{escape(keys)}</b></td><td>&nbsp;{escape(what)}</td></tr>"
                   for keys, what in shortcut_rows(parent) + MOUSE)
    box = QMessageBox(QMessageBox.Information, "Tools and shortcuts",
                      f"<table>{rows}</table>", QMessageBox.Ok, parent)
    box.setObjectName("shortcuts")
    box.open()
    return box
