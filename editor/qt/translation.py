"""Image-to-image translation (pix2pix / CycleGAN models) off the GUI thread.

Two runners: the sketch pad's (re-run on every stroke; the latest drawing wins) and the
'apply' one, whose result goes to a viewer. Apply translates the open photo at its full
resolution, with the current edit carried onto it, in either view (the model image is only
the photo's stand-in for editing); without a photo, the current model image. Loaded models
are cached by folder and device. A colourising model takes the document's colour strokes
as colour hints (editor/model/hints.py), mapped onto the image it translates; they are read
when Apply is pressed, so an undone stroke gives no hint. It colourises the photo as it is,
not the edit the strokes made on it (that edit would brighten or darken the photo under a
stroke, and the colouriser keeps the lightness it is given).
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
    targetChanged = Signal(bool)               # True: Apply translates the open photo

    def __init__(self, session, shown, photo_result, parent: QObject | None = None):
        super().__init__(parent)
        self.c = session   # editor/qt/session.py
        self.shown = shown  # () -> what the pad shows
        self.photo_result = photo_result   # PhotoController.result_work
        self.sketches = session.jobs.register("sketch", parent=self)
        self.applies = session.jobs.register("translate", parent=self)
        session.documentChanged.connect(self._count_hints)
        session.documentReplaced.connect(self._count_hints)

    def _count_hints(self) -> None:
        doc = self.c.doc
        self.hintsChanged.emit(0 if doc is None else len(color_strokes(doc.strokes)))
        self.targetChanged.emit(doc is not None and doc.photo is not None)

    def models(self) -> list[checkpoints.ModelInfo]:
        return [m for m in self.c.installed_models()
                if m.kind in TRANSLATION_KINDS and not m.error]

    def _job(self, runner: JobRunner, folder, image, direction: str,
             label: str, hints=None) -> Job:
        """image and hints: arrays, or (for the photo) functions of the cancel token and of
        the image that make them in the worker."""
        folder, device = Path(folder), self.c.device
        make_image = image if callable(image) else (lambda token: image)
        make_hints = hints if callable(hints) else (lambda picture: hints)

        def work(token):
            from engine.ops.translate import translate
            model = self.c.helper_model(folder, device)
            picture = np.ascontiguousarray(make_image(token))
            return (yield from translate(model, picture, direction=direction, token=token,
                                         hints=make_hints(picture)))

        job = runner.submit(work, label)
        job.failed.connect(self.c.error)
        return job

    def translate_sketch(self, folder, drawing: np.ndarray, direction: str = "ab") -> Job:
        job = self._job(self.sketches, folder, drawing, direction, "Translating the sketch")
        job.finished.connect(self.sketchTranslated)
        return job

    def translate_current(self, folder, direction: str = "ab") -> Job | None:
        """Translate the open photo (full size, edited), else the current model image."""
        doc = self.c.doc
        if doc is None:
            return None
        name = Path(folder).name
        hinted = direction == "ab"
        if doc.photo is not None:
            photo, strokes = doc.photo, doc.strokes
            takes_hints = hinted and translator_traits(folder).takes_hints
            count = len(color_strokes(strokes)) if takes_hints else 0
            # A model that takes hints gets the photo as it is (retouches included), its
            # colour strokes as hints: the edit those strokes made would change its lightness.
            image = photo.pixels if takes_hints else self.photo_result()

            def hints(picture):
                height, width = picture.shape[:2]
                return stroke_hints(strokes, doc.image_size, height, width,
                                    photo_geometry(photo, width))[0] if count else None
            what = f" the {photo.width}x{photo.height} photo"
        else:
            image = self.shown()
            if image is None:
                return None
            hints, count = self.hints(folder, image) if hinted else (None, 0)
            what = ""
        with_hints = f" with {count} colour hint{'' if count == 1 else 's'}" if count else ""
        job = self._job(self.applies, folder, image, direction,
                        f"Translating{what} with {name}{with_hints}", hints)
        done = f"Translated{what} with {name}{with_hints}"
        job.finished.connect(lambda result: (self.c.status.emit(done), self.resultReady.emit(
            done, result, f"translated_{name}.png")))
        self.c.status.emit(f"Translating{what} with {name}{with_hints}...")
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
