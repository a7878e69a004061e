"""The undo history (QUndoView): each step named, with a small thumbnail of the image it
left (and the colour of its stroke); click an entry to go back to it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QUndoStack
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QUndoView, QVBoxLayout, QWidget

from ...model.tools import COLOR
from ..images import to_pixmap

THUMBNAIL = 40
SWATCH = 12


class _ThumbnailDelegate(QStyledItemDelegate):
    """Row 0 is the state before any step ("Start"); row i the state after step i."""

    def __init__(self, stack: QUndoStack, parent: QWidget):
        super().__init__(parent)
        self.stack = stack
        self._cache: dict[int, tuple[object, QIcon]] = {}   # id(state) -> (state, icon)

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        icon = self.icon(index.row())
        if icon is not None:
            option.features |= QStyleOptionViewItem.HasDecoration
            option.icon = icon
            option.decorationSize = QSize(THUMBNAIL, THUMBNAIL)

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), THUMBNAIL + 4))

    def icon(self, row: int) -> QIcon | None:
        if self.stack.count() == 0:
            return None
        wrapper = self.stack.command(max(0, row - 1))
        command = getattr(wrapper, "command", None)
        if command is None:
            return None
        state = command.before if row == 0 else command.after
        cached = self._cache.get(id(state))
        if cached is not None and cached[0] is state:
            return cached[1]
        stroke = command.stroke if row > 0 else None
        icon = QIcon(_thumbnail(state.image, stroke.color if stroke and stroke.kind == COLOR
                                else None))
        if len(self._cache) > 4 * max(16, self.stack.count()):
            self._cache.clear()
        self._cache[id(state)] = (state, icon)
        return icon


def _thumbnail(image, color) -> QPixmap:
    pixmap = to_pixmap(image, THUMBNAIL)
    if color is not None:  # the stroke's colour in the corner
        painter = QPainter(pixmap)
        painter.setPen(QColor(20, 20, 20))
        painter.setBrush(QColor(*color))
        painter.drawRect(QRect(pixmap.width() - SWATCH - 1, pixmap.height() - SWATCH - 1,
                               SWATCH, SWATCH))
        painter.end()
    return pixmap


class HistoryPanel(QWidget):
    def __init__(self, stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = QUndoView(stack, self)
        self.view.setObjectName("history")
        self.view.setEmptyLabel("Start")
        self.view.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.delegate = _ThumbnailDelegate(stack, self.view)
        self.view.setItemDelegate(self.delegate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
