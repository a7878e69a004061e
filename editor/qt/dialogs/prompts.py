"""Questions to the user, behind one small interface so tests can answer them.

`Prompter.ask` shows a modal QMessageBox and returns the label of the button pressed.
Tests pass a `ScriptedPrompter` (or any object with the same methods) to the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

SAVE, DISCARD, CANCEL, RECOVER, YES, NO = "Save", "Discard", "Cancel", "Recover", "Yes", "No"
THUMBNAIL = 128
_ROLES = {SAVE: QMessageBox.AcceptRole, RECOVER: QMessageBox.AcceptRole, YES: QMessageBox.YesRole,
          DISCARD: QMessageBox.DestructiveRole, NO: QMessageBox.NoRole, CANCEL: QMessageBox.RejectRole}


class Prompter:
    def ask(self, parent: QWidget | None, title: str, text: str, choices: list[str],
            default: str, image=None) -> str:
        """`image`: uint8 HxWx3 pixels shown beside the question (e.g. what would be recovered)."""
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
        box.setObjectName("prompt")
        if image is not None:
            from ..images import to_pixmap
            box.setIconPixmap(to_pixmap(image, THUMBNAIL))
        buttons = {}
        for choice in choices:
            buttons[box.addButton(choice, _ROLES.get(choice, QMessageBox.ActionRole))] = choice
        for button, choice in buttons.items():
            if choice == default:
                box.setDefaultButton(button)
            if choice == CANCEL:
                box.setEscapeButton(button)
        box.exec()
        return buttons.get(box.clickedButton(), CANCEL if CANCEL in choices else default)

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        """A problem to show without blocking: a window-modal box that closes itself."""
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
        box.setObjectName("problem")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()


class ScriptedPrompter:
    """Answers from a dict {title: answer} (default: the question's default); records
    every question asked."""

    def __init__(self, answers: dict[str, str] | None = None):
        self.answers = dict(answers or {})
        self.asked: list[tuple[str, str]] = []
        self.images: list = []   # the image shown with each question (or None)
        self.informed: list[str] = []

    def ask(self, parent, title, text, choices, default, image=None) -> str:
        self.asked.append((title, text))
        self.images.append(image)
        return self.answers.get(title, default)

    def inform(self, parent, title, text) -> None:
        self.informed.append(text)
