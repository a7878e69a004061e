"""Project and image files as the user meets them: dialogs, recent projects, the prompt for
unsaved changes. The writing itself is editor.model.project's job (atomic, validated).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from engine.errors import UserError

from ..model.project import SUFFIX, normalize_path
from .controller import EditorController
from .dialogs.prompts import CANCEL, DISCARD, SAVE
from .settings import AppSettings

# A project is a folder: the dialog opens the project.json inside it, or a zipped project.
PROJECT_FILTER = "Projects (project.json *.zip);;All files (*)"
SAVE_FILTER = f"Project folders (*{SUFFIX});;Zipped projects (*.zip)"
IMAGE_FILTER = "PNG images (*.png)"


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

    def open_path(self, path: Path) -> None:
        if path.name == "project.json":
            path = path.parent
        self.controller.open_project(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        recent = [p for p in self.settings.recent_projects if Path(p).exists()]
        for path in recent:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(Path(p)))
        if not recent:
            menu.addAction("No recent projects").setEnabled(False)

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
    def export(self, upscaled: bool = False) -> None:
        if self.controller.doc is None:
            return
        name = "image_x4.png" if upscaled else "image.png"
        # QFileDialog asks before replacing an existing file; that answer allows overwriting.
        path, _ = QFileDialog.getSaveFileName(self.window, "Export image",
                                              str(Path(self._start_dir()) / name), IMAGE_FILTER)
        if not path:
            return
        path = Path(path) if Path(path).suffix else Path(path + ".png")
        try:
            if upscaled:
                self.controller.export_upscaled(path, overwrite=True)
            else:
                self.controller.export_image(path, overwrite=True)
        except UserError as exc:
            self.problem.emit(str(exc))

    def _start_dir(self) -> str:
        if self.controller.project_path is not None:
            return str(self.controller.project_path.parent)
        recent = self.settings.recent_projects
        return str(Path(recent[0]).parent) if recent else str(Path.home())
