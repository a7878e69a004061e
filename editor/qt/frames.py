"""Interpolation frames from the previous to the current image, rendered off the GUI thread
and shown on the pad one at a time (the Interpolation dock's slider and Play). They start and
end on the images the user saw (engine.ops.interpolate.anchor_frames): after a Fix edit those
are blends with the fixed image, not G(z). A satellite of the controller: it takes the
session (and the edit settings, for Fix's margin), and drops its frames on any change of the
document."""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.jobs import drive
from engine.ops.generate import generate
from engine.ops.keep import generator_share
from engine.ops.types import EditSettings

from ..jobs import Job
from ..model.photo import frames_on_photo
from ..model.strokes import rasterize

INTERPOLATION_FRAMES = 16


class Interpolation(QObject):
    framesReady = Signal()

    def __init__(self, session, edit_settings: Callable[[], EditSettings],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.s = session
        self._edit_settings = edit_settings
        self.frames: np.ndarray | None = None
        self.photo_frames: list[np.ndarray] | None = None   # the frames carried onto the photo
        self.index: int | None = None      # the frame shown; None: the document's image
        self._key = None
        self.renders = session.jobs.register("frames", new_document=True, stop=True, parent=self)
        session.documentReplaced.connect(self.reset)
        session.documentChanged.connect(self.reset)

    def reset(self) -> None:
        self.renders.cancel()
        self.frames, self.photo_frames, self._key = None, None, None
        if self.index is not None:
            self.index = None

    def shown(self) -> np.ndarray | None:
        """The frame on the pad, if one is chosen."""
        if self.index is not None and self.frames is not None:
            return self.frames[self.index]
        return None

    def shown_on_photo(self) -> np.ndarray | None:
        """The chosen frame carried onto the photo's preview (the photo view), if one is."""
        if self.index is not None and self.photo_frames is not None:
            return self.photo_frames[self.index]
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
        state = doc.state
        share = self._generator_share(doc)
        strokes = rasterize(doc.strokes, doc.image_size) if state.photo is not None else None

        def work(token):
            from engine.ops.interpolate import anchor_frames, interpolate
            latents = interpolate(state.z_previous, state.z_current, frames=INTERPOLATION_FRAMES,
                                  mode=mode)
            token.raise_if_cancelled()
            frames = generate(model.generator(), latents)
            if state.previous_image is not None:
                frames = anchor_frames(frames, state.previous_image, state.image, share)
            if state.photo is None:
                return frames, None
            return frames, drive(frames_on_photo(state.photo, frames, strokes, token))

        job = self.renders.submit(work, "Interpolation", tag=key)
        job.finished.connect(lambda result: self._ready(key, *result))
        job.failed.connect(self.s.error)
        return job

    def _generator_share(self, doc) -> np.ndarray | None:
        """Where the current strokes' edit keeps the fixed image (Fix), how much of each pixel
        came from the generator; None when all of it did."""
        request = doc.edit_request(self._edit_settings())
        if request is None or not request.keeps_outside:
            return None
        return generator_share(request.constraints, doc.image_size, request.settings.keep_margin)

    def _ready(self, key, frames: np.ndarray, photo_frames: list[np.ndarray] | None) -> None:
        doc = self.s.doc
        if doc is not None and key[:2] == (doc, doc.revision):
            self.frames, self.photo_frames, self._key = frames, photo_frames, key
            self.framesReady.emit()
            self.s.displayChanged.emit()

    def show(self, index: int | None) -> None:
        """Show frame `index` on the pad (None or the last frame: the image)."""
        if index is not None and (self.frames is None or index >= len(self.frames) - 1):
            index = None
        if index != self.index:
            self.index = index
            self.s.displayChanged.emit()
