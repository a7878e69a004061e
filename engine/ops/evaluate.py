"""Quality numbers on a folder of images: projection, inpainting and super-resolution PSNR.

- Reconstruction: each image (centre square at the model's resolution) projected with the
  encoder, with hybrid (encoder + `steps` of optimisation), and with optimisation alone
  given the same wall time as hybrid took on that image; then pivotal tuning (ops.tune) of
  the generator at hybrid's latent ("pti"; its seconds are the tuning's, on top of hybrid's).
- Inpainting: a centred square hole (`hole` x the side) filled by `inpaint` vs OpenCV's
  Telea method; PSNR over the hole's pixels only.
- Diversity (engine.ops.diversity): 256 samples against the folder's images (all of them,
  up to 1,000), and with `training_dir`, against the training images: mode collapse and
  copying.
- SR: each image (cropped to a multiple of the scale) shrunk by the scale (area) and
  upscaled by the model vs bicubic; PSNR on RGB with a border of `scale` pixels cropped.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import IMAGE_SUFFIXES, load_rgb, resize
from ..jobs import CancelToken, Operation, Progress
from ..kinds import ModelKind
from ._common import check_cancel, check_float, check_int, fit_to_model, gan_networks, image_size_of
from .diversity import diversity, generate
from .inpaint import inpaint
from .metrics import psnr
from .project import project
from .tune import tune
from .upscale import sr_scale, upscale


MAX_DIVERSITY_REAL = 1000
MAX_DIVERSITY_TRAINING = 50000


def list_images(folder: str | os.PathLike, limit: int) -> list[Path]:
    """Up to `limit` images of the folder in name order, evenly spaced over all of them when
    there are more: a folder of crops named photo by photo (as engine.datasets writes them)
    is then measured on every photo, not on the first one alone."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: not a folder of images")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise UserError(f"{folder}: no images found ({', '.join(IMAGE_SUFFIXES)})")
    if len(files) <= limit:
        return files
    return [files[i * len(files) // limit] for i in range(limit)]


def evaluate(model: Model | None, images_dir: str | os.PathLike, *, sr_model: Model | None = None,
             max_images: int = 16, steps: int = 100, inpaint_steps: int = 100, hole: float = 0.25,
             token: CancelToken | None = None, training_dir: str | os.PathLike | None = None,
             samples: int = 256) -> Operation[dict]:
    """Yields Progress per sub-step; returns a JSON-ready dict of mean PSNRs and times."""
    if model is None and sr_model is None:
        raise UserError("give a gan model, an sr model, or both to evaluate")
    max_images = check_int("max_images", max_images)
    steps = check_int("steps", steps)
    inpaint_steps = check_int("inpaint_steps", inpaint_steps)
    hole = check_float("hole", hole, strict=True)
    samples = check_int("samples", samples, minimum=2)
    if hole >= 1:
        raise UserError(f"hole must be a fraction of the side below 1, got {hole:g}")
    if model is not None:
        gan_networks(model)
    if sr_model is not None:
        sr_model.require_kind(ModelKind.SR)
    files = list_images(images_dir, max_images)
    if model is not None and training_dir is not None:
        list_images(training_dir, 1)  # a wrong folder fails now, not after the long measurements
    report: dict = {"images": len(files), "folder": str(images_dir)}
    if model is not None:
        report["gan"] = yield from _evaluate_gan(model, files, steps, inpaint_steps, hole, token)
        report["gan"]["diversity"] = _diversity(model, images_dir, training_dir, samples)
    if sr_model is not None:
        report["sr"] = yield from _evaluate_sr(sr_model, files, token)
    return report


def _relay(op: Operation, step: int, total: int, label: str):
    """Run a sub-operation, re-labelling its progress as one step of the evaluation."""
    while True:
        try:
            inner = next(op)
        except StopIteration as stop:
            return stop.value
        yield Progress(step, total, f"{label} ({inner.step}/{inner.total})", None, inner.metrics)


def _evaluate_gan(model: Model, files: list[Path], steps: int, inpaint_steps: int, hole: float,
                  token: CancelToken | None):
    generator, _, encoder = gan_networks(model)
    size = image_size_of(generator)
    methods = (["encoder"] if encoder is not None else []) + (["hybrid", "optimize"]
                                                              if encoder is not None else ["optimize"])
    if encoder is not None:
        methods.append("pti")
    scores: dict[str, list[float]] = {m: [] for m in methods}
    seconds: dict[str, list[float]] = {m: [] for m in methods}
    inpaint_scores: dict[str, list[float]] = {"ours": [], "telea": []}
    side = max(1, round(hole * size))
    mask = np.zeros((size, size), bool)
    start = (size - side) // 2
    mask[start:start + side, start:start + side] = True
    total = len(files) * (len(methods) + 1)
    step = 0
    for path in files:
        target = fit_to_model(load_rgb(path), size, str(path))
        hybrid_time = pivot = None
        for method in methods:
            check_cancel(token)
            step += 1
            if method == "pti":
                op = tune(model, target, pivot, token=token)
            elif method == "optimize" and hybrid_time is not None:
                op = project(model, target, method="optimize", steps=steps * 20, token=token,
                             time_budget=hybrid_time)
            else:
                op = project(model, target, method=method,
                             steps=None if method == "encoder" else steps, token=token)
            result = yield from _relay(op, step, total, f"{path.name}: {method}")
            scores[method].append(result.psnr)
            seconds[method].append(result.seconds)
            if method == "hybrid":
                hybrid_time, pivot = result.seconds, result.z
        step += 1
        damaged = target.copy()
        damaged[mask] = 0
        filled = yield from _relay(inpaint(model, damaged, mask, token=token, steps=inpaint_steps),
                                   step, total, f"{path.name}: inpaint")
        telea = cv2.inpaint(damaged, mask.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
        inpaint_scores["ours"].append(psnr(filled, target, mask=mask))
        inpaint_scores["telea"].append(psnr(telea, target, mask=mask))
    return {
        "model": model.name,
        "reconstruction_psnr": {m: _mean(v) for m, v in scores.items()},
        "reconstruction_seconds": {m: _mean(v) for m, v in seconds.items()},
        "projection_steps": steps,
        "inpainting_psnr": {k: _mean(v) for k, v in inpaint_scores.items()},
        "inpainting_hole": f"{side}x{side} centred",
    }


def _diversity(model: Model, images_dir, training_dir, samples: int) -> dict:
    size = image_size_of(model.generator())

    def load_all(folder, limit: int) -> np.ndarray:
        return np.stack([fit_to_model(load_rgb(p), size, str(p)) for p in list_images(folder, limit)])

    real = load_all(images_dir, MAX_DIVERSITY_REAL)
    training = load_all(training_dir, MAX_DIVERSITY_TRAINING) if training_dir is not None else None
    if len(real) < 2:
        return {"skipped": "needs at least 2 images in the folder"}
    return diversity(generate(model, samples), real, training)


def _evaluate_sr(model: Model, files: list[Path], token: CancelToken | None):
    scale = sr_scale(model)
    ours, bicubic = [], []
    for index, path in enumerate(files, start=1):
        check_cancel(token)
        image = load_rgb(path)
        height, width = (image.shape[0] // scale) * scale, (image.shape[1] // scale) * scale
        if height <= 2 * scale or width <= 2 * scale:
            raise UserError(f"{path}: too small to evaluate x{scale} super-resolution")
        image = image[:height, :width]
        small = resize(image, width // scale, height // scale)
        upscaled = yield from _relay(upscale(model, small, token=token), index, len(files),
                                     f"{path.name}: upscale")
        baseline = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
        ours.append(psnr(upscaled, image, border=scale))
        bicubic.append(psnr(baseline, image, border=scale))
    return {"model": model.name, "scale": scale, "psnr": {"model": _mean(ours), "bicubic": _mean(bicubic)}}


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)), 3) if values else float("nan")
