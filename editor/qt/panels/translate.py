"""The Translate dock: pick a pix2pix / CycleGAN model, apply it to the current image, or draw
on the sketch pad and watch the model turn the drawing into a picture (after every stroke).
A colourising model applied to the image takes the colour strokes painted on it as colour
hints; the dock says so, and the Apply button says how many there are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QSpinBox, QVBoxLayout, QWidget)

from ...model.translators import TranslatorTraits, translator_traits
from ..images import to_pixmap
from .sketch_pad import ERASER, MIN_SCREEN_SIDE, PEN, SketchPad

APPLY_TIP = "Translate the current image; the result opens in a viewer"
APPLY_PHOTO_TIP = ("Translate the open photo at its full size, with your edit on it; "
                   "the result opens in a viewer")
DRAW_HELP = "Draw on the white pad: the model turns the drawing into a picture."
IMAGE_ONLY_HELP = ("This model changes the current image, or the open photo at its full size: "
                   "choose the direction and Apply. Drawings need a sketch model (e.g. Edges "
                   "to outdoor scene).")
HINTS_HELP = ("Colourising models (grey \u2192 colour) take the colour strokes painted on the "
              "image as colour hints: each stroke's colour steers the colour where it lies. "
              "Paint with the Colour brush, then Apply; undo a stroke to drop its hint.")


class TranslatePanel(QWidget):
    applyRequested = Signal(object, str)              # model folder, direction
    sketchChanged = Signal(object, str, object)       # model folder, direction, drawing
    saveRequested = Signal(object)                    # the result image
    refreshRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = QComboBox(self)
        self.model.setObjectName("translateModel")
        self.model.setToolTip("A translation model: pix2pix (paired) or CycleGAN (unpaired)")
        self.refresh = QPushButton("\u21bb", self)
        self.refresh.setToolTip("Look for new translation models")
        self.refresh.setFixedWidth(32)
        self.direction = QComboBox(self)
        self.direction.setToolTip("CycleGAN models translate both ways")
        self.direction.setSizeAdjustPolicy(QComboBox.AdjustToContents)   # names differ per model
        self.apply = QPushButton("Apply to image", self)
        self.apply.setObjectName("translateApply")
        self.apply.setToolTip(APPLY_TIP)
        self.hints_help = QLabel(HINTS_HELP, self)
        self.hints_help.setObjectName("translateHintsHelp")
        self.hints_help.setWordWrap(True)
        self.hint_count = 0   # colour strokes in the document
        self.photo_target = False   # Apply works on the open photo, not the model image
        self.pad = SketchPad(self)
        self.pen = QPushButton("Pen", self)
        self.eraser = QPushButton("Eraser", self)
        self.clear = QPushButton("Clear", self)
        tools = QButtonGroup(self)
        for button in (self.pen, self.eraser):
            button.setCheckable(True)
            tools.addButton(button)
        self.pen.setChecked(True)
        self.width_box = QSpinBox(self)
        self.width_box.setRange(1, 32)
        self.width_box.setValue(int(self.pad.pen_width))
        self.width_box.setSuffix(" px")
        self.width_box.setToolTip("Pen width on the 256 px sketch")
        self.output = QLabel(DRAW_HELP, self)
        self.output.setObjectName("translateOutput")
        self.output.setAlignment(Qt.AlignCenter)
        self.output.setWordWrap(True)
        self.output.setMinimumSize(MIN_SCREEN_SIDE, MIN_SCREEN_SIDE)
        self.output.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.save = QPushButton("Save result...", self)
        self.save.setEnabled(False)
        self.result: np.ndarray | None = None

        top = QHBoxLayout()
        top.addWidget(self.model, 1)
        top.addWidget(self.refresh)
        second = QHBoxLayout()
        second.addWidget(self.direction)
        second.addWidget(self.apply, 1)
        pad_tools = QHBoxLayout()
        for widget in (self.pen, self.eraser, self.width_box, self.clear):
            pad_tools.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.hints_help)
        layout.addWidget(self.pad, 1)
        layout.addLayout(pad_tools)
        layout.addWidget(self.output, 1)
        layout.addWidget(self.save)

        self.pen.clicked.connect(lambda: self.pad.set_mode(PEN))
        self.eraser.clicked.connect(lambda: self.pad.set_mode(ERASER))
        self.width_box.valueChanged.connect(lambda v: setattr(self.pad, "pen_width", float(v)))
        self.clear.clicked.connect(self.pad.clear)
        self.pad.strokeFinished.connect(self._sketch_changed)
        self.pad.cleared.connect(self._cleared)
        self.apply.clicked.connect(self._apply)
        self.refresh.clicked.connect(self.refreshRequested)
        self.model.currentIndexChanged.connect(self._model_changed)
        self.save.clicked.connect(lambda: self.result is not None
                                  and self.saveRequested.emit(self.result))
        self.set_models([])

    def set_models(self, models) -> None:
        """`models`: ModelInfo of kind pix2pix / cyclegan; keeps the current choice if it stays."""
        current = self.current_folder()
        self.model.blockSignals(True)
        self.model.clear()
        for info in models:
            self.model.addItem(f"{info.display_name} ({info.kind})",
                               (str(info.folder), translator_traits(info.folder)))
        index = next((i for i in range(self.model.count())
                      if self.model.itemData(i)[0] == (str(current) if current else None)), 0)
        self.model.setCurrentIndex(index)
        self.model.blockSignals(False)
        if not models:
            self.model.addItem("No translation models installed")
            self.model.setItemData(0, None)
        self._model_changed()

    def current_folder(self) -> Path | None:
        data = self.model.currentData()
        return Path(data[0]) if data else None

    def current_direction(self) -> str:
        return self.direction.currentData()

    def traits(self) -> TranslatorTraits | None:
        data = self.model.currentData()
        return data[1] if data else None

    def takes_hints(self) -> bool:
        """The chosen model colourises and takes colour hints."""
        traits = self.traits()
        return traits is not None and traits.takes_hints

    def set_photo_target(self, photo: bool) -> None:
        """Apply works on the open photo (True) or on the model image."""
        self.photo_target = bool(photo)
        self.apply.setText("Apply to photo" if photo else "Apply to image")
        self._show_hints()

    def set_hint_count(self, count: int) -> None:
        """How many colour strokes the document has (each one a colour hint)."""
        self.hint_count = int(count)
        self._show_hints()

    def _show_hints(self) -> None:
        hinted = self.takes_hints()
        self.hints_help.setVisible(hinted)
        count = self.hint_count
        tip = APPLY_PHOTO_TIP if self.photo_target else APPLY_TIP
        self.apply.setToolTip(tip + (
            f", with {count} colour hint{'' if count == 1 else 's'} (your colour strokes)"
            if hinted and count else
            " (paint colour strokes on the image to give colour hints)" if hinted else ""))

    def _model_changed(self) -> None:
        traits = self.traits()
        has_model = traits is not None
        self.apply.setEnabled(has_model)
        self.direction.clear()
        for key, text in (traits or TranslatorTraits()).directions:
            self.direction.addItem(text, key)
        self.direction.setEnabled(self.direction.count() > 1)
        drawings = traits is None or traits.takes_drawings
        for widget in (self.pad, self.pen, self.eraser, self.width_box, self.clear, self.save):
            widget.setVisible(drawings)
        if not drawings:
            self.output.setText(IMAGE_ONLY_HELP)
        elif self.pad.is_blank() or self.result is None:
            self.output.setText(DRAW_HELP)
        self._show_hints()
        if has_model and drawings and not self.pad.is_blank():
            self._sketch_changed()

    def _apply(self) -> None:
        folder = self.current_folder()
        if folder is not None:
            self.applyRequested.emit(folder, self.current_direction())

    def _sketch_changed(self) -> None:
        folder = self.current_folder()
        if folder is None:
            self.output.setText("Install or train a translation model (Train > Train a model..., "
                                "pix2pix) to turn drawings into pictures.")
            return
        self.sketchChanged.emit(folder, self.current_direction(), self.pad.drawing())

    def _cleared(self) -> None:
        self.result = None
        self.save.setEnabled(False)
        self.output.clear()
        self.output.setText(DRAW_HELP)

    def show_result(self, image: np.ndarray) -> None:
        if self.pad.is_blank():
            return  # cleared while the translation ran
        self.result = image
        # At its own size; only shrunk when the dock is smaller (never blown up to blur).
        pixmap = to_pixmap(image)
        side = min(self.output.width(), self.output.height())
        if side < max(image.shape[:2]):
            pixmap = pixmap.scaled(side, side, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        self.output.setPixmap(pixmap)
        self.save.setEnabled(True)
