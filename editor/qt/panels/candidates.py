"""The K best results of the last edit as thumbnails; clicking one makes it current."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..images import to_pixmap

THUMBNAIL = 88


class CandidatesPanel(QWidget):
    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("candidates")
        self.list.setViewMode(QListView.IconMode)
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setResizeMode(QListView.Adjust)
        self.list.setMovement(QListView.Static)
        self.list.setSpacing(4)
        self.list.setSelectionMode(QListWidget.SingleSelection)
        self.list.itemClicked.connect(lambda item: self.chosen.emit(item.data(Qt.UserRole)))
        self.hint = QLabel("Paint on the image: the best matches appear here.", self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        self._shown: tuple = ()

    def show_candidates(self, candidates, chosen: int | None) -> None:
        if candidates is not self._shown:  # rebuild only when the candidates themselves change
            self._shown = candidates
            self.list.clear()
            for index, candidate in enumerate(candidates):
                item = QListWidgetItem(QIcon(to_pixmap(candidate.image, THUMBNAIL)), str(index + 1))
                item.setData(Qt.UserRole, index)
                item.setToolTip(f"Candidate {index + 1}: click to make it the current image")
                self.list.addItem(item)
        self.hint.setVisible(not candidates)
        self.list.blockSignals(True)
        self.list.clearSelection()
        if chosen is not None and chosen < self.list.count():
            self.list.setCurrentRow(chosen)
        self.list.blockSignals(False)

    def click(self, index: int) -> None:
        """Choose a candidate as a user click would (used by keyboard shortcuts)."""
        if 0 <= index < self.list.count():
            self.chosen.emit(index)
