"""Composition root: builds the controller, autosaver and main window from options, so the
application and the tests assemble the editor the same way (tests pass their own model
folders, QSettings file, recovery folder and prompter, and never touch the user's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

from engine.ops.types import EditSettings

from .autosave import DEFAULT_INTERVAL_MS, Autosaver, default_recovery_dir
from .controller import EditorController
from .dialogs.prompts import Prompter
from .main_window import MainWindow
from .settings import AppSettings

ORGANIZATION = "manifold-editor"
APPLICATION = "Manifold Editor"


@dataclass
class EditorOptions:
    model: str | None = None             # name or folder; None: the last one used, else the default
    model_dirs: list[Path] = field(default_factory=list)   # searched before weights/
    device: str | None = None            # auto | cpu | cuda; None: the saved preference
    project: Path | None = None          # open this project instead of starting on the model
    settings: QSettings | None = None    # None: the user's settings (organisation/application)
    recovery_dir: Path | None = None     # None: <AppDataLocation>/recovery
    autosave_interval_ms: int = DEFAULT_INTERVAL_MS
    edit_settings: EditSettings | None = None
    seed: int | None = None              # random starts; None: different each session
    prompter: object | None = None       # asks the user; tests pass a ScriptedPrompter


def create_main_window(options: EditorOptions | None = None) -> MainWindow:
    options = options or EditorOptions()
    store = options.settings if options.settings is not None else QSettings(ORGANIZATION, APPLICATION)
    settings = AppSettings(store)
    model_dirs = list(options.model_dirs) + [Path(d) for d in settings.model_dirs]
    controller = EditorController(options.edit_settings, model_dirs,
                                  options.device or settings.device, options.seed)
    autosaver = Autosaver(controller, options.recovery_dir or default_recovery_dir(),
                          options.autosave_interval_ms)
    window = MainWindow(controller, settings, autosaver, options.prompter or Prompter())
    autosaver.setParent(window)
    controller.setParent(window)
    recovery = autosaver.recovery_available()
    autosaver.start()
    model = options.model or settings.last_model
    QTimer.singleShot(0, lambda: window.begin(model, options.project, recovery))
    return window
