"""The status bar: passing messages on the left; the last finished job's result (kept until
the next one), cursor position, zoom, a job's progress and the device on the right.

A result is shown once: first as the passing message, then, when that goes (timeout or a
newer message), in the permanent label on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget


class EditorStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.last_result = QLabel("", self)
        self.last_result.setObjectName("lastResult")
        self.position = QLabel("", self)
        self.zoom = QLabel("", self)
        self.device = QLabel("", self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.progress.hide()
        for widget in (self.last_result, self.progress, self.position, self.zoom, self.device):
            self.addPermanentWidget(widget)
        self._result = ""
        self.messageChanged.connect(self._message_changed)

    def show_result(self, text: str) -> None:
        self._result = text
        self.last_result.setToolTip(text)
        self.showMessage(text, 10000)

    def _message_changed(self, message: str) -> None:
        """The label shows the last result unless the passing message already does."""
        self.last_result.setText("" if message == self._result else self._result)

    def show_position(self, point) -> None:
        self.position.setText("" if point is None else f"x {int(point[0])}  y {int(point[1])}")

    def show_zoom(self, zoom: float) -> None:
        self.zoom.setText(f"{zoom * 100:.0f} %")

    def show_device(self, text: str) -> None:
        self.device.setText(text)

    def show_progress(self, step: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(step)
        self.progress.show()

    def hide_progress(self) -> None:
        self.progress.hide()
