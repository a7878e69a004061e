"""Inpainting and super-resolution of what the editor shows: the model image, or the photo.

The mask is painted on the view's target (the model image in the image view, the
full-resolution photo in the photo view). Inpainting runs in the background; its result is
one undoable step. Super-resolution returns an image for a viewer (nothing in the document
changes).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal

from engine import checkpoints
from engine.errors import UserError
from engine.imaging import MAX_PIXELS
from engine.jobs import Progress
from engine.kinds import ModelKind

from ..jobs import Job, watch
from ..model import history
from ..model.enums import Outcome
from ..model.mask import PaintMask, TargetTransform, paint
from ..model.photo import PhotoSettings, make_preview, model_square

from .session import IMAGE, PHOTO  # noqa: F401  (re-exported: the targets are the views)


def check_upscaled_size(image: np.ndarray, model: checkpoints.Model) -> None:
    """Refuse results larger than the editor opens (a big photo x4 can be gigabytes)."""
    from engine.ops.upscale import sr_scale
    scale = sr_scale(model)
    pixels = image.shape[0] * image.shape[1] * scale * scale
    if pixels > MAX_PIXELS:
        raise UserError(f"the enlarged image would have {pixels / 1e6:.0f} megapixels "
                        f"({image.shape[1] * scale}x{image.shape[0] * scale}); the limit is "
                        f"{MAX_PIXELS / 1e6:.0f}")


class RetouchController(QObject):
    maskChanged = Signal()
    inpaintEnded = Signal(str)                 # an Outcome (editor/model/enums.py)
    resultReady = Signal(str, object, str)     # title, uint8 image, suggested file name

    def __init__(self, session, photo_result, settings: PhotoSettings | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.c = session   # editor/qt/session.py
        self.photo_result = photo_result   # PhotoController.result_work
        self.settings = settings or PhotoSettings()
        self.masks: dict[str, np.ndarray] = {}
        self._shown: dict[str, tuple[np.ndarray, np.ndarray]] = {}   # target: (mask, shown mask)
        register = session.jobs.register
        self.inpaints = register("inpaint", new_document=True, stop=True, busy=True, parent=self)
        self.upscales = register("upscale", parent=self)
        session.documentReplaced.connect(self.clear_all)

    # ------------------------------------------------------------ the mask

    def target(self) -> str:
        doc = self.c.doc
        return PHOTO if self.c.view == PHOTO and doc is not None and doc.photo is not None \
            else IMAGE

    def _target_shape(self, target: str) -> tuple[int, int]:
        doc = self.c.doc
        if target == PHOTO:
            return doc.photo.height, doc.photo.width
        return doc.image.shape[:2]

    def _transform(self, target: str) -> TargetTransform:
        """Model coordinates -> the target's pixels."""
        if target == IMAGE:
            return TargetTransform()
        photo = self.c.doc.photo
        x, y, side = model_square(photo.width, photo.height)
        return TargetTransform(x, y, side / self.c.doc.image_size)

    def mask(self, target: str | None = None) -> np.ndarray | None:
        return self.masks.get(target or self.target())

    def shown_mask(self) -> np.ndarray | None:
        """The mask at the shown image's resolution (a big photo is shown as a preview)."""
        mask, target = self.mask(), self.target()
        if mask is None or target == IMAGE:
            return mask
        preview = self.c.doc.photo.preview
        if preview.shape[:2] == mask.shape:
            return mask
        cached = self._shown.get(target)
        if cached is None or cached[0] is not mask or cached[1].shape != preview.shape[:2]:
            shown = cv2.resize(mask.astype(np.uint8), (preview.shape[1], preview.shape[0]),
                               interpolation=cv2.INTER_AREA) > 0
            cached = self._shown[target] = (mask, shown)
        return cached[1]

    def paint_mask(self, result: PaintMask) -> None:
        if self.c.doc is None:
            return
        target = self.target()
        shape = self._target_shape(target)
        current = self.masks.get(target)
        if current is None or current.shape != shape:
            current = np.zeros(shape, bool)
            self._shown.pop(target, None)
        transform = self._transform(target)
        self.masks[target] = painted = paint(current, result.stroke, transform)
        if target == PHOTO:
            self._paint_shown(current, painted, result.stroke, transform)
        self.maskChanged.emit()

    def _paint_shown(self, before: np.ndarray, after: np.ndarray, stroke, transform) -> None:
        """Paint the stroke into the shown (preview-size) mask as well: shrinking a 12 MP
        mask after every stroke stalled the GUI thread for 20-30 ms."""
        photo = self.c.doc.photo
        shape = photo.preview.shape[:2]
        if shape == after.shape:
            return
        cached = self._shown.get(PHOTO)
        if cached is not None and (cached[0] is not before or cached[1].shape != shape):
            return  # out of step: shown_mask() rebuilds it from the full mask
        shown = cached[1] if cached is not None else np.zeros(shape, bool)
        s = photo.preview_scale
        self._shown[PHOTO] = (after, paint(shown, stroke, TargetTransform(
            transform.origin_x * s, transform.origin_y * s, transform.scale * s)))

    def clear_mask(self) -> None:
        self._shown.pop(self.target(), None)
        if self.masks.pop(self.target(), None) is not None:
            self.maskChanged.emit()

    def clear_all(self) -> None:
        self.masks.clear()
        self._shown.clear()
        self.maskChanged.emit()

    # ------------------------------------------------------------ inpainting

    def inpaint(self) -> Job | None:
        """Fill the masked region of the view's target with the model's best guess."""
        doc, model = self.c.doc, self.c.doc_model()
        if doc is None or model is None:
            return None
        target = self.target()
        mask = self.masks.get(target)
        if mask is None or not mask.any():
            self.c.error.emit("Paint the region to fill with the inpainting mask (M) first.")
            return None
        source = doc.photo.pixels if target == PHOTO else doc.image
        steps, starts = self.settings.inpaint_steps, self.settings.inpaint_starts
        has_discriminator = model.has("discriminator")
        learned = self.fill_model()
        device = self.c.device

        def work(token):
            from engine.ops.inpaint import inpaint
            if learned is not None:
                fill = self.c.helper_model(learned.folder, device)
                result = yield from inpaint(fill, source, mask, token=token)
            else:
                result = yield from inpaint(model, source, mask, token=token, steps=steps,
                                            starts=starts,
                                            prior_weight=0.003 if has_discriminator else 0.0)
            # The photo's new preview is made here: from 12 MP it takes ~60 ms.
            return result, make_preview(result) if target == PHOTO else None

        method = learned.name if learned is not None else f"{model.name}'s prior"
        job = self.inpaints.submit(work, f"Inpainting ({method})", tag=(doc, target, source, mask))
        watch(job, progress=lambda progress: self._progress(job, progress),
              finished=lambda result: self._inpainted(job, result),
              failed=lambda message: self._ended(job, Outcome.FAILED, message),
              cancelled=lambda: self._ended(job, Outcome.CANCELLED, "Inpainting stopped"))
        return job

    def _progress(self, job: Job, progress: Progress) -> None:
        if job.tag[1] == IMAGE and progress.preview is not None:
            self.c.show_preview(progress.preview)
        self.c.progress.emit(progress.step, progress.total)
        self.c.status.emit(f"Inpainting: step {progress.step}/{progress.total} - "
                           f"{job.elapsed:.1f} s")

    def _inpainted(self, job: Job, outcome: tuple) -> None:
        result, preview = outcome
        doc, target, source, mask = job.tag
        current = None if doc is not self.c.doc else (
            doc.photo.pixels if target == PHOTO and doc.photo is not None else doc.image)
        if current is not source:
            self._ended(job, Outcome.DROPPED, "Inpainting dropped: the image changed meanwhile")
            return
        self.c.show_preview(None)
        if target == PHOTO:
            self.c.push(history.retouch_photo(doc, result, preview=preview))
        else:
            self.c.push(history.retouch_image(doc, result))
        if self.masks.get(target) is mask:
            del self.masks[target]
            self._shown.pop(target, None)
            self.maskChanged.emit()
        self.c.result.emit(f"Inpainted in {job.elapsed:.1f} s")
        self.inpaintEnded.emit(Outcome.APPLIED)

    def _ended(self, job: Job, outcome: str, message: str) -> None:
        self.c.show_preview(None)
        if outcome == Outcome.FAILED:
            self.c.error.emit(message)
        self.c.status.emit(message)
        self.inpaintEnded.emit(outcome)

    def fill_model(self) -> checkpoints.ModelInfo | None:
        """The installed learned fill (fill128 by preference); None: fill with the GAN's prior
        (Yeh et al.) on the document's model, which also follows a pivotal-tuned generator."""
        return self.c.preferred_model(ModelKind.FILL, "fill128")

    # ------------------------------------------------------------ super-resolution

    def sr_models(self) -> list[checkpoints.ModelInfo]:
        return [m for m in self.c.installed_models() if m.kind == ModelKind.SR and not m.error]

    def upscaler(self) -> checkpoints.ModelInfo | None:
        """The installed super-resolution model, sr-x4 by preference."""
        return self.c.preferred_model(ModelKind.SR, "sr-x4")

    def super_resolve(self, folder: str | Path | None = None) -> Job | None:
        """Enlarge what the view shows (the photo at full resolution) with an sr model;
        the result arrives as resultReady."""
        doc = self.c.doc
        info = self.upscaler() if folder is None else None
        folder = folder or (info.folder if info is not None else None)
        if doc is None or folder is None:
            if doc is not None:
                self.c.error.emit("No super-resolution model is installed (a model of kind sr).")
            return None
        photo_view = self.target() == PHOTO
        image = doc.image
        compute = self.photo_result() if photo_view else (lambda token: image)
        device = self.c.device

        def work(token):
            from engine.ops.upscale import sr_scale, upscale
            model = self.c.helper_model(folder, device)
            source = compute(token)
            check_upscaled_size(source, model)
            return sr_scale(model), (yield from upscale(model, source, token=token))

        name = Path(folder).name
        job = self.upscales.submit(work, f"Super-resolution ({name})")
        job.progress.connect(lambda p: self.c.status.emit(
            f"Super-resolving: tile {p.step}/{p.total} - {job.elapsed:.1f} s"))
        job.finished.connect(lambda result: self._upscaled(name, photo_view, *result))
        job.failed.connect(self.c.error)
        self.c.status.emit(f"Super-resolving with {name}...")
        return job

    def _upscaled(self, name: str, photo_view: bool, scale: int, image: np.ndarray) -> None:
        what = "photo" if photo_view else "image"
        self.c.status.emit(f"Super-resolved the {what} x{scale} with {name}: "
                           f"{image.shape[1]}x{image.shape[0]}")
        self.resultReady.emit(f"Super-resolved {what} (x{scale}, {name})", image,
                              f"{what}_x{scale}.png")
