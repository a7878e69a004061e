"""A window showing a result image (super-resolved, translated) with its size, zoom (Fit,
100 %, the mouse wheel over the image) and a Save button. Non-modal: the editor stays
usable while it is open."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from ..images import to_pixmap

MAX_SHOWN = 900          # the window opens fitting the image into this many pixels
ZOOM_STEP = 1.25         # one wheel notch
ZOOM_RANGE = (1 / 16, 16.0)


class ImageViewer(QDialog):
    saveRequested = Signal(object, str)   # the image, a suggested file name
    zoomChanged = Signal(float)

    def __init__(self, title: str, image: np.ndarray, suggested_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.image = image
        self.suggested_name = suggested_name
        self._pixmap = to_pixmap(image)
        self.zoom = 1.0
        self.label = QLabel(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.label)
        self.scroll.setAlignment(Qt.AlignCenter)
        self.scroll.viewport().installEventFilter(self)
        height, width = image.shape[:2]
        self.info = QLabel(self)
        self.fit_button = QPushButton("Fit", self)
        self.actual_button = QPushButton("100 %", self)
        self.fit_button.clicked.connect(self.fit)
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Close, self)
        buttons.accepted.connect(lambda: self.saveRequested.emit(self.image, self.suggested_name))
        buttons.rejected.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.info, 1)
        row.addWidget(self.fit_button)
        row.addWidget(self.actual_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        side = max(width, height)
        # Big results open fitted into MAX_SHOWN; tiny ones enlarged to at least 256 px.
        self.set_zoom(MAX_SHOWN / side if side > MAX_SHOWN else max(1, 256 // side))
        self.resize(min(self.label.width() + 60, 980), min(self.label.height() + 140, 980))

    def set_zoom(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        self.zoom = float(min(max(factor, low), high))
        height, width = self.image.shape[:2]
        size = (max(1, round(width * self.zoom)), max(1, round(height * self.zoom)))
        # Enlarged pixels stay sharp; reductions are smoothed.
        mode = Qt.FastTransformation if self.zoom >= 1 else Qt.SmoothTransformation
        self.label.setPixmap(self._pixmap.scaled(*size, Qt.IgnoreAspectRatio, mode))
        self.label.resize(*size)
        self.info.setText(f"{width} x {height} pixels - {self.zoom * 100:.0f} %")
        self.zoomChanged.emit(self.zoom)

    def fit(self) -> None:
        """The whole image inside the visible area."""
        height, width = self.image.shape[:2]
        area = self.scroll.viewport().size()
        self.set_zoom(min(area.width() / width, area.height() / height))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Wheel:
            notches = event.angleDelta().y() / 120
            if notches:
                self.set_zoom(self.zoom * ZOOM_STEP ** notches)
            return True
        return super().eventFilter(watched, event)
