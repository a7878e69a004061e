"""Brush options: the colour (with the scene colours as quick colours, engine.palette) and the
size of the active tool.

The colour rows show only for tools that paint with a colour. The size is shown in pixels
of the view (the photo's, in the photo view); the tools keep it in model pixels."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QColorDialog, QDoubleSpinBox, QFormLayout, QGridLayout, QLabel,
                               QPushButton, QWidget)

from engine.palette import DEFAULT_BRUSH, SCENE_COLORS

SWATCHES_PER_ROW = 6


class BrushPanel(QWidget):
    colorChosen = Signal(object)   # (r, g, b)
    sizeChosen = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.color_button = QPushButton(self)
        self.color_button.setObjectName("brushColor")
        self.color_button.setToolTip("Brush colour (right-click the image to pick a colour from it)")
        self.color_button.clicked.connect(self._choose_color)
        self.size = QDoubleSpinBox(self)
        self.size.setObjectName("brushSize")
        self.size.setDecimals(1)
        self.size.setSingleStep(0.5)
        self.size.setSuffix(" px")
        self.size.setToolTip("Size of the active tool in pixels of the shown image "
                             "([ and ] or the mouse wheel)")
        self.size.valueChanged.connect(lambda value: self.sizeChosen.emit(value / self._scale))
        self.tool_label = QLabel(self)
        swatches = QGridLayout()
        swatches.setSpacing(2)
        for i, scene_color in enumerate(SCENE_COLORS):
            swatch = QPushButton(self)
            swatch.setObjectName(f"swatch{i}")
            swatch.setFixedSize(22, 22)
            swatch.setStyleSheet(f"background-color: {QColor(*scene_color.rgb).name()}; "
                                 "border: 1px solid #444;")
            swatch.setToolTip(f"{scene_color.name} {scene_color.rgb}")
            swatch.setAccessibleName(scene_color.name)
            swatch.clicked.connect(lambda _=False, c=scene_color.rgb: self._emit_color(QColor(*c)))
            swatches.addWidget(swatch, i // SWATCHES_PER_ROW, i % SWATCHES_PER_ROW)
        self.form = form = QFormLayout(self)
        form.setContentsMargins(6, 6, 6, 6)
        form.addRow("Tool", self.tool_label)
        form.addRow("Colour", self.color_button)
        form.addRow("", swatches)
        form.addRow("Size", self.size)
        self._color_rows = (1, 2)
        self._color = DEFAULT_BRUSH.rgb
        self._scale = 1.0   # view pixels per model pixel

    def show_color(self, color) -> None:
        self._color = tuple(int(c) for c in color)
        name = QColor(*self._color).name()
        self.color_button.setText(name)
        self.color_button.setStyleSheet(f"background-color: {name}; color: "
                                        f"{'#000' if sum(self._color) > 380 else '#fff'};")

    def show_tool(self, label: str, size: float, maximum: float, uses_color: bool = True,
                  scale: float = 1.0) -> None:
        """`size`, `maximum` in model pixels; `scale`: view pixels per model pixel."""
        self.tool_label.setText(label)
        for row in self._color_rows:
            self.form.setRowVisible(row, uses_color)
        self._scale = scale
        self.size.blockSignals(True)
        self.size.setRange(min(1.0, scale), maximum * scale)
        self.size.setSingleStep(0.5 * scale)
        self.size.setValue(size * scale)
        self.size.blockSignals(False)

    @property
    def color_shown(self) -> bool:
        return self.color_button.isVisibleTo(self)

    def _choose_color(self) -> None:
        color = QColorDialog.getColor(QColor(*self._color), self, "Brush colour")
        if color.isValid():
            self._emit_color(color)

    def _emit_color(self, color: QColor) -> None:
        rgb = (color.red(), color.green(), color.blue())
        self.show_color(rgb)
        self.colorChosen.emit(rgb)
