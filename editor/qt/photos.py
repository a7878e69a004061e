"""Real photos in the editor: open one, project it onto the manifold (the encoder's guess at
once, then the hybrid projection with progress), show the edit transferred onto it, and
export the full-resolution result. Everything slow runs on worker threads.

The photo view shows the edit transferred onto the photo's preview (fast); export and
super-resolution transfer it onto the full-resolution pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.errors import UserError
from engine.jobs import Progress, drive

from ..jobs import Job, watch
from ..model import history, loading
from ..model.enums import Outcome
from ..model.photo import PhotoLayer, PhotoSettings, edited
from ..model.project import export_image
from ..model.tools import rasterize
from .session import PHOTO
from .tuning import PhotoTuning


class PhotoController(QObject):
    opened = Signal(object)               # the photo's Path, once its document is shown
    projectionFinished = Signal(str)      # an Outcome (editor/model/enums.py)
    exported = Signal(object)             # Path

    def __init__(self, session, settings: PhotoSettings | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.c = session   # editor/qt/session.py
        self.settings = settings or PhotoSettings()
        register = session.jobs.register
        self.opening = register("photo", parent=self)
        self.projections = register("projection", new_document=True, stop=True, busy=True,
                                    parent=self)
        self.transfers = register("transfer", parent=self)
        self.exports = register("photo-export", parent=self)
        self.tuning = PhotoTuning(self, self)   # runs on self.projections, after a projection
        session.documentChanged.connect(self.schedule_transfer)
        session.viewChanged.connect(lambda _view: self.schedule_transfer())
        self._shown: tuple[PhotoLayer, np.ndarray, np.ndarray] | None = None  # photo, image, result

    # ------------------------------------------------------------ opening and projection

    def open(self, path: str | Path) -> Job | None:
        """Open a photo as a new document; the current one is replaced only on success."""
        model, path = self.c.model, Path(path)
        if model is None:
            self.c.error.emit("Load a model before opening a photo: the photo is projected "
                              "onto the model's images.")
            return None

        def work(token):
            return loading.open_photo(model, path, token)

        self.c.status.emit(f"Opening {path.name}...")
        job = self.opening.submit(work, "Opening the photo")
        job.finished.connect(lambda document: self._opened(document, path))
        job.failed.connect(self.c.error)
        return job

    def _opened(self, document, path: Path) -> None:
        self.c.replace_document(document, None)
        self.c.set_view(PHOTO)   # the user opened a photo: show it, not its 64 px stand-in
        photo = document.photo
        self.c.status.emit(f"Opened {path.name} ({photo.width}x{photo.height}); projecting...")
        self.opened.emit(path)
        self.refine()

    def refine(self) -> Job | None:
        """The hybrid projection (encoder start, then optimisation) of the document's photo."""
        doc, model = self.c.doc, self.c.model
        if doc is None or doc.photo is None or model is None:
            return None
        photo, steps = doc.photo, self.settings.projection_steps

        def work(token):
            from engine.ops.project import best_method, project
            return (yield from project(model, photo.pixels, method=best_method(model), steps=steps,
                                       token=token))

        job = self.projections.submit(work, "Projection", tag=(doc, photo))
        watch(job, progress=lambda progress: self._progress(job, progress),
              finished=lambda result: self._refined(job, result),
              failed=lambda message: self._ended(job, Outcome.FAILED, message),
              cancelled=lambda: self._ended(job, Outcome.CANCELLED, "Projection stopped"))
        return job

    def _progress(self, job: Job, progress: Progress) -> None:
        self.c.progress.emit(progress.step, progress.total)
        psnr = progress.metrics.get("psnr")
        self.c.status.emit(f"Projecting the photo: step {progress.step}/{progress.total}"
                           + (f" - {psnr:.1f} dB" if psnr is not None else "")
                           + f" - {job.elapsed:.1f} s")

    def _refined(self, job: Job, result) -> None:
        doc, photo = job.tag
        if doc is not self.c.doc or doc.photo is not photo:
            self._ended(job, Outcome.DROPPED, "Projection dropped: the photo changed")
            return
        command = history.refine_projection(doc, result.z, result.image)
        command.text = f"Refine projection ({result.psnr:.1f} dB)"
        if self.c.undo_stack.count() == 0:
            command.redo(doc)  # still the opened photo, untouched: part of opening it
        else:
            self.c.push(command)
            self.c.editWanted.emit()  # strokes made meanwhile now start from the better projection
        self.c.result.emit(f"Projection done: {result.psnr:.1f} dB after {result.steps} steps "
                           f"in {result.seconds:.1f} s")
        self.projectionFinished.emit(Outcome.APPLIED)
        self.tuning.start()

    def _ended(self, job: Job, outcome: str, message: str) -> None:
        if outcome == Outcome.FAILED:
            self.c.error.emit(message)
        self.c.status.emit(message)
        self.projectionFinished.emit(outcome)

    # ------------------------------------------------------------ the photo view

    def shown(self) -> np.ndarray | None:
        """What the photo view shows: the edit transferred onto the preview, or while that
        transfer runs the last one for this photo (asking starts nothing)."""
        doc = self.c.doc
        if doc is None or doc.photo is None:
            return None
        if self._shown is not None and self._shown[0] is doc.photo:
            return self._shown[2]
        return doc.photo.preview

    def schedule_transfer(self) -> None:
        """In the photo view, transfer the current edit onto the photo's preview unless it is
        shown or on its way (on every document or view change: photo view -> transfer)."""
        doc = self.c.doc
        if self.c.view != PHOTO or doc is None or doc.photo is None:
            return
        photo, image = doc.photo, doc.image
        if self._shown is not None and self._shown[0] is photo and self._shown[1] is image:
            return
        running = self.transfers.current
        if running is not None and not running.done and running.tag[0] is photo \
                and running.tag[1] is image:
            return
        constraints = self._constraints()
        job = self.transfers.submit(lambda token: edited(photo, image, False, token, constraints),
                                    "Transfer", tag=(photo, image))
        job.finished.connect(lambda result: self._transferred(photo, image, result))
        job.failed.connect(self.c.error)

    def _transferred(self, photo: PhotoLayer, image: np.ndarray, result: np.ndarray) -> None:
        self._shown = (photo, image, result)
        self.c.displayChanged.emit()

    # ------------------------------------------------------------ full resolution

    def result_work(self):
        """A job's work computing the full-resolution result of the current document
        (snapshotted now, so later changes do not affect it)."""
        photo, image, constraints = self.c.doc.photo, self.c.doc.image, self._constraints()
        return lambda token: drive(edited(photo, image, True, token, constraints))

    def _constraints(self):
        """The document's strokes at model resolution: where the transfer may change the photo."""
        doc = self.c.doc
        return rasterize(doc.strokes, doc.image_size)

    def export(self, path: str | Path, overwrite: bool = False) -> Job:
        """Write the full-resolution edited photo (in the background)."""
        doc = self.c.doc
        if doc is None or doc.photo is None:
            raise UserError("no photo is open")
        compute = self.result_work()
        protected = (self.c.project_path,) if self.c.project_path else ()
        path = Path(path)

        def work(token):
            return export_image(path, compute(token), protected, overwrite)

        self.c.status.emit(f"Exporting {path.name}...")
        job = self.exports.submit(work, "Export")
        job.finished.connect(self._exported)
        job.failed.connect(self.c.error)
        return job

    def _exported(self, path: Path) -> None:
        self.c.status.emit(f"Exported {path}")
        self.exported.emit(path)
