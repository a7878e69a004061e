"""Composition root: builds the controller, autosaver and main window from options, so the
application and the tests assemble the editor the same way (tests pass their own model
folders, QSettings file, recovery folder and prompter, and never touch the user's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QTimer

from engine import paths
from engine.ops.types import EditSettings

from ..model.photo import PhotoSettings
from .autosave import DEFAULT_INTERVAL_MS, Autosaver, default_recovery_dir
from .controller import EditorController
from .dialogs.prompts import Prompter
from .dialogs.trainer import TrainerSetup
from .heap import freeze_startup_heap
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
    photo_settings: PhotoSettings | None = None   # projection / inpainting effort
    user_models_dir: Path | None = None  # trained models go here (searched for models too);
                                         # None: default_models_dir()
    trainer_program: str | None = None   # the trainer's command (None: this Python)...
    trainer_args: list[str] | None = None   # ...and its first arguments (None: -m engine)
    trainer_extra_args: list[str] = field(default_factory=list)  # added to every training run


def default_models_dir() -> Path:
    """The user's models: the same folder as engine.paths.user_models_dir(), asked of Qt."""
    base = QStandardPaths.writableLocation(QStandardPaths.GenericDataLocation)
    return Path(base) / paths.APP_FOLDER / "models"


def legacy_models_dirs() -> list[Path]:
    """Where version 0.1.0 saved trained models (<AppDataLocation>/models): still searched."""
    old = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "models"
    return [old] if old.is_dir() and old != default_models_dir() else []


def create_main_window(options: EditorOptions | None = None) -> MainWindow:
    options = options or EditorOptions()
    store = options.settings if options.settings is not None else QSettings(ORGANIZATION, APPLICATION)
    settings = AppSettings(store)
    user_models = Path(options.user_models_dir or default_models_dir())
    model_dirs = (list(options.model_dirs) + [user_models] + legacy_models_dirs()
                  + [Path(d) for d in settings.model_dirs])
    controller = EditorController(options.edit_settings, model_dirs,
                                  options.device or settings.device, options.seed,
                                  photo_settings=options.photo_settings)
    autosaver = Autosaver(controller, options.recovery_dir or default_recovery_dir(),
                          options.autosave_interval_ms)
    trainer = TrainerSetup(user_models, options.trainer_program, options.trainer_args,
                           list(options.trainer_extra_args))
    window = MainWindow(controller, settings, autosaver, options.prompter or Prompter(), trainer)
    autosaver.setParent(window)
    controller.setParent(window)
    controller.modelChanged.connect(freeze_startup_heap)
    recovery = autosaver.recovery_available()
    autosaver.start()
    model = options.model or settings.last_model
    QTimer.singleShot(0, lambda: window.begin(model, options.project, recovery))
    return window
