"""Image-to-image translation (pix2pix / CycleGAN models) off the GUI thread.

Two runners: the sketch pad's (re-run on every stroke; the latest drawing wins) and the
'apply to the current image' one, whose result goes to a viewer. Loaded models are cached
by folder and device. A colourising model applied to the image takes the document's colour
strokes as colour hints (editor/model/hints.py), mapped onto the image the pad shows; they
are read when Apply is pressed, so an undone stroke gives no hint.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine import checkpoints
from engine.kinds import TRANSLATION_KINDS

from ..jobs import Job, JobRunner
from ..model.hints import color_strokes, photo_geometry, stroke_hints
from ..model.translators import translator_traits
from .session import PHOTO



class TranslationController(QObject):
    sketchTranslated = Signal(object)          # uint8 image: the sketch pad's translation
    resultReady = Signal(str, object, str)     # title, uint8 image, suggested file name
    hintsChanged = Signal(int)                 # colour strokes in the document (colour hints)

    def __init__(self, session, shown, parent: QObject | None = None):
        super().__init__(parent)
        self.c = session   # editor/qt/session.py
        self.shown = shown  # () -> what the pad shows
        self.sketches = session.jobs.register("sketch", parent=self)
        self.applies = session.jobs.register("translate", parent=self)
        session.documentChanged.connect(self._count_hints)
        session.documentReplaced.connect(self._count_hints)

    def _count_hints(self) -> None:
        doc = self.c.doc
        self.hintsChanged.emit(0 if doc is None else len(color_strokes(doc.strokes)))

    def models(self) -> list[checkpoints.ModelInfo]:
        return [m for m in self.c.installed_models()
                if m.kind in TRANSLATION_KINDS and not m.error]

    def _job(self, runner: JobRunner, folder, image: np.ndarray, direction: str,
             label: str, hints: np.ndarray | None = None) -> Job:
        folder, device = Path(folder), self.c.device
        image = np.ascontiguousarray(image)

        def work(token):
            from engine.ops.translate import translate
            model = self.c.helper_model(folder, device)
            return (yield from translate(model, image, direction=direction, token=token,
                                         hints=hints))

        job = runner.submit(work, label)
        job.failed.connect(self.c.error)
        return job

    def translate_sketch(self, folder, drawing: np.ndarray, direction: str = "ab") -> Job:
        job = self._job(self.sketches, folder, drawing, direction, "Translating the sketch")
        job.finished.connect(self.sketchTranslated)
        return job

    def translate_current(self, folder, direction: str = "ab") -> Job | None:
        """Translate what the pad shows (the model image, or the edited photo's preview)."""
        image = self.shown()
        if image is None:
            return None
        name = Path(folder).name
        hints, count = self.hints(folder, image) if direction == "ab" else (None, 0)
        with_hints = f" with {count} colour hint{'' if count == 1 else 's'}" if count else ""
        job = self._job(self.applies, folder, image, direction,
                        f"Translating with {name}{with_hints}", hints)
        job.finished.connect(lambda result: self.resultReady.emit(
            f"Translated with {name}{with_hints}", result, f"translated_{name}.png"))
        self.c.status.emit(f"Translating with {name}{with_hints}...")
        return job

    def hints(self, folder, image: np.ndarray) -> tuple[np.ndarray | None, int]:
        """The document's colour strokes as colour hints on `image` (what the pad shows) when
        the model at `folder` takes hints; else (None, 0)."""
        doc = self.c.doc
        if doc is None or not color_strokes(doc.strokes) or not translator_traits(folder).takes_hints:
            return None, 0
        height, width = image.shape[:2]
        photo = doc.photo if self.c.view == PHOTO else None
        geometry = None if photo is None else photo_geometry(photo, width)
        return stroke_hints(doc.strokes, doc.image_size, height, width, geometry)
