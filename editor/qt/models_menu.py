"""The Models menu (installed models with their cards, folders the user added) and the
Device menu (engine.device's vocabulary; a device this machine lacks is disabled and says why)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from engine.device import unavailable_reason
from engine.kinds import ModelKind

from .actions import Actions
from .controller import EditorController
from .dialogs.model_chooser import ModelChooser, describe_model, model_tooltip
from .settings import AppSettings


class ModelsMenu(QObject):
    def __init__(self, window: QWidget, controller: EditorController, actions: Actions,
                 settings: AppSettings, files, parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        self.controller = controller
        self.actions = actions
        self.settings = settings
        self.files = files
        self.chooser: ModelChooser | None = None
        actions.add_model_dir.triggered.connect(self.add_folder)
        actions.open_model.triggered.connect(self.open_folder)
        actions.choose_model.triggered.connect(lambda: self.show_chooser())
        for name, action in actions.devices.items():
            missing = unavailable_reason(name)
            action.setEnabled(missing is None)
            if missing:
                action.setStatusTip(missing)
                action.setToolTip(missing)
        current = controller.device_name if controller.device_name in actions.devices else "auto"
        actions.devices[current].setChecked(True)
        actions.device_group.triggered.connect(lambda a: self._set_device(a.data()))

    def fill(self, menu: QMenu) -> None:
        """Rebuilt each time the menu opens, so new folders and models show up."""
        menu.clear()
        current = self.controller.model.folder if self.controller.model else None
        models = [m for m in self.controller.installed_models()
                  if m.kind == ModelKind.GAN or m.error]
        for info in models:
            action = menu.addAction(info.display_name if not info.error else f"{info.name} (broken)")
            action.setToolTip(model_tooltip(info))
            action.setStatusTip(describe_model(info).splitlines()[0])
            action.setCheckable(True)
            action.setChecked(current is not None and Path(info.folder) == Path(current))
            action.setEnabled(not info.error)
            action.triggered.connect(lambda _=False, f=info.folder: self.load(f))
        if not models:
            menu.addAction("No models installed").setEnabled(False)
        menu.setToolTipsVisible(True)
        menu.addSeparator()
        menu.addAction(self.actions.choose_model)
        menu.addAction(self.actions.open_model)
        menu.addAction(self.actions.add_model_dir)
        devices = menu.addMenu("&Device")
        for action in self.actions.devices.values():
            devices.addAction(action)

    def load(self, folder) -> None:
        if self.files.maybe_save():
            self.controller.load_model(folder)
            self.settings.last_model = str(folder)

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Add a folder of models")
        if folder:
            dirs = [d for d in self.settings.model_dirs if d != folder] + [folder]
            self.settings.model_dirs = dirs
            if Path(folder) not in self.controller.model_dirs:
                self.controller.model_dirs.append(Path(folder))

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Open a model folder")
        if folder:
            self.load(Path(folder))

    def show_chooser(self, message: str = "") -> ModelChooser:
        """Non-blocking: the window stays usable (and testable) while it is open."""
        if self.chooser is not None:
            self.chooser.close()
        self.chooser = ModelChooser(self.controller.installed_models(), message, self.window)
        self.chooser.accepted.connect(lambda: self.load(self.chooser.chosen))
        self.chooser.open()
        return self.chooser

    def _set_device(self, name: str) -> None:
        self.settings.device = name
        self.controller.set_device(name)

