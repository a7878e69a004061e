"""Where models live: the ones shipped with the program, and the user's own.

Shipped models are the repository's top-level `weights/` folder. In a checkout (or an
editable install) it sits beside `engine/`; a wheel installs it as the data-only package
`manifold_weights` (pyproject.toml maps that package onto `weights/`).

The user's own models go to a per-user data folder, never into site-packages:
`$XDG_DATA_HOME/manifold-editor/models` (default `~/.local/share/...`) on Linux,
`~/Library/Application Support/manifold-editor/models` on macOS and
`%LOCALAPPDATA%/manifold-editor/models` on Windows. These are Qt's
`QStandardPaths.GenericDataLocation` + `manifold-editor`, so the editor (which asks Qt)
and the engine (which cannot import Qt) name the same folder.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

APP_FOLDER = "manifold-editor"
WEIGHTS_PACKAGE = "manifold_weights"


def builtin_weights_dir() -> Path:
    """The shipped models: the checkout's weights/ when running from one, else the installed package."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "weights").is_dir():
        return root / "weights"
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return root / "weights"  # not installed: reported as searched-and-empty


def user_data_dir() -> Path:
    """The platform's per-user data folder for this program (it may not exist yet)."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = xdg_data_home()
    return base / APP_FOLDER


def xdg_data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (a relative value is invalid by the spec: ignored)."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"


def user_models_dir() -> Path:
    return user_data_dir() / "models"
