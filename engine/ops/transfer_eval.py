"""How well an edit transfer keeps a photo real, on held-out photos with synthetic strokes.

For each photo (up to `max_images` of the folder): hybrid projection of its centre square,
then two edits from the projection (4 starts, 20 steps: the transfer is measured, not the edit), each a synthetic stroke drawn from a seeded random
stream: a colour stroke (a polyline in a colour far from the photo's there) and a warp
(a patch moved a few model pixels). Each edit G(z0) -> G(z1) is transferred onto the
photo by `engine.ops.transfer` (new) and `engine.ops.transfer_flow` (the baseline), and:

- ssim_outside: SSIM (Gaussian window, sigma 1.5) of the photo's luminance, result vs
  photo, averaged over the pixels farther than the margin (MARGIN of the square's side)
  from every stroke and warp patch. Target >= 0.97.
- structure_inside: SSIM's structure term alone (correlation of the luminance detail,
  blind to colour and brightness shifts) over the pixels within the margin: do the photo's
  edges stay where they were where the edit did change it.
- miss: RGB distance between the stroke colour and the mean result colour under the stroke
  (photo resolution); also for the photo itself and for G(z1) at model resolution.
  Target < 40.
- On a 12 MP photo (the first photo resized to 4000x3000, its colour edit): median wall
  and CPU seconds and the peak of the arrays allocated (tracemalloc). Targets <= 3 s, <= 2 GB.
A sheet (photo, G(z0) with the stroke drawn, G(z1), baseline, new) is written if asked.
"""

from __future__ import annotations

import io
import json
import os
import time
import tracemalloc
from pathlib import Path

import cv2
import numpy as np

from .. import atomic
from ..checkpoints import Model
from ..imaging import center_crop_square, center_square, load_rgb, save_image
from ..jobs import CancelToken, Operation, Progress, drive
from ._common import check_cancel, check_int, image_size_of
from .edit import edit
from .evaluate import list_images
from .project import best_method, project
from .transfer import MARGIN, painted_mask, transfer
from .transfer_flow import transfer_flow
from .types import EditConstraints, EditSettings, Warp

PALETTE = ((255, 128, 0), (220, 30, 30), (40, 80, 230), (40, 190, 60), (245, 225, 40), (150, 40, 200))
SHEET_ROW = 192


def evaluate_transfer(model: Model, images_dir: str | os.PathLike, max_images: int = 4,
                      steps: int = 100, edit_settings: EditSettings | None = None,
                      sheet: str | os.PathLike | None = None, repeats: int = 3,
                      large_megapixels: float = 12.0, cache: str | os.PathLike | None = None,
                      token: CancelToken | None = None) -> Operation[dict]:
    """Yields Progress per photo and case; returns a JSON-ready dict (means and per case).
    `cache`: a folder keeping each case's G(z0) and G(z1), so a rerun measures the transfers
    again without projecting and editing again."""
    max_images = check_int("max_images", max_images)
    repeats = check_int("repeats", repeats)
    files = list_images(images_dir, max_images)
    settings = edit_settings or EditSettings(starts=4, candidates=1, steps=20)
    n = image_size_of(model.generator(), model)
    cases, rows, timing = [], [], None
    total = len(files) * 3 + 1
    step = 0
    for index, path in enumerate(files):
        check_cancel(token)
        photo = load_rgb(path)
        projected = None
        step += 1
        for kind in ("colour", "warp"):
            rng = np.random.default_rng([index, 1 if kind == "colour" else 2])
            saved = _cached(cache, model, path, kind, steps)
            if saved is None:
                if projected is None:
                    projected = drive(project(model, photo, method=best_method(model), steps=steps,
                                              token=token))
                    yield Progress(step, total, f"projected {path.name}: {projected.psnr:.1f} dB")
                before, psnr = projected.image, projected.psnr
                constraints, colour = synthetic_stroke(kind, before, photo, rng)
                result = drive(edit(model, constraints, z0=projected.z, settings=settings, token=token))
                after = result.images[0]
                _store(cache, model, path, kind, steps, before, after, psnr)
            else:
                before, after, psnr = saved
                constraints, colour = synthetic_stroke(kind, before, photo, rng)
            new = drive(transfer(photo, before, after, constraints=constraints, token=token))
            old = drive(transfer_flow(photo, before, after, token=token))
            row = {"photo": path.name, "case": kind, "projection_psnr": round(psnr, 2)}
            row.update(_scores(photo, {"new": new, "old": old}, constraints, colour, after, n))
            cases.append(row)
            rows.append((photo, _draw_stroke(before, constraints), after, old, new))
            if cache is not None:
                with open(Path(cache) / "cases.jsonl", "a", encoding="utf-8") as log:
                    log.write(json.dumps(row) + "\n")
            if timing is None and kind == "colour":  # early: the numbers exist if stopped later
                timing = large_photo_timing(photo, before, after, constraints,
                                            megapixels=large_megapixels, repeats=repeats)
                yield Progress(step, total, f"timed the {large_megapixels:g} MP photo: {timing}")
            step += 1
            yield Progress(step, total, f"{path.name} {kind}: ssim outside "
                                        f"{row['ssim_outside']['new']:.3f} (old {row['ssim_outside']['old']:.3f})")
    if sheet is not None:
        save_image(sheet, make_sheet(rows))
    return {"photos": len(files), "cases": len(cases), "margin": MARGIN,
            "mean": _means(cases), "large_photo": timing, "per_case": cases,
            "sheet": None if sheet is None else str(sheet)}


def _cache_file(cache, model: Model, path: Path, kind: str, steps: int) -> Path:
    return Path(cache) / f"{model.name}-{path.stem}-{kind}-{steps}.npz"


def _cached(cache, model, path, kind, steps):
    if cache is None or not _cache_file(cache, model, path, kind, steps).is_file():
        return None
    with np.load(_cache_file(cache, model, path, kind, steps)) as data:
        return data["before"], data["after"], float(data["psnr"])


def _store(cache, model, path, kind, steps, before, after, psnr) -> None:
    if cache is None:
        return
    Path(cache).mkdir(parents=True, exist_ok=True)
    target = _cache_file(cache, model, path, kind, steps)
    buffer = io.BytesIO()
    np.savez(buffer, before=before, after=after, psnr=psnr)
    atomic.write_bytes(target, buffer.getvalue())


def synthetic_stroke(kind: str, before: np.ndarray, photo: np.ndarray,
                     rng: np.random.Generator) -> tuple[EditConstraints, tuple[int, int, int] | None]:
    """A colour polyline (in the palette colour farthest from the photo under it) or a warp."""
    n = before.shape[0]
    if kind == "warp":
        size = max(4.0, n / 5)
        x0, y0 = rng.uniform(0.3 * n, 0.7 * n, 2)
        angle = rng.uniform(0, 2 * np.pi)
        shift = n / 10
        return EditConstraints(warps=[Warp(float(x0), float(y0), float(x0 + shift * np.cos(angle)),
                                           float(y0 + shift * np.sin(angle)), size)]), None
    points = [rng.uniform(0.2 * n, 0.8 * n, 2)]
    for _ in range(2):
        angle = rng.uniform(0, 2 * np.pi)
        step = rng.uniform(0.1 * n, 0.2 * n)
        points.append(np.clip(points[-1] + step * np.array([np.cos(angle), np.sin(angle)]),
                              0.1 * n, 0.9 * n))
    mask = np.zeros((n, n), np.uint8)
    cv2.polylines(mask, [np.round(np.array(points)).astype(np.int32).reshape(-1, 1, 2)], False, 1,
                  max(2, n // 14))
    mask = mask.astype(bool)
    square = center_crop_square(photo)
    small = cv2.resize(square, (n, n), interpolation=cv2.INTER_AREA).astype(float)
    under = small[mask].mean(axis=0)
    colour = max(PALETTE, key=lambda c: float(np.linalg.norm(np.array(c) - under)))
    image = np.zeros((n, n, 3), np.uint8)
    image[mask] = colour
    return EditConstraints(color=image, color_mask=mask), colour


def _region_masks(photo: np.ndarray, constraints: EditConstraints, n: int):
    """Photo-resolution (painted, within_margin, colour stroke) masks for the centre square."""
    height, width = photo.shape[:2]
    x, y, side = center_square(width, height)

    def place(mask: np.ndarray) -> np.ndarray:
        full = np.zeros((height, width), np.uint8)
        full[y:y + side, x:x + side] = cv2.resize(mask.astype(np.uint8), (side, side),
                                                  interpolation=cv2.INTER_NEAREST)
        return full.astype(bool)

    painted = place(painted_mask(constraints, n))
    distance = cv2.distanceTransform((~painted).astype(np.uint8), cv2.DIST_L2, 5)
    within = distance <= MARGIN * side
    stroke = place(constraints.color_mask) if constraints.color_mask is not None else None
    return painted, within, stroke


def _ssim_maps(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SSIM and its structure term per pixel, on 0-255 luminance (Wang et al. 2004)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(image):
        return cv2.GaussianBlur(image, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mu_a, mu_b = blur(a), blur(b)
    var_a = np.maximum(blur(a * a) - mu_a ** 2, 0)
    var_b = np.maximum(blur(b * b) - mu_b ** 2, 0)
    cov = blur(a * b) - mu_a * mu_b
    ssim = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    structure = (cov + c2 / 2) / (np.sqrt(var_a * var_b) + c2 / 2)
    return ssim, structure


def _luminance(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def _scores(photo, results: dict[str, np.ndarray], constraints, colour, after, n) -> dict:
    painted, within, stroke = _region_masks(photo, constraints, n)
    outside = ~within
    out = {"ssim_outside": {}, "structure_inside": {}, "miss": {}}
    grey = _luminance(photo)
    for name, result in results.items():
        ssim, structure = _ssim_maps(grey, _luminance(result))
        out["ssim_outside"][name] = round(float(ssim[outside].mean()), 4)
        out["structure_inside"][name] = round(float(structure[within].mean()), 4)
        if colour is not None:
            out["miss"][name] = _miss(result[stroke], colour)
    if colour is not None:
        out["miss"]["photo"] = _miss(photo[stroke], colour)
        out["miss"]["generated"] = _miss(after[constraints.color_mask], colour)
    else:
        del out["miss"]
    return out


def _miss(pixels: np.ndarray, colour) -> float:
    return round(float(np.linalg.norm(pixels.reshape(-1, 3).mean(axis=0) - np.array(colour))), 1)


def _means(cases: list[dict]) -> dict:
    means = {}
    for key in ("ssim_outside", "structure_inside", "miss"):
        values: dict[str, list[float]] = {}
        for case in cases:
            for name, value in case.get(key, {}).items():
                values.setdefault(name, []).append(value)
        means[key] = {name: round(float(np.mean(v)), 4 if key != "miss" else 1)
                      for name, v in values.items()}
    return means


def large_photo_timing(photo, before, after, constraints, megapixels: float = 12.0,
                       repeats: int = 3) -> dict:
    """Wall and CPU seconds (medians) and the peak traced allocation of the transfers on the
    photo resized to `megapixels` at 4:3 (12 MP: 4000x3000). CPU seconds are what the work
    costs; wall seconds also count time the scheduler gave to other processes."""
    height = max(8, round(np.sqrt(megapixels * 1e6 * 3 / 4)))
    big = cv2.resize(photo, (round(height * 4 / 3), height), interpolation=cv2.INTER_CUBIC)
    out = {"megapixels": round(big.shape[0] * big.shape[1] / 1e6, 2)}
    runs = {"new": lambda: drive(transfer(big, before, after, constraints=constraints)),
            "new_no_strokes": lambda: drive(transfer(big, before, after)),
            "old": lambda: drive(transfer_flow(big, before, after))}
    for name, run in runs.items():
        times, cpu = [], []
        for repeat in range(repeats if name != "old" else 1):
            if repeat == 0:
                tracemalloc.start()  # its cost is per allocation: small for big arrays
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                run()
                if repeat == 0:
                    peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        out[name] = {"seconds": round(float(np.median(times)), 3),
                     "cpu_seconds": round(float(np.median(cpu)), 3), "peak_mb": round(peak / 2 ** 20, 1)}
    return out


def _draw_stroke(image: np.ndarray, constraints: EditConstraints) -> np.ndarray:
    """The generated image with the stroke outlined (colour) or the warp arrow drawn."""
    canvas = image.copy()
    if constraints.color_mask is not None:
        edge = constraints.color_mask & ~cv2.erode(constraints.color_mask.astype(np.uint8),
                                                  np.ones((3, 3), np.uint8)).astype(bool)
        canvas[edge] = constraints.color[edge]
    for warp in constraints.warps:
        cv2.arrowedLine(canvas, (int(warp.x0), int(warp.y0)), (int(warp.x1), int(warp.y1)),
                        (255, 255, 255), 1, tipLength=0.3)
    return canvas


def make_sheet(rows) -> np.ndarray:
    """One row per case: photo, G(z0) + stroke, G(z1), baseline transfer, new transfer."""
    pad = 4
    lines = []
    for photo, before, after, old, new in rows:
        height, width = photo.shape[:2]
        scaled = round(width * SHEET_ROW / height)

        def fit(image, nearest=False):
            size = (SHEET_ROW, SHEET_ROW) if image.shape[0] == image.shape[1] and image.shape[0] < 256 \
                else (scaled, SHEET_ROW)
            return cv2.resize(image, size, interpolation=cv2.INTER_NEAREST if nearest else cv2.INTER_AREA)

        tiles = [fit(photo), fit(before, True), fit(after, True), fit(old), fit(new)]
        gap = np.full((SHEET_ROW, pad, 3), 255, np.uint8)
        line = tiles[0]
        for tile in tiles[1:]:
            line = np.concatenate([line, gap, tile], axis=1)
        lines.append(line)
    width = max(line.shape[1] for line in lines)
    sheet = []
    for line in lines:
        line = np.pad(line, ((0, pad), (0, width - line.shape[1]), (0, 0)), constant_values=255)
        sheet.append(line)
    return np.concatenate(sheet, axis=0)

