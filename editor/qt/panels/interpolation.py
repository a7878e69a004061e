"""Interpolation between the previous and the current image: a slider and Play."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider,
                               QVBoxLayout, QWidget)

FRAME_MS = 80


class InterpolationPanel(QWidget):
    frameChosen = Signal(int)       # 0 = previous image ... frames-1 = current image
    framesWanted = Signal(str)      # the mode ("linear" or "slerp"): render the frames

    def __init__(self, frames: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.frames = frames
        self.slider = QSlider(Qt.Horizontal, self)
        self.slider.setObjectName("interpolationSlider")
        self.slider.setRange(0, frames - 1)
        self.slider.setValue(frames - 1)
        self.slider.setToolTip("From the previous image (left) to the current one (right)")
        self.slider.valueChanged.connect(self._slid)
        self.play = QPushButton("Play", self)
        self.play.setObjectName("interpolationPlay")
        self.play.setCheckable(True)
        self.play.toggled.connect(self._toggle_play)
        self.mode = QComboBox(self)
        self.mode.addItems(["linear", "slerp"])
        self.mode.setToolTip("Straight line or great-circle path between the latents")
        self.mode.currentTextChanged.connect(lambda _: self._invalidate())
        self.label = QLabel("No previous image yet", self)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._advance)
        self._direction = 1
        self._ready = False
        row = QHBoxLayout()
        row.addWidget(self.play)
        row.addWidget(self.mode)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.label)
        layout.addWidget(self.slider)
        layout.addLayout(row)
        self.set_available(False)

    def set_available(self, available: bool) -> None:
        """A fresh document state: back to the current image; frames must be rendered again."""
        self._invalidate()
        self.slider.setEnabled(available)
        self.play.setEnabled(available)
        self.label.setText("Previous  <->  current" if available else "No previous image yet")

    def _invalidate(self) -> None:
        self._ready = False
        self.play.setChecked(False)
        self.slider.blockSignals(True)
        self.slider.setValue(self.frames - 1)
        self.slider.blockSignals(False)

    def frames_ready(self) -> None:
        self._ready = True
        self.frameChosen.emit(self.slider.value())

    def _slid(self, value: int) -> None:
        if self._ready:
            self.frameChosen.emit(value)
        else:
            self.framesWanted.emit(self.mode.currentText())

    def _toggle_play(self, playing: bool) -> None:
        if playing:
            if not self._ready:
                self.framesWanted.emit(self.mode.currentText())
            if self.slider.value() == self.frames - 1:
                self._direction = -1
            self.timer.start()
        else:
            self.timer.stop()

    def _advance(self) -> None:
        if not self._ready:
            return  # wait for the frames
        value = self.slider.value() + self._direction
        if not 0 <= value < self.frames:
            self._direction = -self._direction
            value = self.slider.value() + self._direction
        self.slider.setValue(value)
