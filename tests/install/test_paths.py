"""Where models are searched, and the per-user folder the editor and the engine share."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from engine import checkpoints, paths


def test_user_models_dir_follows_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert paths.user_models_dir() == tmp_path / "data" / "manifold-editor" / "models"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG applies on Linux")
def test_relative_xdg_data_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    assert paths.user_data_dir() == tmp_path / ".local" / "share" / "manifold-editor"


def test_editor_and_engine_agree_on_the_user_models_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from editor.qt.app import default_models_dir
    assert default_models_dir() == paths.user_models_dir()


def test_search_order_env_then_user_then_shipped(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv(checkpoints.MODEL_PATH_ENV, str(tmp_path / "env"))
    dirs = checkpoints.model_dirs([tmp_path / "extra", tmp_path / "env"])
    assert dirs == [tmp_path / "extra", tmp_path / "env", paths.user_models_dir(),
                    checkpoints.BUILTIN_WEIGHTS_DIR]


def test_checkout_runs_use_the_checkout_weights():
    assert paths.builtin_weights_dir() == Path(__file__).resolve().parents[2] / "weights"


def test_models_trained_by_version_0_1_are_still_found(monkeypatch, tmp_path):
    from PySide6.QtCore import QStandardPaths

    from editor.qt.app import legacy_models_dirs
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert legacy_models_dirs() == []
    old = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "models"
    old.mkdir(parents=True)
    assert legacy_models_dirs() == [old] and tmp_path / "data" in old.parents
