"""The editor's own undo stack (QUndoStack + editor.qt.undo.UndoCommand) for tests of the
Qt-free commands: pushing runs a command, an edit result merges into its stroke, and undo
restores the exact states, exactly as in the editor."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from editor.model.document import Document
from editor.model.history import UNDO_LIMIT, Command
from editor.qt.undo import UndoCommand


class Stack:
    def __init__(self, doc: Document, limit: int = UNDO_LIMIT) -> None:
        self.doc = doc
        self.qt = QUndoStack()
        self.qt.setUndoLimit(limit)

    def push(self, command: Command) -> None:
        self.qt.push(UndoCommand(self.doc, command))

    def undo(self) -> None:
        self.qt.undo()

    def redo(self) -> None:
        self.qt.redo()

    def can_undo(self) -> bool:
        return self.qt.canUndo()

    @property
    def commands(self) -> list[Command]:
        """The applied commands, oldest first."""
        return [self.qt.command(i).command for i in range(self.qt.index())]

    def texts(self) -> list[str]:
        return [self.qt.text(i) for i in range(self.qt.index())]


def apply(doc: Document, *commands: Command) -> None:
    """Run commands on the document without an undo stack (a test's setup)."""
    for command in commands:
        command.redo(doc)
