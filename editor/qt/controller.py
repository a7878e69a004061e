"""The editor's controller: turns user intents (a finished stroke, a chosen candidate, Fix,
Open...) into commands and jobs. The document, undo stack, model and jobs are in its session
(editor/qt/session.py), which the satellites (photos, retouch, translation) share; widgets
talk to the controller, which never touches a widget.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QObject, Signal

from engine import checkpoints
from engine.device import describe, resolve_device
from engine.errors import UserError
from engine.jobs import Progress
from engine.ops.generate import generate
from engine.ops.types import EditSettings

from ..jobs import Job, watch
from ..model import history, loading
from ..model.document import Document
from ..model.enums import Outcome, Start
from ..model.mask import PaintMask
from ..model.photo import PhotoSettings, preview_square
from ..model.strokes import lands_on_image
from ..model.toolbox import ToolBox
from ..model.tools import AddStroke, EraseStrokes
from .frames import Interpolation
from .live import LiveEdits, warm_started
from .photos import PhotoController
from .project_io import ProjectIO
from .retouch import RetouchController
from .session import PHOTO, Session
from .translation import TranslationController

OUTSIDE_SQUARE = ("That stroke lies outside the square the model edits (the dashed outline): "
                  "it was not added.")



def _shared(name: str) -> property:
    return property(lambda self: getattr(self.session, name),
                    lambda self, value: setattr(self.session, name, value))


class EditorController(ProjectIO, QObject):
    modelChanged = Signal()
    modelFailed = Signal(str)       # no model could be loaded: the message says why
    editBusy = Signal(bool)
    editEnded = Signal(str)         # an Outcome (editor/model/enums.py)
    projectOpened = Signal(object)  # Path (None for a recovered autosave)
    projectSaved = Signal(object)   # Path
    colorChanged = Signal(object)   # (r, g, b) after sampling from the image
    # documentReplaced, documentChanged, displayChanged, viewChanged, status, result, error and
    # editProgress are the session's (editor/qt/session.py), shared with the satellites.

    def __init__(self, edit_settings: EditSettings | None = None, model_dirs=(),
                 device: str = "auto", seed: int | None = None, parent: QObject | None = None,
                 photo_settings: PhotoSettings | None = None):
        super().__init__(parent)
        self.session = s = Session(model_dirs, self)
        for name in ("documentReplaced", "documentChanged", "displayChanged", "viewChanged",
                     "status", "result", "error"):
            setattr(self, name, getattr(s, name))
        self.editProgress = s.progress
        s.documentReplaced.connect(self._document_replaced)
        s.documentChanged.connect(self._document_changed)   # before any widget hears it
        s.editWanted.connect(self.request_edit)
        self.edit_settings = edit_settings or EditSettings()
        self.device_name = device
        self.device = self._resolve_device(device)
        self.rng = np.random.default_rng(seed)
        self.toolbox = ToolBox()
        self.jobs.busyChanged.connect(self.editBusy)   # Esc / Stop and the progress bar
        register = self.jobs.register
        self.edits = register("edit", new_document=True, stop=True, busy=True)
        self.loads = register("load")
        self.starts = register("start", new_document=True)
        self.interpolation = Interpolation(s, lambda: self.edit_settings, self)
        self.renders = self.interpolation.renders
        self.framesReady = self.interpolation.framesReady
        self.photos = PhotoController(s, photo_settings, self)
        self.retouch = RetouchController(s, self.photos.result_work, photo_settings, self)
        self.translation = TranslationController(s, self.display_image, self.photos.result_work,
                                                 self)
        self.live = LiveEdits(self, self)

    # The shared state lives in the session; these read and write it there.
    doc = _shared("doc")
    model = _shared("model")
    device = _shared("device")
    view = _shared("view")
    project_path = _shared("project_path")
    preview = _shared("preview")
    model_dirs = _shared("model_dirs")

    @property
    def undo_stack(self):
        return self.session.undo_stack

    @property
    def jobs(self):
        return self.session.jobs

    # ------------------------------------------------------------ device and models

    def _resolve_device(self, name: str) -> torch.device:
        try:
            return resolve_device(name)
        except UserError as exc:
            self.device_name = "cpu"  # e.g. a saved 'cuda' on a machine without one
            self.error.emit(f"{exc}; using the CPU")
            return torch.device("cpu")

    @property
    def device_label(self) -> str:
        return describe(self.device)

    def set_device(self, name: str) -> None:
        self.device_name = name
        self.device = self._resolve_device(name)
        if self.model is not None:
            self.load_model(self.model.folder, keep_document=True)

    def installed_models(self) -> list[checkpoints.ModelInfo]:
        return self.session.installed_models()

    def load_model(self, name_or_path, start: str = loading.RANDOM,
                   keep_document: bool = False) -> Job:
        """Load a model off the GUI thread; then start a new document from a random or
        average image (or, with keep_document, move the same document to the new device).
        An open photo stays open: it is projected onto the new model (strokes and edits,
        which were made on the old model's images, are not carried over)."""
        device, dirs, seed = self.device, list(self.model_dirs), self._seed()
        keep = keep_document and self.doc is not None
        photo = None if keep or self.doc is None else self.doc.photo

        def work(token):
            model = loading.load_gan(name_or_path, device, dirs)
            token.raise_if_cancelled()
            loading.warm_up(model)
            token.raise_if_cancelled()
            if keep:
                return model, None
            if photo is not None:
                return model, loading.open_photo(model, photo.path, token, pixels=photo.pixels,
                                                 retouched=photo.retouched)
            return model, loading.new_document(model, start, seed)

        self.status.emit(f"Loading model {name_or_path}...")
        job = self.loads.submit(work, "Loading the model")
        job.finished.connect(lambda result: self._model_loaded(*result))
        job.failed.connect(self._model_failed)
        return job

    def _model_loaded(self, model: checkpoints.Model, document: Document | None) -> None:
        self.model = model
        self.toolbox.set_image_size(loading.image_size(model))
        if document is not None:
            self._replace_document(document, None)
        self.status.emit(f"Model {model.config.get('display_name') or model.name} on "
                         f"{self.device_label}")
        self.modelChanged.emit()
        if document is not None and document.photo is not None:
            self.photos.refine()   # the photo's projection onto the new model

    def _model_failed(self, message: str) -> None:
        self.error.emit(message)
        self.modelFailed.emit(message)

    def _seed(self) -> int:
        return int(self.rng.integers(0, 2**31 - 1))

    # ------------------------------------------------------------ the document

    def _replace_document(self, document: Document, path: Path | None) -> None:
        self.session.replace_document(document, path)

    def _document_replaced(self) -> None:
        self.live.stop()

    def _document_changed(self) -> None:
        doc, job = self.doc, self.edits.current
        if job is not None and not job.done and job.tag != (doc, doc.revision):
            job.cancel()  # its input is gone; its result would be dropped anyway

    def doc_model(self) -> checkpoints.Model | None:
        """The model the document's ops use: with its photo's tuned generator when it has one."""
        return self.session.doc_model()

    def push(self, command: history.Command) -> None:
        self.session.push(command)

    def display_image(self) -> np.ndarray | None:
        """What the pad shows: in the photo view the edit transferred onto the photo; else an
        interpolation frame, a running edit's preview, or the current image."""
        if self.doc is None:
            return None
        if self.view == PHOTO and self.doc.photo is not None:
            frame = self.interpolation.shown_on_photo()
            return frame if frame is not None else self.photos.shown()
        frame = self.interpolation.shown()
        if frame is not None:
            return frame
        if self.preview is not None:
            return self.preview
        return self.doc.image

    def display_geometry(self) -> tuple[float, float, float] | None:
        """Where the model image lies on the shown image (x, y, side); None: it is the image."""
        if self.view == PHOTO and self.doc is not None and self.doc.photo is not None:
            return preview_square(self.doc.photo)
        return None

    def show_preview(self, image: np.ndarray | None) -> None:
        """A running job's intermediate image on the pad (None: back to the document)."""
        self.session.show_preview(image)

    def set_view(self, view: str) -> None:
        """Show the model image or (when the document edits a photo) the photo."""
        self.session.set_view(view)

    @property
    def dirty(self) -> bool:
        return self.doc is not None and not self.undo_stack.isClean()

    def history_texts(self) -> list[str]:
        return [self.undo_stack.text(i) for i in range(self.undo_stack.index())]

    # ------------------------------------------------------------ strokes and edits

    def apply_tool_result(self, result) -> None:
        if self.doc is None:
            return
        if isinstance(result, PaintMask):
            self.retouch.paint_mask(result)
            return
        if isinstance(result, AddStroke):
            if not lands_on_image(result.stroke, self.doc.image_size):
                self.status.emit(OUTSIDE_SQUARE)
                return
            self.push(history.add_stroke(self.doc, result.stroke))
        elif isinstance(result, EraseStrokes):
            self.push(history.erase_strokes(self.doc, result.indices))
        else:
            return
        self.request_edit()

    def request_edit(self) -> Job | None:
        """Start an edit job for the current strokes; a newer request supersedes it."""
        if self.doc is None or self.model is None:
            return None
        request = self.doc.edit_request(self.edit_settings)
        if request is None:
            self.edits.cancel()
            self.show_preview(None)
            return None
        model, doc = self.doc_model(), self.doc
        request = warm_started(request, self.live.take_warm(doc))

        def work(token):
            from engine.ops.edit import edit  # first use imports the losses: off the GUI thread
            return edit(model, request.constraints, z0=request.z0, start=request.start,
                        settings=request.settings, token=token)

        job = self.edits.submit(work, "Edit", tag=(doc, request.revision))
        return watch(job, progress=lambda progress: self._edit_progress(job, progress),
                     finished=lambda result: self._edit_finished(job, result),
                     failed=lambda message: self._edit_ended(job, Outcome.FAILED, message),
                     cancelled=lambda: self._edit_ended(job, Outcome.CANCELLED, "Edit cancelled"))

    def _edit_progress(self, job: Job, progress: Progress) -> None:
        if job is not self.edits.current:
            return
        if progress.preview is not None:
            self.preview = progress.preview
            self.displayChanged.emit()
        self.editProgress.emit(progress.step, progress.total)
        self.status.emit(f"Editing: step {progress.step}/{progress.total} - "
                         f"{job.elapsed:.1f} s - {self.device_label}")

    def _edit_finished(self, job: Job, result) -> None:
        doc, revision = job.tag
        if doc is self.doc and doc.revision == revision:
            self.preview = None
            blended = doc.edit_request(self.edit_settings).keeps_outside
            self.push(history.apply_result(doc, result.z, result.images, result.costs, blended))
            self.result.emit(f"Edit done: {len(result.z)} candidates, best cost "
                             f"{float(result.costs[0]):.4g}, {result.steps} steps in "
                             f"{result.seconds:.1f} s - {self.device_label}")
            self.editEnded.emit(Outcome.APPLIED)
        else:
            self._edit_ended(job, Outcome.DROPPED, "Edit result dropped: the strokes changed")

    def _edit_ended(self, job: Job, outcome: str, message: str) -> None:
        if self.edits.current in (None, job):
            self.preview = None
            self.displayChanged.emit()
        if outcome == Outcome.FAILED:
            self.error.emit(message)
        self.status.emit(message)
        self.editEnded.emit(outcome)

    def stop(self) -> None:
        """Esc / Stop: cancel the running edit, projection, inpainting and frame rendering."""
        self.live.stop()
        self.jobs.stop()

    # ------------------------------------------------------------ candidates, fix, starts

    def choose_candidate(self, index: int) -> None:
        if self.doc is None or not 0 <= index < len(self.doc.candidates):
            return
        if self.doc.state.chosen == index:
            return
        self.push(history.choose_candidate(self.doc, index))

    def fix(self) -> None:
        if self.doc is not None:
            self.push(history.fix_current(self.doc))

    def clear_strokes(self) -> None:
        if self.doc is not None and self.doc.strokes:
            self.edits.cancel()
            self.push(history.clear_strokes(self.doc))

    def new_start(self, which: str) -> Job | None:
        """A Start: random, average or restart (back to the start image); undoable."""
        if self.doc is None or self.model is None:
            return None
        model, doc = self.doc_model(), self.doc
        if which == Start.RESTART:
            z, text = doc.state.z_start, "Restart"
        else:
            z = loading.start_latent(model, which, self._seed())
            text = "Average start" if which == loading.AVERAGE else "Random start"

        def work(token):
            return generate(model.generator(), z)

        job = self.starts.submit(work, text)
        job.finished.connect(lambda image: self._start_ready(doc, z, image, text))
        job.failed.connect(self.error)
        return job

    def _start_ready(self, doc: Document, z: np.ndarray, image: np.ndarray, text: str) -> None:
        if doc is self.doc:
            self.edits.cancel()
            self.push(history.new_start(doc, z, image, text))

    def sample_color(self, x: float, y: float) -> None:
        image = self.display_image()
        if image is None:
            return
        row = min(max(int(y), 0), image.shape[0] - 1)
        col = min(max(int(x), 0), image.shape[1] - 1)
        color = tuple(int(v) for v in image[row, col])
        self.toolbox.set_color(color)
        self.colorChanged.emit(color)

    # ------------------------------------------------------------ interpolation (frames.py)

    @property
    def frames(self) -> np.ndarray | None:
        return self.interpolation.frames

    @property
    def frame_index(self) -> int | None:
        return self.interpolation.index

    def request_frames(self, mode: str = "linear") -> Job | None:
        return self.interpolation.request(mode)

    def show_frame(self, index: int | None) -> None:
        self.interpolation.show(index)

    # ------------------------------------------------------------ shutdown

    def shutdown(self) -> None:
        self.live.stop()
        self.jobs.shutdown()
