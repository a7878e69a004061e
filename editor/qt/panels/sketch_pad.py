"""A blank drawing surface: a black pen on white, an eraser, clear. It reports each finished
stroke, so a translation model can turn the drawing into a picture."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..images import from_qimage

SKETCH_SIDE = 256        # drawing resolution (pixels)
MIN_SCREEN_SIDE = 256    # on screen at least one screen pixel per sketch pixel
PEN, ERASER = "pen", "eraser"


class SketchPad(QWidget):
    strokeFinished = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sketchPad")
        self.setMinimumSize(MIN_SCREEN_SIDE, MIN_SCREEN_SIDE)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setCursor(Qt.CrossCursor)
        self.image = QImage(SKETCH_SIDE, SKETCH_SIDE, QImage.Format_RGB888)
        self.image.fill(Qt.white)
        self.mode = PEN
        self.pen_width = 4.0
        self._last: QPointF | None = None
        self._drawn = False

    # geometry: the square drawing, centred and scaled to fit
    def _square(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_sketch(self, pos: QPointF) -> QPointF:
        square = self._square()
        return (QPointF(pos) - square.topLeft()) * (SKETCH_SIDE / square.width())

    def to_widget(self, x: float, y: float) -> QPointF:
        square = self._square()
        return square.topLeft() + QPointF(x, y) * (square.width() / SKETCH_SIDE)

    # state
    def set_mode(self, mode: str) -> None:
        self.mode = mode

    def clear(self) -> None:
        self.image.fill(Qt.white)
        self.update()
        self.cleared.emit()

    def is_blank(self) -> bool:
        return not self._drawn or bool((self.drawing() == 255).all())

    def drawing(self) -> np.ndarray:
        """The drawing as uint8 HxWx3 RGB."""
        return from_qimage(self.image)

    # input
    def _paint_to(self, point: QPointF) -> None:
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.Antialiasing, self.mode == PEN)
        color = QColor(0, 0, 0) if self.mode == PEN else QColor(255, 255, 255)
        width = self.pen_width if self.mode == PEN else self.pen_width * 4
        painter.setPen(QPen(color, width, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
        if self._last is None or self._last == point:
            painter.drawPoint(point)
        else:
            painter.drawLine(self._last, point)
        painter.end()
        self._last = point
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._last = None
            self._paint_to(self.to_sketch(event.position()))
            self._drawn = True

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            self._paint_to(self.to_sketch(event.position()))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self._last is not None:
            self._paint_to(self.to_sketch(event.position()))
            self._last = None
            self.strokeFinished.emit()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(48, 48, 48))
        painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
        painter.drawImage(self._square(), self.image)
