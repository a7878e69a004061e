"""The K best results of the last edit as a grid of thumbnails; clicking one makes it current.

The thumbnails grow or shrink with the dock so that at least `MIN_SHOWN` fit without
scrolling (as large as that allows, between MIN_ICON and MAX_ICON pixels)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..images import to_pixmap

MIN_SHOWN = 8
MIN_ICON, MAX_ICON = 48, 160
THUMBNAIL = MAX_ICON        # pixmap side; the view scales it down to the icon size
SPACING = 4
LABEL_HEIGHT = 18           # the rank under each thumbnail


def icon_side(width: int, height: int, wanted: int = MIN_SHOWN) -> int:
    """The largest icon side at which `wanted` cells fit in width x height."""
    best = MIN_ICON
    for columns in range(1, wanted + 1):
        rows = -(-wanted // columns)
        side = min((width - SPACING) // columns - 2 * SPACING,
                   (height - SPACING) // rows - 2 * SPACING - LABEL_HEIGHT)
        best = max(best, side)
    return int(min(MAX_ICON, best))


class CandidatesPanel(QWidget):
    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("candidates")
        self.list.setViewMode(QListView.IconMode)
        self.list.setResizeMode(QListView.Adjust)
        self.list.setMovement(QListView.Static)
        self.list.setWrapping(True)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(SPACING)
        self.list.setSelectionMode(QListWidget.SingleSelection)
        self.list.itemClicked.connect(lambda item: self.chosen.emit(item.data(Qt.UserRole)))
        self.hint = QLabel("Paint on the image: the best matches appear here.", self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        self._shown: tuple = ()
        self.list.installEventFilter(self)
        self._fit_icons()

    def show_candidates(self, candidates, chosen: int | None) -> None:
        if candidates is not self._shown:  # rebuild only when the candidates themselves change
            self._shown = candidates
            self.list.clear()
            for index, candidate in enumerate(candidates):
                item = QListWidgetItem(QIcon(to_pixmap(candidate.image, THUMBNAIL)), str(index + 1))
                item.setData(Qt.UserRole, index)
                item.setToolTip(tooltip(index, len(candidates), candidate.cost))
                self.list.addItem(item)
        self.hint.setVisible(not candidates)
        self.list.blockSignals(True)
        self.list.clearSelection()
        if chosen is not None and chosen < self.list.count():
            self.list.setCurrentRow(chosen)
        self.list.blockSignals(False)

    def eventFilter(self, watched, event) -> bool:
        # The list's own resize, after the layout gave it its new size (the panel's
        # resizeEvent comes before that).
        if watched is self.list and event.type() == QEvent.Resize:
            self._fit_icons()
        return super().eventFilter(watched, event)

    def _fit_icons(self) -> None:
        frame = 2 * self.list.frameWidth()
        scrollbar = self.list.verticalScrollBar().sizeHint().width()
        side = icon_side(self.list.width() - frame - scrollbar, self.list.height() - frame)
        self.list.setIconSize(QSize(side, side))
        self.list.setGridSize(QSize(side + 2 * SPACING, side + 2 * SPACING + LABEL_HEIGHT))


def tooltip(index: int, count: int, cost: float | None) -> str:
    cost_text = "" if cost is None else f", cost {cost:.4g} (lower matches the strokes better)"
    return f"Candidate {index + 1} of {count}: rank {index + 1}{cost_text}. Click to use it."
