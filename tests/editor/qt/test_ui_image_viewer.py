"""The result viewer zooms with Fit, 100 % and the mouse wheel, and Save hands over the image."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from editor.qt.dialogs.image_viewer import ImageViewer


def wheel(widget, notches: int) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def viewer(qtbot):
    image = np.random.default_rng(0).integers(0, 256, (600, 1800, 3), dtype=np.uint8)
    v = ImageViewer("Super-resolved", image, "big.png")
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_opens_fitted_then_zooms_to_100_and_back_to_fit(viewer, qtbot):
    assert viewer.zoom == pytest.approx(900 / 1800)
    assert viewer.label.pixmap().width() == 900
    qtbot.mouseClick(viewer.actual_button, Qt.LeftButton)
    assert viewer.zoom == 1.0 and viewer.label.pixmap().size().toTuple() == (1800, 600)
    assert "100 %" in viewer.info.text()
    qtbot.mouseClick(viewer.fit_button, Qt.LeftButton)
    area = viewer.scroll.viewport().size()
    assert viewer.label.width() <= area.width() and viewer.label.height() <= area.height()
    assert viewer.label.width() >= area.width() - 2 or viewer.label.height() >= area.height() - 2


def test_the_wheel_zooms_in_and_out_within_bounds(viewer, qtbot):
    start = viewer.zoom
    with qtbot.waitSignal(viewer.zoomChanged):
        wheel(viewer.scroll.viewport(), 2)
    assert viewer.zoom == pytest.approx(start * 1.25 ** 2)
    wheel(viewer.scroll.viewport(), -40)
    assert viewer.zoom == pytest.approx(1 / 16)
    assert viewer.label.pixmap().width() == round(1800 / 16)


def test_save_hands_over_the_full_size_image(viewer, qtbot):
    qtbot.mouseClick(viewer.actual_button, Qt.LeftButton)
    wheel(viewer.scroll.viewport(), -3)
    with qtbot.waitSignal(viewer.saveRequested) as saved:
        save = viewer.findChild(QDialogButtonBox).button(QDialogButtonBox.Save)
        qtbot.mouseClick(save, Qt.LeftButton)
    image, name = saved.args
    assert image.shape == (600, 1800, 3) and name == "big.png"
