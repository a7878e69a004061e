"""Interpolation frames from the previous to the current image, rendered off the GUI thread
and shown on the pad one at a time (the Interpolation dock's slider and Play). A satellite of
the controller: it takes the session, and drops its frames on any change of the document."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.ops.generate import generate

from ..jobs import Job

INTERPOLATION_FRAMES = 16


class Interpolation(QObject):
    framesReady = Signal()

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        self.s = session
        self.frames: np.ndarray | None = None
        self.index: int | None = None      # the frame shown; None: the document's image
        self._key = None
        self.renders = session.jobs.register("frames", new_document=True, stop=True, parent=self)
        session.documentReplaced.connect(self.reset)
        session.documentChanged.connect(self.reset)

    def reset(self) -> None:
        self.renders.cancel()
        self.frames, self._key = None, None
        if self.index is not None:
            self.index = None

    def shown(self) -> np.ndarray | None:
        """The frame on the pad, if one is chosen."""
        if self.index is not None and self.frames is not None:
            return self.frames[self.index]
        return None

    def request(self, mode: str = "linear") -> Job | None:
        """Render the frames from the previous to the current image (off the GUI thread)."""
        doc, model = self.s.doc, self.s.doc_model()
        if doc is None or model is None or doc.state.z_previous is None:
            return None
        key = (doc, doc.revision, mode)
        if self._key == key and self.frames is not None:
            self.framesReady.emit()
            return None
        running = self.renders.current
        if running is not None and not running.done and running.tag == key:
            return running  # already being rendered
        z0, z1 = doc.state.z_previous, doc.state.z_current

        def work(token):
            from engine.ops.interpolate import interpolate
            latents = interpolate(z0, z1, frames=INTERPOLATION_FRAMES, mode=mode)
            token.raise_if_cancelled()
            return generate(model.generator(), latents)

        job = self.renders.submit(work, "Interpolation", tag=key)
        job.finished.connect(lambda frames: self._ready(key, frames))
        job.failed.connect(self.s.error)
        return job

    def _ready(self, key, frames: np.ndarray) -> None:
        doc = self.s.doc
        if doc is not None and key[:2] == (doc, doc.revision):
            self.frames, self._key = frames, key
            self.framesReady.emit()
            self.s.displayChanged.emit()

    def show(self, index: int | None) -> None:
        """Show frame `index` on the pad (None or the last frame: the image)."""
        if index is not None and (self.frames is None or index >= len(self.frames) - 1):
            index = None
        if index != self.index:
            self.index = index
            self.s.displayChanged.emit()
