"""The undo history (QUndoView): click an entry to go back to it."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QUndoView, QVBoxLayout, QWidget


class HistoryPanel(QWidget):
    def __init__(self, stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = QUndoView(stack, self)
        self.view.setEmptyLabel("Start")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
