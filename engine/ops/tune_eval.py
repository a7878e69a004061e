"""Pivotal tuning measured on held-out crops: for each crop, hybrid projection, then tuning
at its latent; reported per method: PSNR against the crop and seconds (wall, and the
process's CPU seconds, which a busy machine inflates less), then what tuning costs:

- locality: PSNR of G'(z) against G(z) for latents z a fraction `radius` of the way from
  the pivot to random latents (0.3: the edits' neighbourhood; 1.0: anywhere);
- edits: colour strokes (a sky band across the top, a red dot low in the middle) edited
  with Fix at the pivot (how the editor edits a photo), on the tuned and the model's own
  generator: each stroke's miss (RGB distance between its colour and the result's mean
  colour under it) and the share of strokes met (miss below MET).
"""

from __future__ import annotations

import os
import time

import numpy as np

from ..checkpoints import Model
from ..imaging import load_rgb
from ..jobs import CancelToken, Operation, Progress
from ._common import check_cancel, check_int, fit_to_model, gan_networks, image_size_of
from .edit import edit
from .evaluate import _relay, list_images
from .generate import generate
from .metrics import psnr
from .project import best_method, project
from .tune import TuneSettings, tune, with_generator
from .types import EditConstraints, EditSettings

MET = 40.0
RADII = (0.3, 1.0)
STROKES = (((100, 150, 220), (0.10, 0.20, 0.12, 0.88)),   # colour, (y0, y1, x0, x1) fractions
           ((210, 35, 30), (0.55, 0.70, 0.42, 0.58)))


def stroke_constraints(size: int) -> tuple[EditConstraints, list[np.ndarray]]:
    color = np.zeros((size, size, 3), np.uint8)
    union = np.zeros((size, size), bool)
    masks = []
    for rgb, (y0, y1, x0, x1) in STROKES:
        mask = np.zeros((size, size), bool)
        mask[round(y0 * size):max(round(y1 * size), round(y0 * size) + 1),
             round(x0 * size):max(round(x1 * size), round(x0 * size) + 1)] = True
        color[mask], union = rgb, union | mask
        masks.append(mask)
    return EditConstraints(color=color, color_mask=union), masks


def evaluate_tuning(model: Model, images_dir: str | os.PathLike, max_images: int = 16,
                    projection_steps: int = 100, settings: TuneSettings | None = None,
                    edits: bool = True, token: CancelToken | None = None) -> Operation[dict]:
    max_images = check_int("max_images", max_images)
    generator, _, _ = gan_networks(model)
    method = best_method(model)
    size = image_size_of(generator)
    files = list_images(images_dir, max_images)
    constraints, masks = stroke_constraints(size)
    rows = []
    rng = np.random.default_rng(0)
    for index, path in enumerate(files, start=1):
        check_cancel(token)
        target = fit_to_model(load_rgb(path), size, str(path))
        row = {}
        cpu = time.process_time()
        projected = yield from _relay(project(model, target, method=method, steps=projection_steps,
                                              token=token), index, len(files), f"{path.name}: {method}")
        row["projection"] = (projected.psnr, projected.seconds, time.process_time() - cpu)
        cpu = time.process_time()
        tuned = yield from _relay(tune(model, target, projected.z, settings=settings, token=token),
                                  index, len(files), f"{path.name}: pti")
        row["pti"] = (tuned.psnr, tuned.seconds, time.process_time() - cpu)
        u = rng.uniform(-1, 1, (8, generator.z_dim)).astype(np.float32)
        for radius in RADII:
            z = projected.z + radius * (u - projected.z)
            row[f"locality_{radius:g}"] = float(np.mean([psnr(a, b) for a, b in zip(
                generate(generator, z), generate(tuned.generator, z))]))
        if edits:
            for name, m in (("tuned", with_generator(model, tuned.generator)), ("untuned", model)):
                result = yield from _relay(edit(m, constraints, z0=projected.z, settings=EditSettings(),
                                                token=token), index, len(files), f"{path.name}: edit")
                image = result.images[0]
                row[f"miss_{name}"] = [_miss(image, rgb, mask) for (rgb, _), mask in zip(STROKES, masks)]
        rows.append(row)
        yield Progress(index, len(files), f"{path.name}: {projected.psnr:.1f} -> {tuned.psnr:.1f} dB")
    return _summary(model, rows, method, projection_steps, settings or TuneSettings())


def _miss(image: np.ndarray, color, mask: np.ndarray) -> float:
    return float(np.linalg.norm(image[mask].reshape(-1, 3).mean(0) - np.asarray(color, float)))


def _summary(model: Model, rows: list[dict], method: str, steps: int, settings: TuneSettings) -> dict:
    def mean(values):
        return round(float(np.mean(values)), 3)

    report = {"model": model.name, "images": len(rows), "projection": f"{method}, {steps} steps",
              "tune_steps": settings.steps}
    for key in ("projection", "pti"):
        report[f"{key}_psnr"] = mean([r[key][0] for r in rows])
        report[f"{key}_psnr_min"] = round(min(r[key][0] for r in rows), 3)
        report[f"{key}_seconds"] = mean([r[key][1] for r in rows])
        report[f"{key}_cpu_seconds"] = mean([r[key][2] for r in rows])
    report["pti_at_least_27db"] = mean([r["pti"][0] >= 27 for r in rows])
    for radius in RADII:
        report[f"locality_psnr_r{radius:g}"] = mean([r[f"locality_{radius:g}"] for r in rows])
    if rows and "miss_tuned" in rows[0]:
        for name in ("tuned", "untuned"):
            misses = [m for r in rows for m in r[f"miss_{name}"]]
            report[f"edit_miss_{name}"] = mean(misses)
            report[f"edit_met_{name}"] = mean([m < MET for m in misses])
    return report
