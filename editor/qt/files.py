"""Project, photo and image files as the user meets them: dialogs, recent files, the prompts
for unsaved changes and for replacing a file. The writing itself is editor.model.project's
job (atomic, validated).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

import numpy as np

from engine.errors import UserError
from engine.imaging import IMAGE_SUFFIXES

from ..model.project import MANIFEST, SUFFIX, export_image, normalize_path
from .controller import EditorController
from .dialogs.prompts import CANCEL, DISCARD, SAVE, YES
from .settings import AppSettings

# A project is a folder: the dialog opens the project.json inside it, or a zipped project.
PROJECT_FILTER = "Projects (project.json *.zip);;All files (*)"
SAVE_FILTER = f"Project folders (*{SUFFIX});;Zipped projects (*.zip)"
IMAGE_FILTER = "PNG images (*.png);;JPEG images (*.jpg *.jpeg);;All files (*)"
PHOTO_FILTER = ("Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ");;All files (*)")
REPLACE_TITLE = "Replace file?"
ORIGINAL_TITLE = "Overwrite the original photo?"


def is_photo_path(path: Path) -> bool:
    """An image file (opened as a photo) rather than a project."""
    return path.suffix.lower() in IMAGE_SUFFIXES and not path.is_dir()


class ProjectFiles(QObject):
    problem = Signal(str)

    def __init__(self, window: QWidget, controller: EditorController, settings: AppSettings,
                 prompter, parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        self.controller = controller
        self.settings = settings
        self.prompter = prompter
        controller.projectOpened.connect(self._remember)
        controller.projectSaved.connect(self._remember)
        controller.photos.opened.connect(self._remember)

    def _remember(self, path) -> None:
        if path is not None:
            self.settings.add_recent(Path(path))

    # Opening
    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        dialog = QFileDialog(self.window, "Open project", self._start_dir(), PROJECT_FILTER)
        dialog.setFileMode(QFileDialog.ExistingFile)
        if dialog.exec() and dialog.selectedFiles():
            self.open_path(Path(dialog.selectedFiles()[0]))

    def open_photo_dialog(self) -> None:
        if not self.maybe_save():
            return
        dialog = QFileDialog(self.window, "Open photo", self._start_dir(), PHOTO_FILTER)
        dialog.setFileMode(QFileDialog.ExistingFile)
        if dialog.exec() and dialog.selectedFiles():
            self.open_path(Path(dialog.selectedFiles()[0]))

    def open_path(self, path: Path):
        """Open a project, or a photo (any image file); returns the job."""
        if path.name == MANIFEST:
            path = path.parent
        if is_photo_path(path):
            return self.controller.photos.open(path)
        return self.controller.open_project(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        recent = [p for p in self.settings.recent_projects if Path(p).exists()]
        for path in recent:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(Path(p)))
        if not recent:
            menu.addAction("No recent files").setEnabled(False)

    def _open_recent(self, path: Path) -> None:
        if self.maybe_save():
            self.open_path(path)

    # Saving
    def save(self) -> bool:
        if self.controller.project_path is None:
            return self.save_as()
        return self.save_to(self.controller.project_path)

    def save_as(self) -> bool:
        if self.controller.doc is None:
            return False
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project", self._start_dir(),
                                              SAVE_FILTER)
        return bool(path) and self.save_to(normalize_path(path))

    def save_to(self, path: Path) -> bool:
        try:
            self.controller.save_project(path)
        except UserError as exc:
            self.problem.emit(str(exc))
            return False
        return True

    def maybe_save(self) -> bool:
        """Before the document is replaced or the window closes: True to go on."""
        if not self.controller.dirty:
            return True
        answer = self.prompter.ask(self.window, "Unsaved changes",
                                   "The image has changes that are not saved. Save them first?",
                                   [SAVE, DISCARD, CANCEL], SAVE)
        if answer == SAVE:
            return self.save()
        return answer == DISCARD

    # Exporting
    def _ask_path(self, title: str, name: str) -> Path | None:
        # The prompter asks before replacing anything (see confirm_overwrite), not the dialog.
        path, _ = QFileDialog.getSaveFileName(self.window, title,
                                              str(Path(self._start_dir()) / name), IMAGE_FILTER,
                                              options=QFileDialog.DontConfirmOverwrite)
        if not path:
            return None
        return Path(path) if Path(path).suffix else Path(path + ".png")

    def export(self, upscaled: bool = False) -> None:
        doc = self.controller.doc
        if doc is None:
            return
        stem = doc.photo.path.stem + "_edited" if doc.photo is not None else "image"
        path = self._ask_path("Export image", f"{stem}_x4.png" if upscaled else f"{stem}.png")
        if path is not None:
            self.export_to(path, upscaled)

    def export_to(self, path: Path, upscaled: bool = False):
        """Export the result (for a photo: at full resolution) after asking before replacing
        a file; returns the job or the written path, or None when nothing is written."""
        c = self.controller
        if c.doc is None or not self.confirm_overwrite(Path(path)):
            return None
        try:
            if upscaled:
                return c.export_upscaled(path, overwrite=True)
            if c.doc.photo is not None:
                return c.photos.export(path, overwrite=True)
            return c.export_image(path, overwrite=True)
        except UserError as exc:
            self.problem.emit(str(exc))
            return None

    def confirm_overwrite(self, path: Path) -> bool:
        """True to go on writing `path`: asks first when it is the opened photo or exists."""
        doc = self.controller.doc
        photo = doc.photo.path if doc is not None and doc.photo is not None else None
        if photo is not None and path.exists() and _same_file(path, photo):
            answer = self.prompter.ask(
                self.window, ORIGINAL_TITLE,
                f"{path.name} is the photo you opened. Writing over it replaces the original "
                "photo for good. Overwrite it?", [YES, CANCEL], CANCEL)
            return answer == YES
        if path.exists():
            answer = self.prompter.ask(self.window, REPLACE_TITLE,
                                       f"{path.name} already exists. Replace it?",
                                       [YES, CANCEL], CANCEL)
            return answer == YES
        return True

    def save_result(self, image: np.ndarray, name: str) -> Path | None:
        """Save a result image (super-resolved, translated) chosen in a viewer."""
        path = self._ask_path("Save image", name)
        return None if path is None else self.save_image_to(image, path)

    def save_image_to(self, image: np.ndarray, path: Path) -> Path | None:
        if not self.confirm_overwrite(path):
            return None
        protected = (self.controller.project_path,) if self.controller.project_path else ()
        try:
            saved = export_image(path, image, protected, overwrite=True)
        except UserError as exc:
            self.problem.emit(str(exc))
            return None
        self.controller.status.emit(f"Saved {saved}")
        return saved

    def _start_dir(self) -> str:
        if self.controller.project_path is not None:
            return str(self.controller.project_path.parent)
        doc = self.controller.doc
        if doc is not None and doc.photo is not None:
            return str(doc.photo.path.parent)
        recent = self.settings.recent_projects
        return str(Path(recent[0]).parent) if recent else str(Path.home())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False
