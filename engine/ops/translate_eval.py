"""Held-out numbers for the translators (printed by scripts/eval_translate.py, written
into the cards by scripts/ship_models.py).

Colourisation: held-out photos turned grey (engine.pairs.gray), colourised at their own
size. PSNR of the result's Lab lightness against the grey input's (the photo's luminance
must survive), the mean Lab chroma error sqrt(da^2 + db^2) against the real photo, and
the same error for leaving the photo grey (a = b = 0): a colouriser that is no better
than that baseline adds nothing. Sketches: thinned Canny edges of held-out crops (what a
user draws has far fewer lines than Canny finds), translated at the crop's size.
Unpaired (CycleGAN) models: held-out crops of each domain translated there and back
(A -> B -> A, B -> A -> B): PSNR and L1 of the round trip against the crop, how far the
first translation moved the colour (mean Lab chroma distance), and the share of
translations that a domain rule (e.g. engine.datasets.domains.domain_of) puts in the
target domain.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import numpy as np

from ..checkpoints import Model
from ..chroma import rgb_to_lab
from ..imaging import grid, load_rgb, resize
from ..jobs import drive
from ..pairs import edges, gray
from .translate import translate

SKETCH_KEEP = 0.35       # share of Canny's edge pixels kept (longest lines first)
SKETCH_SIDE = 128        # held-out sketch crops are scored at this size, whatever the model's
MEGAPIXELS_12 = (4000, 3000)


def lightness_psnr(result: np.ndarray, reference: np.ndarray) -> float:
    """PSNR in dB of Lab L (peak 100); inf when identical."""
    diff = rgb_to_lab(result)[..., 0] - rgb_to_lab(reference)[..., 0]
    mse = float(np.mean(diff.astype(np.float64) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(100.0 ** 2 / mse)


def chroma_error(result: np.ndarray, truth: np.ndarray) -> float:
    """Mean Lab chroma distance sqrt(da^2 + db^2) per pixel."""
    d = rgb_to_lab(result)[..., 1:] - rgb_to_lab(truth)[..., 1:]
    return float(np.sqrt((d.astype(np.float64) ** 2).sum(-1)).mean())


def colorize_scores(model: Model, photos: list[Path], work_side: int | None = None) -> dict:
    rows = []
    for path in photos:
        truth = load_rgb(path)
        grey = gray(truth)
        started = time.perf_counter()
        result = drive(translate(model, grey, work_side=work_side))
        seconds = time.perf_counter() - started
        rows.append({"photo": path.name, "size": f"{truth.shape[1]}x{truth.shape[0]}",
                     "l_psnr": lightness_psnr(result, grey),
                     "chroma_error": chroma_error(result, truth),
                     "grey_chroma_error": chroma_error(grey, truth), "seconds": seconds})
    error = float(np.mean([r["chroma_error"] for r in rows]))
    grey_error = float(np.mean([r["grey_chroma_error"] for r in rows]))
    return {"photos": rows, "images": len(rows),
            "l_psnr_min": float(min(r["l_psnr"] for r in rows)),
            "chroma_error": error, "grey_chroma_error": grey_error,
            "chroma_error_vs_grey": error / grey_error}


def time_large(model: Model, photo: Path, size: tuple[int, int] = MEGAPIXELS_12,
               repeats: int = 2) -> float:
    """Best wall time in seconds to colourise a grey photo enlarged to `size` (w, h)."""
    big = gray(resize(load_rgb(photo), *size))
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        drive(translate(model, big))
        best = min(best, time.perf_counter() - started)
    return best


def sketch_crops(photos: list[Path], side: int) -> list[np.ndarray]:
    """Three squares per photo (left, centre, right of the long side), resized to side."""
    crops = []
    for path in photos:
        rgb = load_rgb(path)
        h, w = rgb.shape[:2]
        s = min(h, w)
        for left in (0, (w - s) // 2, w - s) if w >= h else (0,):
            for top in (0, (h - s) // 2, h - s) if h > w else (0,):
                crops.append(resize(np.ascontiguousarray(rgb[top:top + s, left:left + s]), side, side))
    return crops


def sketch_scores(model: Model, photos: list[Path], side: int) -> dict:
    """L1 (pixels in [0, 1]) and PSNR of edges -> photo on held-out crops at `side` px."""
    l1, psnr = [], []
    for crop in sketch_crops(photos, side):
        result = drive(translate(model, edges(crop, SKETCH_KEEP), prepare="none"))
        diff = result.astype(np.float64) / 255 - crop.astype(np.float64) / 255
        l1.append(float(np.abs(diff).mean()))
        psnr.append(float(10 * np.log10(1.0 / max(np.mean(diff ** 2), 1e-12))))
    return {"images": len(l1), "side": side, "keep": SKETCH_KEEP,
            "l1": float(np.mean(l1)), "psnr": float(np.mean(psnr))}


def psnr(result: np.ndarray, truth: np.ndarray) -> float:
    """RGB PSNR in dB, pixels in [0, 1]."""
    diff = result.astype(np.float64) / 255 - truth.astype(np.float64) / 255
    return float(10 * np.log10(1.0 / max(float(np.mean(diff ** 2)), 1e-12)))


def round_trips(model: Model, images: list[np.ndarray], direction: str, *,
                lightness: str = "auto") -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(translations, translations translated back) of each image."""
    back = "ba" if direction == "ab" else "ab"
    there = [drive(translate(model, x, direction=direction, lightness=lightness)) for x in images]
    again = [drive(translate(model, y, direction=back, lightness=lightness)) for y in there]
    return there, again


def cycle_scores(model: Model, images: list[np.ndarray], direction: str, *,
                 lightness: str = "auto", classify: Callable | None = None,
                 target: str | None = None) -> dict:
    """Round-trip PSNR / L1, chroma moved, and (with classify) the share landing in target."""
    there, again = round_trips(model, images, direction, lightness=lightness)
    out = {"images": len(images),
           "cycle_psnr": float(np.mean([psnr(z, x) for x, z in zip(images, again)])),
           "cycle_l1": float(np.mean([np.abs(z.astype(np.float64) - x).mean() / 255
                                      for x, z in zip(images, again)])),
           "chroma_moved": float(np.mean([chroma_error(y, x) for x, y in zip(images, there)])),
           "lightness_psnr": float(np.mean([lightness_psnr(y, x) for x, y in zip(images, there)]))}
    if classify is not None and target is not None:
        out["in_target_domain"] = float(np.mean([classify(y) == target for y in there]))
    return out


def cycle_sheet(model: Model, a_images: list[np.ndarray], b_images: list[np.ndarray],
                photo: np.ndarray | None = None, *, cell: int = 96, photo_height: int = 200,
                lightness: str = "auto") -> np.ndarray:
    """Rows: A, A -> B, A -> B -> A, B, B -> A, B -> A -> B (as many A as B crops, enlarged
    to `cell`), then the photo, its A -> B and its B -> A side by side (translated at the
    photo's size)."""
    rows = []
    for images, direction in ((a_images, "ab"), (b_images, "ba")):
        there, again = round_trips(model, images, direction, lightness=lightness)
        rows += [resize(x, cell, cell) for x in images + there + again]
    sheet = grid(np.stack(rows), columns=max(len(a_images), len(b_images)))
    if photo is None:
        return sheet
    panels = [photo] + [drive(translate(model, photo, direction=d, lightness=lightness))
                        for d in ("ab", "ba")]
    h, w = photo.shape[:2]
    width = round(w * photo_height / h)
    strip = grid(np.stack([resize(p, width, photo_height) for p in panels]), columns=3)
    canvas = np.full((sheet.shape[0] + strip.shape[0] + 6, max(sheet.shape[1], strip.shape[1]), 3),
                     255, np.uint8)
    canvas[:sheet.shape[0], :sheet.shape[1]] = sheet
    canvas[sheet.shape[0] + 6:, :strip.shape[1]] = strip
    return canvas
