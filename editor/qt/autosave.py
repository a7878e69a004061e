"""Autosave to a recovery folder, and the clean-exit marker that tells a crash from a quit.

While the editor runs there is no marker. Every few minutes, if the document changed, it
is saved as `autosave.manifold` in the recovery folder. A clean exit removes the autosave
and writes the marker. So at start-up an autosave newer than the marker (or one with no
marker at all) is work from a session that crashed: the editor offers to recover it.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from engine import atomic
from engine.errors import UserError

from ..model.project import MANIFEST, load_project, save_project
from .controller import EditorController

AUTOSAVE_NAME = "autosave.manifold"
CLEAN_EXIT_NAME = "clean-exit"
DEFAULT_INTERVAL_MS = 3 * 60 * 1000


def default_recovery_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "recovery"


def recovery_summary(autosave: Path) -> tuple[str, object]:
    """The recovery question, saying when the work was saved and on which model, and its
    current image (None when the autosave cannot be read: recovering will say why)."""
    text = "The editor did not exit cleanly last time. Recover the work it autosaved?"
    try:
        data = load_project(autosave)
        saved = datetime.fromtimestamp((autosave / MANIFEST).stat().st_mtime)
    except (UserError, OSError):
        return text, None
    steps = len(data.history)
    return (f"{text}\n\nSaved {saved:%Y-%m-%d %H:%M}, model '{data.model}', "
            f"{steps} step{'s' if steps != 1 else ''}"
            + (f", photo {Path(data.photo_path).name}" if data.photo_path else "") + ".",
            data.current_image)


class Autosaver(QObject):
    saved = Signal(object)   # Path
    failed = Signal(str)

    def __init__(self, controller: EditorController, folder: Path,
                 interval_ms: int = DEFAULT_INTERVAL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.folder = Path(folder)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_if_changed)
        self._saved_state = None

    @property
    def autosave_path(self) -> Path:
        return self.folder / AUTOSAVE_NAME

    @property
    def marker_path(self) -> Path:
        return self.folder / CLEAN_EXIT_NAME

    def recovery_available(self) -> Path | None:
        """The autosave of a session that did not exit cleanly, if there is one."""
        autosave = self.autosave_path / "project.json"
        if not autosave.is_file():
            return None
        marker = self.marker_path
        if marker.is_file() and marker.stat().st_mtime_ns >= autosave.stat().st_mtime_ns:
            return None
        return self.autosave_path

    def start(self) -> None:
        """This session is running: no clean-exit marker until it ends cleanly."""
        self.marker_path.unlink(missing_ok=True)
        self.timer.start()

    def save_if_changed(self) -> Path | None:
        controller = self.controller
        if controller.doc is None or not controller.dirty:
            return None
        state = (controller.doc, controller.doc.state)
        if self._saved_state == state:
            return None
        return self.save_now()

    def save_now(self) -> Path | None:
        if self.controller.doc is None:
            return None
        try:
            path = self._write(self.controller)
        except (UserError, OSError) as exc:
            self.failed.emit(f"Autosave failed: {exc}")
            return None
        self._saved_state = (self.controller.doc, self.controller.doc.state)
        self.saved.emit(path)
        return path

    def _write(self, controller: EditorController) -> Path:
        return save_project(self.autosave_path, controller.project_data())

    def discard(self) -> None:
        shutil.rmtree(self.autosave_path, ignore_errors=True)

    def clean_exit(self) -> None:
        self.timer.stop()
        self.discard()
        atomic.write_text(self.marker_path, "The editor exited cleanly.\n")
