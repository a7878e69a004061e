"""Held-out numbers for the translators (printed by scripts/eval_translate.py, written
into the cards by scripts/ship_models.py).

Colourisation: held-out photos turned grey (engine.pairs.gray), colourised at their own
size. PSNR of the result's Lab lightness against the grey input's (the photo's luminance
must survive), the mean Lab chroma error sqrt(da^2 + db^2) against the real photo, and
the same error for leaving the photo grey (a = b = 0): a colouriser that is no better
than that baseline adds nothing. Sketches: thinned Canny edges of held-out crops (what a
user draws has far fewer lines than Canny finds), translated at the crop's size.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..checkpoints import Model
from ..chroma import rgb_to_lab
from ..imaging import load_rgb, resize
from ..jobs import drive
from ..pairs import edges, gray
from .translate import translate

SKETCH_KEEP = 0.35       # share of Canny's edge pixels kept (longest lines first)
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
