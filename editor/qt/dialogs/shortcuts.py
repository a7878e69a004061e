"""The tools and shortcuts at a glance (F1)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

SHORTCUTS = [
    ("B / K / W / E / M", "colour brush / sketch brush / warp / eraser / inpainting mask"),
    ("[  ]  or mouse wheel", "smaller / bigger brush"),
    ("right click", "pick the brush colour from the image"),
    ("Space + drag, middle drag", "pan"),
    ("Ctrl+wheel, Ctrl+= / Ctrl+-", "zoom"),
    ("Ctrl+0 / Ctrl+1", "fit / 100 %"),
    ("H", "show or hide the strokes"),
    ("Esc", "stop the running edit"),
    ("F", "fix the current image as the start"),
    ("R / Ctrl+N / Ctrl+Shift+N", "restart / random start / average start"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ("Ctrl+S / Ctrl+O / Ctrl+E", "save project / open project / export PNG"),
    ("Ctrl+Shift+O", "open a photo (or drop it on the window)"),
    ("P", "photo view: the edit transferred onto the photo"),
    ("Ctrl+I / Ctrl+D", "inpaint the masked area / clear the mask"),
    ("Ctrl+U / Ctrl+Shift+E", "super-resolve / export upscaled"),
    ("Ctrl+T", "train a model"),
]


def show_shortcuts(parent: QWidget | None) -> QMessageBox:
    rows = "".join(f"<tr><td><b>{keys}</b></td><td>&nbsp;{what}</td></tr>" for keys, what in SHORTCUTS)
    box = QMessageBox(QMessageBox.Information, "Tools and shortcuts",
                      f"<table>{rows}</table>", QMessageBox.Ok, parent)
    box.open()
    return box
