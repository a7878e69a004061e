"""The drawing pad: shows the image scaled up, the strokes over it, and feeds the active tool.

Mouse positions are mapped to continuous image coordinates of the shown image (pixel i
covers [i, i+1)). The tools work in model coordinates: the shown image is the model image
itself, or a photo whose centre square (`model_rect`) the model image covers. An inpainting
mask is drawn over the whole shown image. The canvas only reports what the tools produce;
the controller decides what it means.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QLineEdit,
                               QPlainTextEdit, QTextEdit, QWidget)

from ..model.mask import MASK, MaskStroke, MaskTool
from ..model.toolbox import ToolBox
from ..model.tools import COLOR, ERASER, SKETCH, WARP, BrushTool, EraserTool, Stroke
from .images import outline, overlay, to_qimage

MIN_ZOOM, MAX_ZOOM = 0.25, 64.0
FIT_MARGIN = 0.96
BACKGROUND = QColor(48, 48, 48)
SKETCH_COLOR = QColor(20, 20, 20)
MASK_COLOR = QColor(255, 40, 120, 130)
FREE_COLOR = QColor(0, 230, 255, 200)  # the outline of what an edit of a fixed image may change
SQUARE_COLOR = QColor(255, 255, 255)   # the outline of the square strokes land in (photos)
SQUARE_SHADE = QColor(0, 0, 0)         # under its dashes, so it shows on light photos too
TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)


class Canvas(QWidget):
    cursorMoved = Signal(object)    # (x, y) image coordinates, or None when outside
    zoomChanged = Signal(float)     # 1.0 = one image pixel per screen (logical) pixel
    toolFinished = Signal(object)   # a tools.AddStroke or tools.EraseStrokes
    drawing = Signal(object)        # the Stroke a drag would add so far; None when it ends
    colorPicked = Signal(float, float)  # right click at image coordinates
    sizeStep = Signal(int)          # mouse wheel in a brush tool: grow (+) / shrink (-)

    def __init__(self, toolbox: ToolBox, parent: QWidget | None = None):
        super().__init__(parent)
        self.toolbox = toolbox
        self.setObjectName("canvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMinimumSize(240, 240)
        self.setCursor(Qt.CrossCursor)
        self._image = None
        self._width = self._height = 0
        self._model_rect: tuple[float, float, float] | None = None  # None: the whole image
        self._mask: QImage | None = None
        self._free: QImage | None = None   # in model pixels
        self._strokes: tuple[Stroke, ...] = ()
        self._placeholder = ""
        self._zoom = 1.0
        self._fit = True
        self._offset = QPointF(0, 0)
        self._smooth = True   # a 64 px image enlarged reads as a picture, not as blocks
        self._show_edits = True
        self._space = False
        self._pan_from: QPointF | None = None
        self._hover: QPointF | None = None

    # ------------------------------------------------------------ state from outside

    def set_image(self, array: np.ndarray | None,
                  model_rect: tuple[float, float, float] | None = None) -> None:
        """Show `array`; `model_rect` (x, y, side) is where the model image lies on it."""
        self._image = None if array is None else to_qimage(array)
        shape = (0, 0) if array is None else (int(array.shape[1]), int(array.shape[0]))
        self._model_rect = model_rect
        if shape != (self._width, self._height):
            self._width, self._height = shape
            self._fit = True
            self._apply_fit()
        self.update()

    def set_mask(self, mask: np.ndarray | None) -> None:
        """The inpainting mask (bool, any resolution), drawn over the whole shown image."""
        self._mask = None if mask is None or not mask.any() else overlay(mask, MASK_COLOR)
        self.update()

    def set_free_region(self, region: np.ndarray | None) -> None:
        """Outline this region (bool, model pixels): Fix keeps the image outside it."""
        self._free = None if region is None else overlay(outline(region), FREE_COLOR)
        self.update()

    def set_strokes(self, strokes: tuple[Stroke, ...]) -> None:
        self._strokes = tuple(strokes)
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    @property
    def smooth(self) -> bool:
        return self._smooth

    def set_smooth(self, smooth: bool) -> None:
        self._smooth = bool(smooth)
        self.update()

    def set_show_edits(self, show: bool) -> None:
        self._show_edits = bool(show)
        self.update()

    @property
    def zoom(self) -> float:
        return self._zoom

    @property
    def image_size(self) -> int:
        """The longer side of the shown image."""
        return max(self._width, self._height)

    @property
    def shown_size(self) -> tuple[int, int]:
        return self._width, self._height

    # ------------------------------------------------------------ zoom and pan

    def zoom_fit(self) -> None:
        self._fit = True
        self._apply_fit()
        self.update()

    def zoom_actual(self) -> None:
        self._set_zoom(1.0, QPointF(self.width() / 2, self.height() / 2))

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        if anchor is None:
            anchor = QPointF(self.width() / 2, self.height() / 2)
        self._set_zoom(self._zoom * factor, QPointF(anchor))

    def _set_zoom(self, zoom: float, anchor: QPointF) -> None:
        if not self._width:
            return
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        # Keep the image point under the anchor where it is.
        fixed = (anchor - self._offset) / self._zoom
        self._zoom = zoom
        self._offset = anchor - fixed * zoom
        self._fit = False
        self.zoomChanged.emit(self._zoom)
        self.update()

    def _apply_fit(self) -> None:
        if not self._width:
            return
        zoom = min(self.width() / self._width, self.height() / self._height) * FIT_MARGIN
        self._zoom = max(MIN_ZOOM, zoom)
        self._offset = QPointF((self.width() - self._width * self._zoom) / 2,
                               (self.height() - self._height * self._zoom) / 2)
        self.zoomChanged.emit(self._zoom)

    def resizeEvent(self, event) -> None:
        if self._fit:
            self._apply_fit()
        super().resizeEvent(event)

    # ------------------------------------------------------------ coordinates

    def to_image(self, pos: QPointF) -> tuple[float, float]:
        point = (QPointF(pos) - self._offset) / self._zoom
        return point.x(), point.y()

    def to_widget(self, x: float, y: float) -> QPointF:
        return self._offset + QPointF(x, y) * self._zoom

    def _model_scale(self) -> tuple[float, float, float]:
        """(x, y, shown pixels per model pixel) of the model image on the shown image."""
        if self._model_rect is None:
            return 0.0, 0.0, 1.0
        x, y, side = self._model_rect
        return x, y, side / max(1, self.toolbox.image_size)

    def to_model(self, x: float, y: float) -> tuple[float, float]:
        """Shown-image coordinates -> the model coordinates the tools work in."""
        ox, oy, scale = self._model_scale()
        return (x - ox) / scale, (y - oy) / scale

    def _inside(self, x: float, y: float) -> bool:
        return 0 <= x < self._width and 0 <= y < self._height

    # ------------------------------------------------------------ input

    def mousePressEvent(self, event) -> None:
        pos = event.position()
        if event.button() == Qt.MiddleButton or (event.button() == Qt.LeftButton and self._space):
            self._pan_from = pos
            self.setCursor(Qt.ClosedHandCursor)
            return
        if not self._width:
            return
        x, y = self.to_image(pos)
        if event.button() == Qt.RightButton:
            if self._inside(x, y):
                self.colorPicked.emit(x, y)
            return
        if event.button() == Qt.LeftButton:
            self.toolbox.active.press(*self.to_model(x, y), self._strokes)
            self._report_drawing()
            self.update()

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        self._hover = pos
        if self._pan_from is not None:
            self._offset += pos - self._pan_from
            self._pan_from = pos
            self._fit = False
            self.update()
            return
        if not self._width:
            return
        x, y = self.to_image(pos)
        self.cursorMoved.emit((x, y) if self._inside(x, y) else None)
        # The tool's own drag state decides, not event.buttons(): a drag is press..release.
        if self.toolbox.active.active:
            self.toolbox.active.move(*self.to_model(x, y))
            self._report_drawing()
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None and event.button() in (Qt.LeftButton, Qt.MiddleButton):
            self._pan_from = None
            self.setCursor(Qt.OpenHandCursor if self._space else Qt.CrossCursor)
            return
        if event.button() != Qt.LeftButton or not self.toolbox.active.active:
            return
        x, y = self.to_image(event.position())
        result = self.toolbox.active.release(*self.to_model(x, y))
        self.update()
        if result is not None:
            self.toolFinished.emit(result)
        self.drawing.emit(None)

    def _report_drawing(self) -> None:
        pending = self.toolbox.active.in_progress()
        if isinstance(pending, Stroke):
            self.drawing.emit(pending)

    def enterEvent(self, event) -> None:
        # Take the keyboard when the mouse comes in, so Space pans here rather than pressing
        # whatever button or list had focus; but never from a field being typed in.
        focused = QApplication.focusWidget()
        if self.window().isActiveWindow() and not isinstance(focused, TEXT_INPUTS):
            self.setFocus(Qt.MouseFocusReason)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        self._hover = None
        self.cursorMoved.emit(None)
        self.update()
        super().leaveEvent(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        in_brush = isinstance(self.toolbox.active, (BrushTool, EraserTool, MaskTool))
        if event.modifiers() & Qt.ControlModifier or not in_brush:
            self.zoom_by(1.25 ** steps, event.position())
        else:
            self.sizeStep.emit(1 if steps > 0 else -1)
            self.update()
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setCursor(Qt.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._pan_from = None
            self.setCursor(Qt.CrossCursor)
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------ painting

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._image is None:
            painter.setPen(QColor(220, 220, 220))
            painter.drawText(self.rect().adjusted(24, 24, -24, -24),
                             Qt.AlignCenter | Qt.TextWordWrap, self._placeholder)
            return
        painter.setRenderHint(QPainter.SmoothPixmapTransform, self._smooth)
        painter.translate(self._offset)
        painter.scale(self._zoom, self._zoom)
        shown = QRectF(0, 0, self._width, self._height)
        painter.drawImage(shown, self._image)
        painter.setClipRect(shown)
        if self._mask is not None:
            painter.drawImage(shown, self._mask)
        if self._model_rect is not None:
            self._draw_model_square(painter)
        ox, oy, scale = self._model_scale()
        painter.translate(ox, oy)
        painter.scale(scale, scale)  # from here on: model coordinates
        if self._free is not None and self._show_edits:
            side = self.toolbox.image_size
            painter.drawImage(QRectF(0, 0, side, side), self._free)
        painter.setRenderHint(QPainter.Antialiasing, True)
        tool = self.toolbox.active
        if self._show_edits:
            faded = tool.hits if isinstance(tool, EraserTool) else frozenset()
            for index, stroke in enumerate(self._strokes):
                self._draw_stroke(painter, stroke, 70 if index in faded else 255)
        pending = tool.in_progress()
        if isinstance(pending, MaskStroke):
            self._draw_mask_stroke(painter, pending)
        elif pending is not None:
            self._draw_stroke(painter, pending, 255)
        self._draw_brush_outline(painter)

    def _draw_model_square(self, painter: QPainter) -> None:
        x, y, side = self._model_rect
        rect = QRectF(x, y, side, side)
        painter.setBrush(Qt.NoBrush)
        painter.setPen(QPen(SQUARE_SHADE, 0))  # cosmetic: one screen pixel at any zoom
        painter.drawRect(rect)
        dashes = QPen(SQUARE_COLOR, 0)
        dashes.setStyle(Qt.DashLine)
        painter.setPen(dashes)
        painter.drawRect(rect)

    def _draw_mask_stroke(self, painter: QPainter, stroke: MaskStroke) -> None:
        _draw_polyline(painter, QColor(MASK_COLOR), stroke.width, stroke.points)

    def _draw_stroke(self, painter: QPainter, stroke: Stroke, alpha: int) -> None:
        if stroke.kind == WARP:
            self._draw_warp(painter, stroke, alpha)
            return
        color = QColor(*stroke.color) if stroke.kind == COLOR else QColor(SKETCH_COLOR)
        color.setAlpha(alpha)
        _draw_polyline(painter, color, stroke.width, stroke.points)

    def _draw_warp(self, painter: QPainter, stroke: Stroke, alpha: int) -> None:
        (x0, y0), (x1, y1) = stroke.points
        half = stroke.width / 2
        pen = QPen(QColor(255, 255, 255, alpha), 0)  # cosmetic: one screen pixel wide
        pen.setStyle(Qt.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(QRectF(x0 - half, y0 - half, stroke.width, stroke.width))
        pen.setStyle(Qt.SolidLine)
        pen.setColor(QColor(255, 210, 0, alpha))
        painter.setPen(pen)
        painter.drawRect(QRectF(x1 - half, y1 - half, stroke.width, stroke.width))
        painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))

    def _draw_brush_outline(self, painter: QPainter) -> None:
        tool = self.toolbox.active
        if self._hover is None or self._pan_from is not None or self._space:
            return
        x, y = self.to_image(self._hover)
        if not self._inside(x, y):
            return
        x, y = self.to_model(x, y)
        painter.setPen(QPen(QColor(255, 255, 255, 180), 0))
        painter.setBrush(Qt.NoBrush)
        half = tool.size / 2
        if tool.name == WARP:
            painter.drawRect(QRectF(x - half, y - half, tool.size, tool.size))
        elif tool.name in (COLOR, SKETCH, ERASER, MASK):
            painter.drawEllipse(QPointF(x, y), half, half)


def _draw_polyline(painter: QPainter, color: QColor, width: float, points) -> None:
    """A round-capped line through `points` (a dot for a single point)."""
    painter.setPen(QPen(color, width, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    if len(points) == 1:
        painter.drawPoint(QPointF(*points[0]))
        return
    path = QPainterPath(QPointF(*points[0]))
    for point in points[1:]:
        path.lineTo(QPointF(*point))
    painter.drawPath(path)
