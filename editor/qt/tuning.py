"""Pivotal tuning of the generator to the open photo, as a job after its projection: progress
and PSNR in the status bar, stopped by Esc / Stop and by a new document (it runs on the
projection's runner), applied only if the photo is still the one it was tuned for."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from engine.jobs import Progress

from ..jobs import Job
from ..model.enums import Outcome
from ..model.tuned import TunedGenerator, apply_tuning


class PhotoTuning(QObject):
    finished = Signal(str)   # an Outcome (editor/model/enums.py)

    def __init__(self, photos, parent: QObject | None = None):
        super().__init__(parent)
        self.photos = photos

    @property
    def c(self):
        return self.photos.c

    def start(self) -> Job | None:
        """Tune a copy of the model's generator at the photo's projection (not when the
        settings say 0 steps or the photo already has its tuned generator)."""
        doc, model, steps = self.c.doc, self.c.model, self.photos.settings.tune_steps
        if doc is None or doc.photo is None or model is None or steps < 1 \
                or doc.photo.tuned is not None:
            return None
        photo = doc.photo

        def work(token):
            from engine.ops.tune import TuneSettings, tune
            result = yield from tune(model, photo.pixels, photo.z_projected,
                                     settings=TuneSettings(steps=steps), token=token)
            return TunedGenerator(result.generator, result.pivot, result.psnr, model.name), result

        job = self.photos.projections.submit(work, "Tuning", tag=(doc, photo))
        job.progress.connect(lambda progress: self._progress(job, progress))
        job.finished.connect(lambda outcome: self._tuned(job, *outcome))
        job.failed.connect(lambda message: self._ended(Outcome.FAILED, message))
        job.cancelled.connect(lambda: self._ended(
            Outcome.CANCELLED, "Tuning stopped: edits use the model's own generator"))
        return job

    def _progress(self, job: Job, progress: Progress) -> None:
        self.c.progress.emit(progress.step, progress.total)
        psnr = progress.metrics.get("psnr")
        self.c.status.emit(f"Tuning the generator to the photo: step {progress.step}/"
                           f"{progress.total}" + (f" - {psnr:.1f} dB" if psnr is not None else "")
                           + f" - {job.elapsed:.1f} s")

    def _tuned(self, job: Job, tuned: TunedGenerator, result) -> None:
        doc, photo = job.tag
        if doc is not self.c.doc or doc.photo is not photo:
            self._ended(Outcome.DROPPED, "Tuning dropped: the photo changed")
            return
        command = apply_tuning(doc, tuned, result.image)
        if self.c.undo_stack.count() == 0:
            command.redo(doc)  # part of opening the photo
        else:
            self.c.push(command)
            self.c.editWanted.emit()  # strokes made meanwhile now use the tuned generator
        self.c.status.emit(f"Generator tuned to the photo: {result.psnr_before:.1f} -> "
                           f"{result.psnr:.1f} dB in {result.seconds:.1f} s")
        self.finished.emit(Outcome.APPLIED)

    def _ended(self, outcome: str, message: str) -> None:
        if outcome == Outcome.FAILED:
            self.c.error.emit(message)
        self.c.status.emit(message)
        self.finished.emit(outcome)
