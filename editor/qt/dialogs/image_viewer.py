"""A window showing a result image (super-resolved, translated) with its size and a Save
button. Non-modal: the editor stays usable while it is open."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout,
                               QWidget)

from ..images import to_pixmap

MAX_SHOWN = 900


class ImageViewer(QDialog):
    saveRequested = Signal(object, str)   # the image, a suggested file name

    def __init__(self, title: str, image: np.ndarray, suggested_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.image = image
        self.suggested_name = suggested_name
        height, width = image.shape[:2]
        label = QLabel(self)
        pixmap = to_pixmap(image)
        if max(width, height) > MAX_SHOWN:
            pixmap = pixmap.scaled(MAX_SHOWN, MAX_SHOWN, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        elif max(width, height) < 256:  # tiny results: enlarge the view (pixels stay sharp)
            factor = 256 // max(width, height)
            pixmap = pixmap.scaled(width * factor, height * factor, Qt.KeepAspectRatio,
                                   Qt.FastTransformation)
        label.setPixmap(pixmap)
        scroll = QScrollArea(self)
        scroll.setWidget(label)
        scroll.setAlignment(Qt.AlignCenter)
        self.info = QLabel(f"{width} x {height} pixels", self)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Close, self)
        buttons.accepted.connect(lambda: self.saveRequested.emit(self.image, self.suggested_name))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.info)
        layout.addWidget(buttons)
        self.resize(min(pixmap.width() + 60, 980), min(pixmap.height() + 120, 980))
