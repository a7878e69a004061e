"""Image-to-image translation (pix2pix / CycleGAN models) off the GUI thread.

Two runners: the sketch pad's (re-run on every stroke; the latest drawing wins) and the
'apply to the current image' one, whose result goes to a viewer. Loaded models are cached
by folder and device.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine import checkpoints

from ..jobs import Job, JobRunner

TRANSLATION_KINDS = ("pix2pix", "cyclegan")


class TranslationController(QObject):
    sketchTranslated = Signal(object)          # uint8 image: the sketch pad's translation
    resultReady = Signal(str, object, str)     # title, uint8 image, suggested file name

    def __init__(self, session, shown, parent: QObject | None = None):
        super().__init__(parent)
        self.c = session   # editor/qt/session.py
        self.shown = shown  # () -> what the pad shows
        self.sketches = session.jobs.register("sketch", parent=self)
        self.applies = session.jobs.register("translate", parent=self)

    def models(self) -> list[checkpoints.ModelInfo]:
        return [m for m in self.c.installed_models()
                if m.kind in TRANSLATION_KINDS and not m.error]

    def _job(self, runner: JobRunner, folder, image: np.ndarray, direction: str,
             label: str) -> Job:
        folder, device = Path(folder), self.c.device
        image = np.ascontiguousarray(image)

        def work(token):
            from engine.ops.translate import translate
            model = self.c.helper_model(folder, device)
            return (yield from translate(model, image, direction=direction, token=token))

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
        job = self._job(self.applies, folder, image, direction, f"Translating with {name}")
        job.finished.connect(lambda result: self.resultReady.emit(
            f"Translated with {name}", result, f"translated_{name}.png"))
        self.c.status.emit(f"Translating with {name}...")
        return job
