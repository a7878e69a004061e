"""Choose an installed model: each with its display name, summary and sample image."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from engine.checkpoints import ModelInfo

ICON = 96


def describe_model(info: ModelInfo) -> str:
    size = f"{info.size_bytes / 1e6:.1f} MB"
    if info.error:
        return f"{info.name}: cannot be used ({info.error})"
    return f"{info.display_name} ({info.name}, {info.kind}, {size})\n{info.summary}".strip()


def model_tooltip(info: ModelInfo) -> str:
    """Rich-text tooltip: the card's summary and, where the model ships one, its samples."""
    text = describe_model(info).replace("\n", "<br>")
    if info.sample is not None:
        text += f"<br><img src='{Path(info.sample).as_uri()}' width='256'>"
    return text


class ModelChooser(QDialog):
    """Lists the installed gan models; `chosen` is a model folder after accept()."""

    def __init__(self, models: list[ModelInfo], message: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelChooser")
        self.setWindowTitle("Choose a model")
        self.chosen: Path | None = None
        self.list = QListWidget(self)
        self.list.setIconSize(QSize(ICON, ICON))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        for info in models:
            if info.kind != "gan" and not info.error:
                continue
            item = QListWidgetItem(describe_model(info))
            if info.sample is not None:
                item.setIcon(QIcon(QPixmap(str(info.sample)).scaled(
                    ICON, ICON, Qt.KeepAspectRatio, Qt.SmoothTransformation)))
            item.setData(Qt.UserRole, str(info.folder))
            if info.error:
                item.setFlags(item.flags() & ~Qt.ItemIsEnabled)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        label = QLabel(message or "Choose the model to edit with:", self)
        label.setWordWrap(True)
        empty = QLabel("No image models are installed. Train one (see the README) or open "
                       "a model folder.", self)
        empty.setWordWrap(True)
        empty.setVisible(self.list.count() == 0)
        browse = QPushButton("Open model folder...", self)
        browse.clicked.connect(self._browse)
        buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (label, empty, self.list, browse, buttons):
            layout.addWidget(widget)
        self.resize(560, 420)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open model folder")
        if folder:
            self.chosen = Path(folder)
            super().accept()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None and item.flags() & Qt.ItemIsEnabled:
            self.chosen = Path(item.data(Qt.UserRole))
            super().accept()
