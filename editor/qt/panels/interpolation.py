"""Interpolation between the previous and the current image: a slider, and Play, which runs
once from the previous image to the current one and ends there (Stop ends it early, also on
the current image)."""

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
        self.play.setToolTip("Play from the previous image to the current one, once; "
                             "Stop goes back to the current image")
        self.play.toggled.connect(self._toggle_play)
        self.mode = QComboBox(self)
        self.mode.addItems(["linear", "slerp"])
        self.mode.setToolTip("Straight line or great-circle path between the latents")
        self.mode.currentTextChanged.connect(lambda _: self._invalidate())
        self.label = QLabel("No previous image yet", self)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._advance)
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
        self.timer.stop()
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

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def _toggle_play(self, playing: bool) -> None:
        self.play.setText("Stop" if playing else "Play")
        if playing:
            self.slider.blockSignals(True)
            self.slider.setValue(0)
            self.slider.blockSignals(False)
            if self._ready:
                self.frameChosen.emit(0)
            else:
                self.framesWanted.emit(self.mode.currentText())
            self.timer.start()
        elif self.timer.isActive():
            self.timer.stop()
            self.slider.setValue(self.frames - 1)  # back on the current image
            self.label.setText("Played: now on the current image")

    def _advance(self) -> None:
        if not self._ready:
            return  # wait for the frames
        value = self.slider.value() + 1
        self.slider.setValue(value)
        if value >= self.frames - 1:
            self.play.setChecked(False)
