"""Builds real editor windows for the UI tests: tiny models, a private QSettings file, a
private recovery folder, a scripted prompter, fast edit settings and a fixed seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from editor.model.photo import PhotoSettings
from editor.qt.app import EditorOptions, create_main_window
from editor.qt.dialogs.prompts import DISCARD, ScriptedPrompter
from engine.ops.types import EditSettings

from ui_helpers import wait_loaded

FAST_EDIT = EditSettings(starts=8, candidates=4, steps=20, preview_every=5, seed=0)
FAST_PHOTO = PhotoSettings(projection_steps=10, inpaint_steps=10, inpaint_starts=2,
                           tune_steps=0)  # tests of tuning turn it on (test_ui_tuning.py)


@pytest.fixture(autouse=True)
def _only_test_models(monkeypatch, tmp_path):
    """The editor sees only the models a test gives it, not weights/ or the user's path."""
    from engine import checkpoint_search, checkpoints
    monkeypatch.setattr(checkpoint_search, "BUILTIN_WEIGHTS_DIR", tmp_path / "no-weights")
    monkeypatch.delenv(checkpoints.MODEL_PATH_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))  # the user's own models


@pytest.fixture
def edit_model(tiny_gan) -> Path:
    """The trained tiny GAN: 16x16 images, 8-value latents."""
    return Path(tiny_gan)


@pytest.fixture
def make_window(qtbot, tmp_path, edit_model):
    """make_window(**options) -> a shown MainWindow (its model still loading: see wait_loaded)."""

    def make(prompter=None, recovery_dir=None, settings_file="settings.ini", **overrides):
        options = EditorOptions(
            model=edit_model.name, model_dirs=[edit_model.parent],
            recovery_dir=recovery_dir or tmp_path / "recovery",
            settings=QSettings(str(tmp_path / settings_file), QSettings.IniFormat),
            prompter=prompter or ScriptedPrompter({"Unsaved changes": DISCARD}),
            seed=0, edit_settings=EditSettings(**vars(FAST_EDIT)), device="cpu",
            photo_settings=PhotoSettings(**vars(FAST_PHOTO)),
            user_models_dir=tmp_path / "user-models")
        for key, value in overrides.items():
            setattr(options, key, value)
        window = create_main_window(options)
        qtbot.addWidget(window)
        window.show()
        return window

    return make


@pytest.fixture
def window(make_window, qtbot):
    """A window with the tiny model loaded and its first image shown."""
    w = make_window()
    wait_loaded(qtbot, w)
    return w
