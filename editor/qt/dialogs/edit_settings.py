"""How hard each edit searches: starts, candidates, steps and the cost weights."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QSpinBox, QWidget)

from engine.ops.types import EditSettings

FIELDS = [  # name, label, minimum, maximum, tooltip
    ("starts", "Random starts", 1, 256, "Latents optimised together (iGAN uses 64)"),
    ("candidates", "Candidates shown", 1, 64, "Best results offered on the right"),
    ("steps", "Steps per edit", 1, 1000, "Optimiser steps each time you release a stroke"),
    ("lr", "Step size", 0.001, 1.0, "Adam learning rate on the latent"),
    ("sketch_weight", "Sketch weight", 0.0, 10.0, "How much sketch lines count against colour"),
    ("closeness_weight", "Closeness weight", 0.0, 100.0,
     "After Fix: how strongly edits stay near the fixed image"),
    ("keep_weight", "Keep unpainted area", 0.0, 100.0,
     "After Fix: how strongly pixels away from the strokes keep their colours"),
]


class EditSettingsDialog(QDialog):
    def __init__(self, settings: EditSettings, parent: QWidget | None = None,
                 live: bool = True):
        super().__init__(parent)
        self.setWindowTitle("Edit settings")
        self._settings = dataclasses.replace(settings)
        self.fields = {}
        form = QFormLayout(self)
        for name, label, low, high, tip in FIELDS:
            value = getattr(settings, name)
            box = QSpinBox(self) if isinstance(value, int) else QDoubleSpinBox(self)
            if isinstance(box, QDoubleSpinBox):
                box.setDecimals(3)
                box.setSingleStep(0.05)
            box.setRange(low, high)
            box.setValue(value)
            box.setToolTip(tip)
            form.addRow(label, box)
            self.fields[name] = box
        self.live = QCheckBox("Search while painting", self)
        self.live.setObjectName("liveEdits")
        self.live.setChecked(live)
        self.live.setToolTip("Show quick results while the mouse is down; "
                             "off: search only when a stroke is released")
        form.addRow("Live edits", self.live)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> EditSettings:
        values = {name: box.value() for name, box in self.fields.items()}
        result = dataclasses.replace(self._settings, **values)
        result.candidates = min(result.candidates, result.starts)
        return result

    def live_edits(self) -> bool:
        return self.live.isChecked()
