"""Live edits while painting (iGAN's interface): while the mouse is down, the edit search runs
on the strokes so far plus the one being drawn, and the pad shows each result as it comes.

One short search runs at a time; mouse moves while it runs only replace the waiting request,
so the newest stroke is searched next (latest wins) and the GUI thread never waits. Each
search warm-starts from the previous one's best latent: it is the first of the starts. Without
an anchor the others are perturbations of it; with a fixed image (Fix) or a warp the document's
anchor stays the anchor (the blend, the codes that may not move) and the warm latent is only
tried first (`start` of engine.ops.edit). On release the controller's full search takes over,
warm-started from the last live latent (`take_warm`).
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.ops.types import EditSettings

from ..jobs import Job
from ..model.document import Document, EditRequest
from ..model.tools import Stroke

# Sized for >= 8 updates a second on the 2-core machine with the shipped 64 px models
# (scripts/bench_editor.py --jobs live measures it); the search on release uses the settings.
LIVE_STARTS = 4
LIVE_STEPS = 6
LIVE_PREVIEW_EVERY = 3   # the pad also shows the best image midway through each search
LIVE_POOL = 64           # prior samples scored for the first, cold search (later ones warm-start)


def live_settings(settings: EditSettings) -> EditSettings:
    return dataclasses.replace(settings, starts=min(settings.starts, LIVE_STARTS),
                               candidates=1, steps=min(settings.steps, LIVE_STEPS),
                               pool=min(settings.pool, LIVE_POOL), preview_every=LIVE_PREVIEW_EVERY)


def warm_started(request: EditRequest, warm: np.ndarray | None) -> EditRequest:
    """The request starting from `warm`. With an anchor of the document's own (Fix, a warp)
    `warm` is tried first and the anchor stays. Without one `warm` becomes the anchor with
    the keep and closeness terms off: they would hold the result to `warm`'s image, which is
    only a starting point (without Fix the search explores freely)."""
    if warm is None:
        return request
    if request.z0 is not None:
        return dataclasses.replace(request, start=warm)
    settings = dataclasses.replace(request.settings, keep_weight=0.0, closeness_weight=0.0)
    return dataclasses.replace(request, z0=warm, settings=settings)


class LiveEdits(QObject):
    """The live search during a drag; the controller feeds it the stroke being drawn."""
    updated = Signal(object)   # a live result (uint8 HxWx3) is on the pad
    enabledChanged = Signal(bool)

    def __init__(self, controller, parent: QObject | None = None):
        super().__init__(parent)
        self.c = controller
        self.enabled = True
        self.runner = controller.jobs.register("live", new_document=True, stop=True, parent=self)
        self._doc: Document | None = None    # the document being drawn on; None: no drag
        self._base: tuple[Stroke, ...] = ()  # its strokes when the drag began
        self._pending: tuple[Stroke, ...] | None = None
        self._warm: tuple[Document, tuple[Stroke, ...], np.ndarray] | None = None
        self.updates = 0   # live searches finished this drag
        self.shown = 0     # images they put on the pad (midway previews and results)
        self.started_at = 0.0

    def set_enabled(self, enabled: bool) -> None:
        enabled = bool(enabled)
        if enabled != self.enabled:
            self.enabled = enabled
            if not enabled:
                self.stop()
            self.enabledChanged.emit(enabled)

    # ------------------------------------------------------------ the drag

    def drawing(self, stroke: Stroke | None) -> None:
        """The stroke drawn so far (None: the drag ended)."""
        c = self.c
        if stroke is None:
            self._end_drag()
            return
        if not self.enabled or c.doc is None or c.model is None:
            return
        if self._doc is not c.doc:
            self._begin(c.doc)
        self._pending = self._base + (stroke,)
        if not self.runner.busy:
            self._submit()

    def _begin(self, doc: Document) -> None:
        self.c.edits.cancel()   # the drag's search supersedes the previous stroke's
        self._doc, self._base, self._warm = doc, doc.strokes, None
        self.updates, self.shown, self.started_at = 0, 0, time.monotonic()

    def _end_drag(self) -> None:
        was_drawing = self._doc is not None
        self._doc, self._pending = None, None
        self.runner.cancel()
        if was_drawing and self.c.edits.current is None:
            self.c.show_preview(None)   # no search follows the drag: back to the document

    def stop(self) -> None:
        """Esc, a new document, live edits turned off: no more live searches this drag."""
        self._doc, self._pending, self._warm = None, None, None
        self.runner.cancel()

    def take_warm(self, doc: Document) -> np.ndarray | None:
        """The last live latent, for the search on release, when it was found on this
        document from the strokes it has now, but for its newest one."""
        warm, self._warm = self._warm, None
        if warm is None or warm[0] is not doc or doc.strokes[:-1] != warm[1]:
            return None
        return warm[2]

    # ------------------------------------------------------------ the searches

    def _submit(self) -> None:
        c, doc, strokes = self.c, self._doc, self._pending
        self._pending = None
        request = doc.edit_request(live_settings(c.edit_settings), strokes)
        if request is None:
            return
        warm = self._warm[2] if self._warm is not None else None
        request, model, base = warm_started(request, warm), c.doc_model(), self._base

        def work(token):
            from engine.ops.edit import edit
            return edit(model, request.constraints, z0=request.z0, start=request.start,
                        settings=request.settings, token=token)

        job = self.runner.submit(work, "Live edit", tag=doc)
        job.progress.connect(lambda progress: self._progress(job, progress.preview))
        job.finished.connect(lambda result: self._finished(job, base, result))
        job.failed.connect(lambda message: self._failed(job, message))

    def _current(self, job: Job) -> bool:
        return self._doc is not None and job.tag is self._doc and job is self.runner.current

    def _progress(self, job: Job, preview) -> None:
        if preview is not None and self._current(job):
            self.shown += 1
            self.c.show_preview(preview)

    def _finished(self, job: Job, base: tuple[Stroke, ...], result) -> None:
        if not self._current(job):
            return
        self._warm = (job.tag, base, result.z[0])
        self.updates += 1
        self.shown += 1
        self.c.show_preview(result.images[0])
        self.updated.emit(result.images[0])
        if self._pending is not None:
            self._submit()

    def _failed(self, job: Job, message: str) -> None:
        if self._current(job):
            self.stop()
            self.c.error.emit(message)
