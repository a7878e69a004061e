"""`python -m engine bench`: the numbers that decide whether editing feels live.

Each timing is the median of `repeats` runs after a warm-up. Where the work is dense
arithmetic, its compute floor is printed beside it: the FLOPs it needs divided by the
fp32 matmul rate measured on the same machine in the same run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Callable

import numpy as np
import torch

from . import checkpoints
from .errors import UserError
from .jobs import drive
from .kinds import ModelKind
from .ops.edit import edit
from .ops.generate import random_z
from .ops.project import project
from .ops.types import EditConstraints, EditSettings
from .ops.upscale import upscale
from .perf import count_flops, matmul_rate


def median_time(fn: Callable[[], object], repeats: int, warmup: int = 1) -> tuple[float, list]:
    for _ in range(warmup):
        fn()
    times, results = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results.append(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times), results


def floor_row(seconds: float, flops: float, rate: float) -> dict:
    floor = flops / rate
    return {"flops": flops, "floor_s": floor, "measured_over_floor": seconds / floor if floor else None}


def top_stroke(size: int) -> EditConstraints:
    """A red stroke across the top fifth of the image: the benchmark's stand-in for a user."""
    color = np.zeros((size, size, 3), np.uint8)
    color[..., 0] = 220
    mask = np.zeros((size, size), bool)
    mask[size // 10: size // 10 + max(2, size // 16), size // 8: size - size // 8] = True
    return EditConstraints(color=color, color_mask=mask)


def bench_edit(model, settings: EditSettings, repeats: int, rate: float) -> dict:
    g = model.generator()
    size = g.config.image_size
    constraints = top_stroke(size)
    z0 = random_z(g, 1, seed=3)[0]

    def run():
        return drive(edit(model, constraints, z0=z0, settings=settings))
    seconds, results = median_time(run, repeats)
    flops = count_flops(run)  # FlopCounterMode counts forward and backward
    first_preview = []
    for _ in range(repeats):
        start = time.perf_counter()
        for progress in edit(model, constraints, z0=z0, settings=settings):
            if progress.preview is not None:
                first_preview.append(time.perf_counter() - start)
                break
    return {"edit_update_s": seconds, "steps": int(np.median([r.steps for r in results])),
            "starts": settings.starts, "candidates": len(results[0].costs),
            "first_preview_s": statistics.median(first_preview),
            **{f"edit_{k}": v for k, v in floor_row(seconds, flops, rate).items()}}


def held_out_crop(size: int, seed: int = 5) -> np.ndarray:
    """A 64x64 crop-like target: a smooth random scene (no photo ships with the code)."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (4, 4, 3)).astype(np.float32)
    import cv2
    image = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    return np.clip(image + rng.normal(0, 6, image.shape), 0, 255).astype(np.uint8)


def bench_projection(model, target: np.ndarray, repeats: int, rate: float) -> dict:
    rows = {}
    hybrid_seconds = None
    for method in ("encoder", "hybrid", "optimize"):
        budget = hybrid_seconds if method == "optimize" else None

        def run():
            return drive(project(model, target, method=method,
                                 steps=10_000 if budget else None, time_budget=budget))
        seconds, results = median_time(run, repeats)
        if method == "hybrid":
            hybrid_seconds = seconds
        row = {"seconds": seconds, "psnr": float(np.median([r.psnr for r in results])),
               "steps": int(np.median([r.steps for r in results])), "start": results[0].start}
        if method == "hybrid":
            row.update(floor_row(seconds, count_flops(run), rate))
        rows[method] = row
    return rows


def bench_upscale(model, repeats: int) -> dict:
    out = {}
    for side in (256, 1024):
        image = held_out_crop(side, seed=side)
        seconds, _ = median_time(lambda: drive(upscale(model, image)), repeats)
        out[f"{side}x{side}_s"] = seconds
    return out


TRANSFER_CHILD = """
import resource, sys, time, tracemalloc
import numpy as np
from engine.jobs import drive
from engine.ops.transfer import transfer
side = int(sys.argv[1]); h, w = 3000, 4000
rng = np.random.default_rng(0)
photo = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
before = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
after = np.clip(before.astype(int) + 30, 0, 255).astype(np.uint8)
times, peaks = [], []
for _ in range(int(sys.argv[2])):
    tracemalloc.start()
    t = time.perf_counter(); drive(transfer(photo, before, after)); times.append(time.perf_counter() - t)
    peaks.append(tracemalloc.get_traced_memory()[1]); tracemalloc.stop()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(sorted(times)[len(times) // 2], max(peaks) / 2**20, rss / 1024)
"""


def bench_transfer(size: int, repeats: int) -> dict:
    """In a child process, so the memory measured is the transfer's own: the peak of the
    arrays it allocates (tracemalloc sees numpy's and OpenCV's output arrays), and the
    whole process's peak resident size (which includes torch's ~300 MB)."""
    result = subprocess.run([sys.executable, "-c", TRANSFER_CHILD, str(size), str(repeats)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise UserError(f"transfer benchmark failed: {result.stderr.strip().splitlines()[-1:]}")
    seconds, traced_mb, rss_mb = map(float, result.stdout.split())
    return {"megapixels": 12.0, "seconds": seconds, "peak_allocated_mb": traced_mb,
            "process_peak_rss_mb": rss_mb}


def bench_training(device: torch.device, repeats: int) -> dict:
    from .train.bench import bench_training as run
    result = run(["gan"], "cpu" if device.type == "cpu" else "gpu", device, 2, repeats, lambda row: None)
    return result["kinds"][0]


SECTIONS = ("edit", "projection", "training", "upscale", "transfer")


def run_all(model_name: str, sr_name: str, device: torch.device, repeats: int,
            report: Callable[[str, object], None], sections=SECTIONS,
            photo: np.ndarray | None = None) -> dict:
    rate = matmul_rate(device=device)
    results: dict = {"device": str(device), "threads": torch.get_num_threads(),
                     "matmul_gflops": rate / 1e9}
    report("matmul", results["matmul_gflops"])
    model = checkpoints.load_model(model_name, device)
    model.require_kind(ModelKind.GAN)
    settings = EditSettings()
    size = model.generator().config.image_size
    runners = {
        "edit": lambda: bench_edit(model, settings, repeats, rate),
        "projection": lambda: bench_projection(
            model, held_out_crop(size) if photo is None else photo, repeats, rate),
        "training": lambda: bench_training(device, min(repeats, 3)),
        "upscale": lambda: bench_upscale(checkpoints.load_model(sr_name, device), repeats),
        "transfer": lambda: bench_transfer(size, repeats),
    }
    for name in sections:
        try:
            results[name] = runners[name]()
        except UserError as exc:
            results[name] = {"skipped": str(exc)}
        report(name, results[name])
    return results
