"""QUndoStack adapter for the Qt-free commands of editor.model.history."""

from __future__ import annotations

import shiboken6
from PySide6.QtGui import QUndoCommand

from ..model.document import Document
from ..model.history import Command

MERGE_ID = 1  # every command may merge; Command.merge decides (an edit result into its stroke)


class UndoCommand(QUndoCommand):
    def __init__(self, doc: Document, command: Command):
        super().__init__(command.text)
        self.doc = doc
        self.command = command

    def redo(self) -> None:
        self.command.redo(self.doc)

    def undo(self) -> None:
        self.command.undo(self.doc)

    def id(self) -> int:
        return MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if isinstance(other, UndoCommand) and other.doc is self.doc \
                and self.command.merge(other.command):
            self.setText(self.command.text)  # the merged result names its candidate
            return True
        return False


def release_deleted(commands: list[UndoCommand]) -> list[UndoCommand]:
    """The commands QUndoStack still holds; the others lose their document states.

    PySide 6 keeps the Python side of a command alive after QUndoStack deleted the C++ side
    (dropped by the undo limit, or by clear()), so without this the states and their images
    would stay in memory for the whole session."""
    live = []
    for command in commands:
        if shiboken6.isValid(command):
            live.append(command)
        else:
            command.command = command.doc = None
    return live
