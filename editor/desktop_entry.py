"""`manifold-editor --install-desktop-entry`: put the editor in the Linux application menu.

Writes two files, each atomically, into the user's own data folder and nowhere else:
$XDG_DATA_HOME/applications/manifold-editor.desktop and
$XDG_DATA_HOME/icons/hicolor/scalable/apps/manifold-editor.svg. A file of that name that
this program did not write (no marker in it) is left alone and reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine import __version__, atomic, paths
from engine.errors import UserError

HERE = Path(__file__).resolve().parent / "desktop"
NAME = "manifold-editor"
TEMPLATE = HERE / f"{NAME}.desktop"
ICON = HERE / f"{NAME}.svg"
DESKTOP_MARKER = "X-Manifold-Editor-Version"
ICON_MARKER = b"manifold-editor icon"
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def program_command() -> list[str]:
    """How the menu starts this installation: the script beside this Python, else -m editor."""
    script = Path(sys.executable).parent / NAME
    return [str(script)] if script.is_file() else [sys.executable, "-m", "editor"]


def quote_exec_argument(arg: str) -> str:
    """An argument as the desktop-entry spec's Exec key wants it (quoting, then string escapes)."""
    arg = arg.replace("%", "%%")
    if any(ch in _RESERVED for ch in arg):
        arg = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg) + '"'
    return arg.replace("\\", "\\\\")


def desktop_text(command: list[str]) -> str:
    exec_line = " ".join(quote_exec_argument(a) for a in command) + " %f"
    return (TEMPLATE.read_text(encoding="utf-8").rstrip("\n")
            + f"\nTryExec={quote_exec_argument(command[0])}\nExec={exec_line}\n"
            + f"{DESKTOP_MARKER}={__version__}\n")


def targets(data_home: Path) -> tuple[Path, Path]:
    return (data_home / "applications" / f"{NAME}.desktop",
            data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg")


def _ours(path: Path, marker: bytes) -> bool:
    try:
        return marker in path.read_bytes()
    except OSError:
        return False


def install(data_home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the entry and its icon; returns the files written. Raises UserError, writing nothing,
    when a file there was not written by this program."""
    if sys.platform in ("win32", "darwin"):
        raise UserError("desktop entries are for Linux (freedesktop) desktops")
    data_home = Path(data_home) if data_home is not None else paths.xdg_data_home()
    entry, icon = targets(data_home)
    for path, marker in ((entry, DESKTOP_MARKER.encode()), (icon, ICON_MARKER)):
        if path.exists() and not _ours(path, marker):
            raise UserError(f"{path} exists and was not written by manifold-editor; "
                            "move it away first (nothing was changed)")
    text = desktop_text(command or program_command())
    icon_bytes = ICON.read_bytes()
    for path in (entry, icon):
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(icon, icon_bytes)
    atomic.write_text(entry, text)
    return [entry, icon]
