"""What the controller and its satellites (photos, retouch, translation, live edits) share: the
document and its undo stack, the model and device, the view, the job registry, and one
channel for status lines, results, errors and progress. Satellites take the session, never the
controller, so they cannot reach each other or the controller's own state through it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine import checkpoints

from ..jobs import JobRegistry
from ..model import history, tuned
from ..model.document import Document
from ..model.enums import View
from .undo import UndoCommand, release_deleted

IMAGE, PHOTO = View.IMAGE, View.PHOTO


class Session(QObject):
    documentReplaced = Signal()     # a new document (model loaded, project or photo opened)
    documentChanged = Signal()      # any change of the document's state
    displayChanged = Signal()       # the image to show changed (document, preview or frame)
    viewChanged = Signal(str)       # IMAGE | PHOTO
    editWanted = Signal()           # search the strokes again (e.g. after a better projection)
    status = Signal(str)            # a line for the status bar
    result = Signal(str)            # a finished job's result: stays in the status bar
    error = Signal(str)             # a problem the user should see
    progress = Signal(int, int)     # step, total of the running edit, projection or inpainting

    def __init__(self, model_dirs=(), parent: QObject | None = None):
        super().__init__(parent)
        self.model_dirs = [Path(p) for p in model_dirs]
        self.device = torch.device("cpu")
        self.model: checkpoints.Model | None = None
        self.doc: Document | None = None
        self.project_path: Path | None = None
        self.view = IMAGE
        self.preview: np.ndarray | None = None   # a running job's intermediate image
        self.jobs = JobRegistry(self)
        self._helpers: dict[tuple[str, str], checkpoints.Model] = {}
        self._helpers_lock = threading.Lock()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(history.UNDO_LIMIT)  # bounded memory in long sessions
        self._undo_commands: list[UndoCommand] = []   # see undo.release_deleted

    def doc_model(self) -> checkpoints.Model | None:
        """The model the document's ops use: with its photo's tuned generator when it has one."""
        return tuned.model_for(self.model, None if self.doc is None else self.doc.photo)

    def installed_models(self) -> list[checkpoints.ModelInfo]:
        return checkpoints.list_models(self.model_dirs)

    def preferred_model(self, kind: str, name: str) -> checkpoints.ModelInfo | None:
        """The installed model of this kind called `name`, else the first of the kind."""
        models = [m for m in self.installed_models() if m.kind == kind and not m.error]
        return next((m for m in models if m.name == name), models[0] if models else None)

    def helper_model(self, folder: str | Path, device) -> checkpoints.Model:
        """On a worker thread: a model the document's ops call on (fill, sr, translation),
        loaded once per folder and device."""
        key = (str(folder), str(device))
        with self._helpers_lock:
            if key not in self._helpers:
                self._helpers[key] = checkpoints.load_model(folder, device)
            return self._helpers[key]

    def push(self, command: history.Command) -> None:
        wrapper = UndoCommand(self.doc, command)
        self.undo_stack.push(wrapper)
        self._undo_commands = release_deleted(self._undo_commands + [wrapper])

    def replace_document(self, document: Document, path: Path | None) -> None:
        """A new document: the jobs on the old one stop, its undo history goes."""
        self.jobs.new_document()
        self.undo_stack.clear()
        self.doc = document
        self.project_path = path
        self.preview = None
        if document.photo is None and self.view == PHOTO:
            self.set_view(IMAGE)
        document.subscribe(lambda _doc: self._document_changed())
        self.documentReplaced.emit()
        self.documentChanged.emit()
        self.displayChanged.emit()

    def _document_changed(self) -> None:
        self.documentChanged.emit()
        self.displayChanged.emit()

    def show_preview(self, image: np.ndarray | None) -> None:
        """A running job's intermediate image on the pad (None: back to the document)."""
        if image is not None or self.preview is not None:
            self.preview = image
            self.displayChanged.emit()

    def set_view(self, view: str) -> None:
        """Show the model image or (when the document edits a photo) the photo."""
        if view == PHOTO and (self.doc is None or self.doc.photo is None):
            view = IMAGE
        if view != self.view:
            self.view = view
            self.viewChanged.emit(view)
            self.displayChanged.emit()
