"""Conversions between the engine's uint8 HxWx3 RGB arrays and Qt images."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap


def to_qimage(array: np.ndarray) -> QImage:
    """A QImage that owns a copy of the pixels (the array may be freed afterwards)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, 3 * width, QImage.Format_RGB888)
    return image.copy()


def to_pixmap(array: np.ndarray, side: int | None = None) -> QPixmap:
    """A pixmap, scaled up with nearest-neighbour pixels to `side` when given (thumbnails)."""
    pixmap = QPixmap.fromImage(to_qimage(array))
    if side is not None:
        from PySide6.QtCore import Qt
        pixmap = pixmap.scaled(side, side, Qt.KeepAspectRatio, Qt.FastTransformation)
    return pixmap


def from_qimage(image: QImage) -> np.ndarray:
    """uint8 HxWx3 RGB from any QImage (for grabs in tests and scripts)."""
    image = image.convertToFormat(QImage.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine())[:, :3 * width].reshape(height, width, 3).copy()


def overlay(mask: np.ndarray, color: QColor) -> QImage:
    """An RGBA image: `color` (with its alpha) where the bool mask is set, clear elsewhere."""
    rgba = np.zeros(mask.shape + (4,), np.uint8)
    rgba[mask] = (color.red(), color.green(), color.blue(), color.alpha())
    height, width = mask.shape
    return QImage(rgba.data, width, height, 4 * width, QImage.Format_RGBA8888).copy()


def outline(region: np.ndarray) -> np.ndarray:
    """bool HxW: the region's own pixels that touch a pixel outside it (8-neighbours; the
    image's edge is not an outside)."""
    grown = np.pad(region, 1, mode="edge").astype(np.uint8)
    inner = cv2.erode(grown, np.ones((3, 3), np.uint8))[1:-1, 1:-1].astype(bool)
    return region & ~inner
