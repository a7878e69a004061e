"""The edit benchmark: does an edit give what the strokes ask for, and keep what it should?

Every edit runs the real edit op with the given settings (the editor's defaults). Measured:
- Canonical prompts (edit_prompts.PROMPTS), from random starts and with Fix on one of the
  model's samples: each stroke's miss (RGB distance between its colour and the result's mean
  colour under it; met when below MET); with Fix, the mean change (grey levels, mean over
  RGB) outside the strokes' free region (edit.free_region with the settings' margin).
- Realism of every result: the discriminator's logit, and the RMS distance (grey levels,
  16x16 thumbnails) to the nearest of a subsample of the training crops; the same two for
  plain samples and held-out crops as the yardstick.
- Hints: on held-out crops, short strokes coloured from the crop, from random starts; PSNR
  of the result against the crop, beside the flat fill of the hint colours, the closest of
  the returned candidates (the user's best pick) and the crop's own projection (the latent
  search sees every pixel: about the most any edit from hints can reach on this model).
- Sketch lines, from random starts: mean gradient within 1 px of the line over the image's
  mean gradient, beside the same for plain samples.
- Warps, on a fixed sample: mean abs difference (grey levels) between the destination box
  of the result and the source patch of the fixed image, before and after; the change
  outside the free region.
- Local reach (generators with local codes, engine.ops.locality): how much one cell's code
  changes the image around its cell.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field

import cv2
import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import load_rgb, to_tensor
from ..jobs import CancelToken, Operation, Progress
from . import edit_prompts as P
from ._common import check_cancel, check_int, fit_to_model, gan_networks, image_size_of
from .constraints import _box, line_tangents
from .diversity import nearest_distances, thumbnails
from .edit import check_settings, edit
from .evaluate import list_images
from .generate import generate, random_z
from .keep import free_region
from .locality import local_reach
from .metrics import psnr
from .project import best_method, project
from .types import EditConstraints, EditResult, EditSettings

MET = 40.0           # a stroke is met when its miss is below this (RGB distance, 0-255)
YARDSTICK = 64       # samples and held-out crops scored for the realism yardstick


@dataclass
class BenchResult:
    report: dict         # JSON-ready numbers
    cells: list          # (label, [uint8 tiles]) for the sheet


def edit_benchmark(model: Model, holdout_dir: str | os.PathLike, training_dir: str | os.PathLike,
                   settings: EditSettings = EditSettings(), hints: int = 8, hint_strokes: int = 8,
                   training_limit: int = 2000, seed: int = 0, token: CancelToken | None = None
                   ) -> Operation[BenchResult]:
    started = time.perf_counter()
    settings = check_settings(settings)
    hints = check_int("hints", hints, minimum=0)
    hint_strokes = check_int("hint_strokes", hint_strokes)
    training_limit = check_int("training_limit", training_limit)
    generator, discriminator, _ = gan_networks(model)
    size = image_size_of(generator)
    held_out = _load_crops(holdout_dir, YARDSTICK, size)
    hint_crops = _load_crops(holdout_dir, hints, size) if hints else held_out[:0]
    training = _load_crops(training_dir, training_limit, size)
    fixed_z = random_z(generator, max(len(P.PROMPTS), len(P.WARPS)), seed + 1)
    bench = _Bench(model, settings, seed, token, size, fixed_z, generate(generator, fixed_z),
                   total=2 * len(P.PROMPTS) + len(hint_crops) + len(P.SKETCHES) + len(P.WARPS))
    prompts = yield from _prompt_rows(bench)
    hint_rows = yield from _hint_rows(bench, hint_crops, hint_strokes)
    samples = generate(generator, random_z(generator, YARDSTICK, seed + 2))
    sketch_rows = yield from _sketch_rows(bench, samples)
    warp_rows = yield from _warp_rows(bench)
    realism = _realism(discriminator, training, np.stack(bench.results), samples, held_out)
    for row in prompts:
        for mode in ("random", "fix"):
            index = row[mode].pop("result")
            row[mode]["d"], row[mode]["nearest"] = realism["results"][index]
    report = {
        "model": model.name, "image_size": size, "margin": bench.margin, "met_below": MET,
        "settings": {k: getattr(settings, k) for k in ("starts", "candidates", "steps")},
        "prompts": prompts, "hints": hint_rows, "sketch": sketch_rows, "warps": warp_rows,
        "realism": {k: v for k, v in realism.items() if k != "results"},
        "summary": _summary(prompts, hint_rows, warp_rows, realism),
        "local_reach": local_reach(generator, seed=seed),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return BenchResult(report, bench.cells)


def _load_crops(folder: str | os.PathLike, limit: int, size: int) -> np.ndarray:
    """Up to `limit` images spread over the folder (every held-out photo is used), fitted
    to the model's size."""
    return np.stack([fit_to_model(load_rgb(p), size, str(p)) for p in list_images(folder, limit)])


@dataclass
class _Bench:
    """What the benchmark's edits share: the model and settings, the fixed samples, the
    progress count, and every result image (for realism) and sheet cell so far."""
    model: Model
    settings: EditSettings
    seed: int
    token: CancelToken | None
    size: int
    fixed_z: np.ndarray
    fixed_images: np.ndarray
    total: int
    done: int = 0
    results: list = field(default_factory=list)
    cells: list = field(default_factory=list)

    @property
    def margin(self) -> int:
        return self.settings.keep_margin

    def edit(self, constraints: EditConstraints, z0, label: str, offset: int
             ) -> Operation[EditResult]:
        """One edit with the settings' seed moved by `offset`, its progress counted in the whole."""
        check_cancel(self.token)
        self.done += 1
        return (yield from self.relay(edit(
            self.model, constraints, z0=z0,
            settings=dataclasses.replace(self.settings, seed=self.seed + offset),
            token=self.token), label))

    def project(self, crop: np.ndarray, label: str) -> Operation[float]:
        """PSNR of the crop's most faithful projection, within the current step of the whole."""
        check_cancel(self.token)
        result = yield from self.relay(project(self.model, crop, method=best_method(self.model),
                                               seed=self.seed, token=self.token), label)
        return result.psnr

    def relay(self, op: Operation, label: str):
        """Run `op`, reporting its progress as the current step of the whole; its result."""
        while True:
            try:
                inner = next(op)
            except StopIteration as stop:
                return stop.value
            yield Progress(self.done, self.total, f"{label} ({inner.step}/{inner.total})", None,
                           inner.metrics)


def _prompt_rows(bench: _Bench) -> Operation[list]:
    """The canonical prompts, from a random start and with Fix on a fixed sample."""
    size, prompts = bench.size, []
    for i, prompt in enumerate(P.PROMPTS):
        constraints, masks = P.rasterize(prompt, size)
        rows = {}
        free = free_region(constraints, size, bench.margin)
        for mode, z0 in (("random", None), ("fix", bench.fixed_z[i])):
            result = yield from bench.edit(constraints, z0, f"{prompt.name}: {mode}", 2 * i)
            image = result.images[0]
            misses = [_miss(image, s.color, m) for s, m in zip(prompt.strokes, masks)]
            row = {"misses": [round(m, 1) for m in misses], "met": _met(misses),
                   "seconds": round(result.seconds, 3), "result": len(bench.results)}
            if mode == "fix":
                row["outside"] = round(_change(image, bench.fixed_images[i], ~free), 2)
            rows[mode] = row
            bench.results.append(image)
        prompts.append({"name": prompt.name, **rows})
        under = bench.fixed_images[i]
        bench.cells.append((prompt.name, [
            _strokes_tile(constraints, size), bench.results[rows["random"]["result"]],
            _outline(_strokes_tile(constraints, size, under), free),
            bench.results[rows["fix"]["result"]]]))
    return prompts


def _hint_rows(bench: _Bench, hint_crops: np.ndarray, hint_strokes: int) -> Operation[list]:
    """Short strokes coloured from held-out crops: PSNR beside the flat fill of the hints."""
    rows = []
    rng = np.random.default_rng(bench.seed)
    for i, crop in enumerate(hint_crops):
        constraints = P.color_constraints(P.hint_strokes(crop, hint_strokes, rng), bench.size)
        result = yield from bench.edit(constraints, None, f"hints {i + 1}", 100 + i)
        flat = P.flat_fill(constraints)
        ceiling = yield from bench.project(crop, f"hints {i + 1}: projection")
        rows.append({"psnr": round(psnr(result.images[0], crop), 2),
                     "flat": round(psnr(flat, crop), 2),
                     "best_candidate": round(max(psnr(image, crop) for image in result.images), 2),
                     "projection": round(ceiling, 2)})
        bench.results.append(result.images[0])
        bench.cells.append((f"hints {i + 1}", [crop, _strokes_tile(constraints, bench.size), flat,
                                               result.images[0]]))
    return rows


def _sketch_rows(bench: _Bench, samples: np.ndarray) -> Operation[list]:
    """Sketch lines from random starts: the edge ratio beside that of plain samples, and the
    coherence of the edge (clutter along a line has a high edge ratio too)."""
    rows, size = [], bench.size
    for i, (name, points) in enumerate(P.SKETCHES):
        line = P.sketch_mask(points, size)
        result = yield from bench.edit(EditConstraints(sketch_mask=line), None, f"sketch {name}",
                                       200 + i)
        baseline = float(np.mean([_edge_ratio(s, line) for s in samples]))
        rows.append({"name": name, "edge_ratio": round(_edge_ratio(result.images[0], line), 2),
                     "samples": round(baseline, 2),
                     "coherence": round(_edge_coherence(result.images[0], line), 2)})
        bench.results.append(result.images[0])
        drawing = np.full((size, size, 3), 255, np.uint8)
        drawing[line] = 0
        bench.cells.append((f"sketch {name}", [drawing, result.images[0]]))
    return rows


def _warp_rows(bench: _Bench) -> Operation[list]:
    """Warps on a fixed sample: the destination box against the source patch, before and
    after, and the change outside the free region."""
    rows = []
    for i, (name, coords, side) in enumerate(P.WARPS):
        warp = P.warp_at(coords, side, bench.size)
        constraints = EditConstraints(warps=[warp])
        fixed = bench.fixed_images[i]
        result = yield from bench.edit(constraints, bench.fixed_z[i], f"warp {name}", 300 + i)
        image = result.images[0]
        free = free_region(constraints, bench.size, bench.margin)
        rows.append({"name": name, "before": round(_warp_distance(fixed, fixed, warp), 1),
                     "after": round(_warp_distance(image, fixed, warp), 1),
                     "outside": round(_change(image, fixed, ~free), 2)})
        bench.results.append(image)
        bench.cells.append((f"warp {name}", [_outline(_arrow_tile(fixed, warp), free), image]))
    return rows


def _miss(image: np.ndarray, color, mask: np.ndarray) -> float:
    return float(np.linalg.norm(image[mask].reshape(-1, 3).mean(0) - np.asarray(color, float)))


def _met(misses: list[float]) -> float:
    return round(float(np.mean([m < MET for m in misses])), 3)


def _change(a: np.ndarray, b: np.ndarray, region: np.ndarray) -> float:
    if not region.any():
        return 0.0
    return float(np.abs(a.astype(float) - b).mean(-1)[region].mean())


def _gradient(image: np.ndarray) -> np.ndarray:
    gy, gx = np.gradient(image.astype(float).mean(-1))
    return np.hypot(gx, gy)


def _edge_ratio(image: np.ndarray, line: np.ndarray) -> float:
    near = cv2.dilate(line.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    magnitude = _gradient(image)
    return float(magnitude[near].mean() / max(magnitude.mean(), 1e-6))


def _edge_coherence(image: np.ndarray, line: np.ndarray) -> float:
    """Within 1 px of the line, the share of the gradient energy that runs across the line:
    1 for one clean boundary along it (a horizon), about 0.5 for clutter."""
    tangents = line_tangents(line)
    near = np.abs(tangents).sum(0) > 0
    gy, gx = np.gradient(image.astype(float).mean(-1))
    along = gx * tangents[0] + gy * tangents[1]
    energy = (gx * gx + gy * gy)[near].sum()
    return float(1 - (along * along)[near].sum() / max(energy, 1e-9))


def _warp_distance(image: np.ndarray, fixed: np.ndarray, warp) -> float:
    """Mean abs difference (grey levels) of the result's destination box and the fixed
    image's source box, over the part of both inside the image."""
    size = image.shape[0]
    st, sl, sb, sr = _box(warp.x0, warp.y0, warp.size)
    dy, dx = int(round(warp.y1 - warp.y0)), int(round(warp.x1 - warp.x0))
    top, left = max(st, -dy, 0), max(sl, -dx, 0)
    bottom, right = min(sb, size - dy, size), min(sr, size - dx, size)
    source = fixed[top:bottom, left:right].astype(float)
    destination = image[top + dy:bottom + dy, left + dx:right + dx].astype(float)
    return float(np.abs(destination - source).mean())


def _realism(discriminator, training, results, samples, held_out) -> dict:
    reference = thumbnails(training)

    def score(images):
        nearest = nearest_distances(thumbnails(images), reference) * 255
        if discriminator is None:
            logits = np.full(len(images), np.nan)
        else:
            device = next(discriminator.parameters()).device
            with torch.inference_mode():
                logits = discriminator(to_tensor(images, device)).float().cpu().numpy().reshape(-1)
        return logits, nearest

    def means(images):
        logits, nearest = score(images)
        return {"d": round(float(np.mean(logits)), 3), "nearest": round(float(np.mean(nearest)), 2)}

    logits, nearest = score(results)
    return {"results": [(round(float(l), 3), round(float(n), 2)) for l, n in zip(logits, nearest)],
            "all_results": {"d": round(float(np.mean(logits)), 3),
                            "nearest": round(float(np.mean(nearest)), 2)},
            "samples": means(samples), "held_out": means(held_out), "training_crops": len(training)}


def _summary(prompts, hint_rows, warp_rows, realism) -> dict:
    def met(mode):
        misses = [m for row in prompts for m in row[mode]["misses"]]
        return round(float(np.mean([m < MET for m in misses])), 3)

    summary = {"random_met": met("random"), "fix_met": met("fix"),
               "fix_outside": round(float(np.mean([r["fix"]["outside"] for r in prompts])), 2)}
    if hint_rows:
        summary["hints_psnr"] = round(float(np.mean([r["psnr"] for r in hint_rows])), 2)
        summary["hints_flat_psnr"] = round(float(np.mean([r["flat"] for r in hint_rows])), 2)
        summary["hints_best_candidate_psnr"] = round(float(np.mean(
            [r["best_candidate"] for r in hint_rows])), 2)
        summary["hints_projection_psnr"] = round(float(np.mean([r["projection"] for r in hint_rows])), 2)
    summary["warp_before"] = round(float(np.mean([r["before"] for r in warp_rows])), 1)
    summary["warp_after"] = round(float(np.mean([r["after"] for r in warp_rows])), 1)
    summary["warp_outside"] = round(float(np.mean([r["outside"] for r in warp_rows])), 2)
    summary["results_d"] = realism["all_results"]["d"]
    summary["results_nearest"] = realism["all_results"]["nearest"]
    return summary


# ---------------------------------------------------------------- sheet and table

def _strokes_tile(constraints: EditConstraints, size: int, under: np.ndarray | None = None):
    tile = np.full((size, size, 3), 128, np.uint8) if under is None else under.copy()
    tile[constraints.color_mask] = constraints.color[constraints.color_mask]
    return tile


def _outline(tile: np.ndarray, region: np.ndarray, scale: int = 2) -> np.ndarray:
    """The tile at `scale`x the region's size with the region's border drawn in yellow (the
    margin the editor shows)."""
    side = scale * region.shape[0]
    big = cv2.resize(tile, (side, side), interpolation=cv2.INTER_NEAREST)
    mask = cv2.resize(region.astype(np.uint8), (side, side), interpolation=cv2.INTER_NEAREST)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(big, contours, -1, (255, 230, 0), 1)
    return big


def _arrow_tile(fixed: np.ndarray, warp) -> np.ndarray:
    tile = cv2.resize(fixed, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    st, sl, sb, sr = _box(warp.x0, warp.y0, warp.size)
    cv2.rectangle(tile, (2 * sl, 2 * st), (2 * sr - 1, 2 * sb - 1), (255, 255, 255), 1)
    cv2.arrowedLine(tile, (int(2 * warp.x0), int(2 * warp.y0)), (int(2 * warp.x1), int(2 * warp.y1)),
                    (255, 60, 60), 1, tipLength=0.2)
    return tile


def sheet(cells: list, per_row: int = 2, scale: int = 2) -> np.ndarray:
    """One uint8 image: each cell is a label and its tiles (prompt, results), `per_row` a row."""
    if not cells:
        raise UserError("nothing to draw")
    side = max(t.shape[0] for _, tiles in cells for t in tiles)
    side = max(side, cells[0][1][0].shape[0] * scale)
    width = max(len(tiles) for _, tiles in cells)
    pad, label = 4, 14
    cell_w, cell_h = width * (side + pad) + pad, side + label + pad
    rows = (len(cells) + per_row - 1) // per_row
    out = np.full((rows * cell_h, per_row * cell_w, 3), 24, np.uint8)
    for n, (text, tiles) in enumerate(cells):
        y, x = (n // per_row) * cell_h, (n % per_row) * cell_w
        cv2.putText(out, text, (x + pad, y + label - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                    (235, 235, 235), 1, cv2.LINE_AA)
        for k, tile in enumerate(tiles):
            big = cv2.resize(tile, (side, side), interpolation=cv2.INTER_NEAREST)
            tx = x + pad + k * (side + pad)
            out[y + label:y + label + side, tx:tx + side] = big
    return out


def format_table(report: dict) -> str:
    """The report as plain-text tables."""
    lines = [f"edit benchmark: {report['model']} ({report['image_size']} px), "
             f"{report['settings']['starts']} starts, {report['settings']['steps']} steps; "
             f"met = miss < {report['met_below']:g}; margin {report['margin']} px",
             f"{'prompt':28} {'random misses':>22} {'met':>5} {'D':>6} {'near':>5} | "
             f"{'fix misses':>22} {'met':>5} {'outside':>7} {'D':>6}"]
    for row in report["prompts"]:
        r, f = row["random"], row["fix"]
        lines.append(f"{row['name']:28} {_misses(r['misses']):>22} {r['met']:5.2f} {r['d']:6.2f} "
                     f"{r['nearest']:5.1f} | {_misses(f['misses']):>22} {f['met']:5.2f} "
                     f"{f['outside']:7.2f} {f['d']:6.2f}")
    s = report["summary"]
    lines.append(f"strokes met: random {s['random_met']:.1%}, fix {s['fix_met']:.1%}; "
                 f"fix mean change outside the margin {s['fix_outside']:.2f} grey levels")
    if report["hints"]:
        lines.append(f"hints ({len(report['hints'])} held-out crops): PSNR {s['hints_psnr']:.2f} dB "
                     f"vs flat fill {s['hints_flat_psnr']:.2f} dB; closest candidate "
                     f"{s['hints_best_candidate_psnr']:.2f} dB, projection of the crop "
                     f"{s['hints_projection_psnr']:.2f} dB")
    for row in report["sketch"]:
        lines.append(f"sketch {row['name']}: edge ratio {row['edge_ratio']:.2f} "
                     f"(plain samples {row['samples']:.2f}), coherence {row['coherence']:.2f}")
    for row in report["warps"]:
        lines.append(f"warp {row['name']}: destination vs source patch {row['before']:.1f} -> "
                     f"{row['after']:.1f} grey levels; outside change {row['outside']:.2f}")
    rl = report["realism"]
    lines.append(f"realism (D logit, nearest training crop RMS): results {rl['all_results']['d']:.2f} / "
                 f"{rl['all_results']['nearest']:.1f}, samples {rl['samples']['d']:.2f} / "
                 f"{rl['samples']['nearest']:.1f}, held-out crops {rl['held_out']['d']:.2f} / "
                 f"{rl['held_out']['nearest']:.1f} ({rl['training_crops']} training crops)")
    reach = report.get("local_reach")
    if reach:
        lines.append(f"local reach: resampling one cell's local code changes its window by "
                     f"{reach['cell_window']:.1f} grey levels (the global code: the image by "
                     f"{reach['global']:.1f})")
    lines.append(f"{report['seconds']:.1f} s")
    return "\n".join(lines)


def _misses(values: list[float]) -> str:
    return " ".join(f"{v:.0f}" for v in values)
