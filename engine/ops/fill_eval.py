"""How well the fills restore held-out photos: PSNR inside the hole, 12 MP timing, a sheet.

Each photo gets a centred square hole (`box` x its shorter side) and `strokes` free-form
masks (engine/ops/fill_masks.py, seeded by the photo's position). Every hole is filled by
OpenCV's Telea method, the learned fill and, given a gan model, the GAN-prior fill, on the
photo at its own size; PSNR is measured over the hole's pixels only. The timing fills a
`hole_px`-square hole in the photo resized to `megapixels` (4:3), blend included.
"""

from __future__ import annotations

import os
import time

import cv2
import numpy as np

from ..checkpoints import Model
from ..imaging import grid, load_rgb, resize
from ..jobs import CancelToken, Operation, Progress, drive
from ..kinds import ModelKind
from ._common import check_cancel, check_int
from .evaluate import list_images
from .fill import fill
from .fill_masks import centred_box, free_form_photo
from .inpaint import inpaint
from .metrics import psnr

TILE = 192   # sheet tiles: the region around each hole, this many pixels a side


def telea(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    return cv2.inpaint(image, hole.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)


def evaluate_fill(model: Model, images_dir: str | os.PathLike, *, gan: Model | None = None,
                  max_images: int = 4, box: float = 0.25, strokes: int = 2, gan_steps: int = 100,
                  megapixels: float = 12.0, hole_px: int = 200, repeats: int = 3,
                  token: CancelToken | None = None) -> Operation[dict]:
    """Yields Progress per hole; returns {"mean": {mask type: {method: dB}}, "per_case",
    "large_photo", "sheet" (rows of the box and the first free-form hole of each photo;
    columns: photo, hole, Telea, [GAN], learned)}."""
    model.require_kind(ModelKind.FILL)
    if gan is not None:
        gan.require_kind(ModelKind.GAN)
    strokes = check_int("strokes", strokes, minimum=0)
    files = list_images(images_dir, max_images)
    total = len(files) * (1 + strokes) + 1
    cases, tiles, step = [], [], 0
    for index, path in enumerate(files):
        photo = load_rgb(path)
        h, w = photo.shape[:2]
        rng = np.random.default_rng([index, 2024])
        holes = [("box", centred_box(h, w, max(4, round(box * min(h, w)))))]
        holes += [("free-form", free_form_photo(h, w, rng)) for _ in range(strokes)]
        for j, (kind, hole) in enumerate(holes):
            check_cancel(token)
            fills = {"telea": telea(photo, hole), "learned": drive(fill(model, photo, hole))}
            if gan is not None:
                fills["gan"] = drive(inpaint(gan, photo, hole, steps=gan_steps, method="gan"))
            cases.append({"image": path.name, "mask": kind, "hole_pixels": int(hole.sum()),
                          **{name: round(psnr(out, photo, mask=hole), 3)
                             for name, out in fills.items()}})
            if j < 2:   # the sheet: each photo's box and first strokes
                tiles.append(_tiles(photo, hole, fills))
            step += 1
            yield Progress(step, total, f"{path.name}: {kind}",
                           metrics={name: cases[-1][name] for name in fills})
    check_cancel(token)
    timing = large_photo_timing(model, load_rgb(files[0]), megapixels, hole_px, repeats)
    yield Progress(total, total, f"timed the {megapixels:g} MP photo",
                   metrics={"learned_seconds": timing["learned"]["seconds"]})
    return {"mean": _means(cases), "per_case": cases, "large_photo": timing,
            "sheet": grid(np.concatenate(tiles), columns=len(tiles[0]))}


def _means(cases: list[dict]) -> dict:
    methods = [k for k in ("telea", "gan", "learned") if k in cases[0]]
    out = {}
    for kind in sorted({c["mask"] for c in cases}) + ["all"]:
        chosen = [c for c in cases if kind in ("all", c["mask"])]
        out[kind] = {m: round(float(np.mean([c[m] for c in chosen])), 2) for m in methods}
        out[kind]["learned_minus_telea"] = round(out[kind]["learned"] - out[kind]["telea"], 2)
    return out


def _tiles(photo: np.ndarray, hole: np.ndarray, fills: dict) -> np.ndarray:
    """The square around the hole (its box grown by half on each side), for each image."""
    rows, cols = np.nonzero(hole)
    side = int(max(np.ptp(rows), np.ptp(cols)) * 2) + 8
    side = min(side, *photo.shape[:2])
    cy, cx = (rows.min() + rows.max()) // 2, (cols.min() + cols.max()) // 2
    top = int(np.clip(cy - side // 2, 0, photo.shape[0] - side))
    left = int(np.clip(cx - side // 2, 0, photo.shape[1] - side))
    shown = photo.copy()
    shown[hole] = (128, 128, 128)
    order = [photo, shown, fills["telea"]] + [fills[k] for k in ("gan", "learned") if k in fills]
    return np.stack([resize(np.ascontiguousarray(image[top:top + side, left:left + side]),
                            TILE, TILE) for image in order])


def large_photo_timing(model: Model, photo: np.ndarray, megapixels: float, hole_px: int,
                       repeats: int) -> dict:
    """Median wall and CPU seconds of the learned fill (and Telea) on a large photo."""
    height = max(8, round(np.sqrt(megapixels * 1e6 * 3 / 4)))
    big = cv2.resize(photo, (round(height * 4 / 3), height), interpolation=cv2.INTER_CUBIC)
    hole = centred_box(big.shape[0], big.shape[1], min(hole_px, height - 2))
    out = {"megapixels": round(big.shape[0] * big.shape[1] / 1e6, 2), "hole": f"{hole_px}x{hole_px}"}
    for name, run in (("learned", lambda: drive(fill(model, big, hole))),
                      ("telea", lambda: telea(big, hole))):
        wall, cpu = [], []
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        out[name] = {"seconds": round(float(np.median(wall)), 3),
                     "cpu_seconds": round(float(np.median(cpu)), 3)}
    return out
