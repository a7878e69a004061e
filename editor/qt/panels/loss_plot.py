"""A small line plot of training losses over iterations, painted with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from ...model.training import LossHistory

COLORS = ["#e74c3c", "#3498db", "#2ecc71", "#f39c12", "#9b59b6", "#1abc9c", "#e67e22"]
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 8, 8, 20


class LossPlot(QWidget):
    def __init__(self, history: LossHistory, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self.history = history
        self.setMinimumSize(240, 140)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(30, 30, 30))
        area = QRectF(MARGIN_LEFT, MARGIN_TOP, self.width() - MARGIN_LEFT - MARGIN_RIGHT,
                      self.height() - MARGIN_TOP - MARGIN_BOTTOM)
        painter.setPen(QColor(90, 90, 90))
        painter.drawRect(area)
        series = {name: points for name, points in self.history.series.items() if points}
        if not series or area.width() < 10 or area.height() < 10:
            painter.setPen(QColor(160, 160, 160))
            painter.drawText(area, Qt.AlignCenter, "Losses appear here while training runs")
            return
        xs = [i for points in series.values() for i, _ in points]
        ys = [v for points in series.values() for _, v in points]
        x0, x1 = min(xs), max(max(xs), min(xs) + 1)
        y0, y1 = min(ys), max(ys)
        if y1 - y0 < 1e-9:
            y0, y1 = y0 - 0.5, y1 + 0.5

        def to_point(i: float, v: float) -> QPointF:
            return QPointF(area.left() + (i - x0) / (x1 - x0) * area.width(),
                           area.bottom() - (v - y0) / (y1 - y0) * area.height())

        painter.setPen(QColor(160, 160, 160))
        painter.drawText(QRectF(0, area.top() - 6, MARGIN_LEFT - 4, 14),
                         Qt.AlignRight | Qt.AlignVCenter, f"{y1:.3g}")
        painter.drawText(QRectF(0, area.bottom() - 8, MARGIN_LEFT - 4, 14),
                         Qt.AlignRight | Qt.AlignVCenter, f"{y0:.3g}")
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 16),
                         Qt.AlignRight | Qt.AlignTop, f"iteration {x1}")
        painter.setRenderHint(QPainter.Antialiasing, True)
        legend_x = area.left() + 6
        for index, (name, points) in enumerate(sorted(series.items())):
            color = QColor(COLORS[index % len(COLORS)])
            painter.setPen(QPen(color, 1.5))
            path = QPainterPath(to_point(*points[0]))
            for i, v in points[1:]:
                path.lineTo(to_point(i, v))
            painter.drawPath(path)
            painter.drawText(QPointF(legend_x, area.top() + 14), name)
            legend_x += painter.fontMetrics().horizontalAdvance(name) + 12
