"""Training throughput per kind against the compute floor of this machine."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np
import torch

from .. import checkpoints, registry
from ..config import DiscriminatorConfig, GeneratorConfig
from ..imaging import save_image
from ..perf import count_flops, matmul_rate, time_calls
from . import dist
from .options import TrainOptions, resolve
from .tasks import TASKS

BENCH_KINDS = ("gan", "encoder", "sr", "pix2pix", "cyclegan")


def synthetic_folder(folder: Path, n: int, size: int, seed: int) -> Path:
    """Smooth random colour fields: cheap to make, not constant, any size."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        coarse = rng.uniform(0, 255, (4, 4, 3)).astype(np.float32)
        image = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
        image += rng.normal(0, 8, image.shape).astype(np.float32)
        save_image(folder / f"{i:04d}.png", np.clip(image, 0, 255).astype(np.uint8))
    return folder


def _options(kind: str, root: Path, preset: str, device: str) -> TrainOptions:
    base = TrainOptions(preset=preset, device=device, out=str(root / kind),
                        cache_dir=str(root / "cache"))
    probe = resolve(kind, base.replace(data="x", data_b="x", pairs="edges", model="x"))
    batch, size = probe.batch, probe.size or resolve("gan", base.replace(data="x")).size
    a = synthetic_folder(root / f"a{size}", max(batch, 8), size + size // 4, 1)
    b = synthetic_folder(root / f"b{size}", max(batch, 8), size + size // 4, 2)
    if kind == "encoder":
        gan = resolve("gan", base.replace(data="x"))
        g = registry.build("dcgan_generator", GeneratorConfig(image_size=gan.size, width=gan.width))
        d = registry.build("dcgan_discriminator", DiscriminatorConfig(image_size=gan.size,
                                                                      width=gan.width))
        checkpoints.save_model(root / "gan-model", "gan", {"generator": g, "discriminator": d})
        return base.replace(data=str(a), model=str(root / "gan-model"), out=None)
    return base.replace(data=str(a), data_b=str(b), pairs="edges" if kind == "pix2pix" else None)


def bench_kind(kind: str, root: Path, preset: str, device: torch.device,
               warmup: int, repeats: int, rate: float) -> dict:
    options = resolve(kind, _options(kind, root, preset, str(device)))
    task_cls = TASKS[kind]
    run = task_cls.prepare_output(options)
    task_cls.prepare(run, options.replace(force=True))
    task = task_cls(options, dist.Context(device=device), run, lambda text: None)
    counter = iter(range(10 ** 9))
    seconds = time_calls(lambda: task.step(next(counter)), warmup, repeats, device)
    flops = count_flops(lambda: task.step(next(counter)))
    per_image = flops / options.batch
    floor = per_image / rate
    measured = seconds / options.batch
    return {"kind": kind, "preset": preset, "size": getattr(task, "size", options.size),
            "batch": options.batch, "width": options.width,
            "seconds_per_iter": round(seconds, 4), "images_per_second": round(1 / measured, 2),
            "gflop_per_image": round(per_image / 1e9, 4),
            "floor_images_per_second": round(1 / floor, 1),
            "measured_over_floor": round(measured / floor, 2)}


def bench_training(kinds=BENCH_KINDS, preset: str = "cpu", device: torch.device | None = None,
                   warmup: int = 2, repeats: int = 3, report=None) -> dict:
    device = device or torch.device("cpu")
    rate = matmul_rate(device=device)
    results = {"device": str(device), "threads": torch.get_num_threads(),
               "matmul_gflops": round(rate / 1e9, 2), "kinds": []}
    with tempfile.TemporaryDirectory(prefix="manifold-bench-") as tmp:
        for kind in kinds:
            torch.manual_seed(0)
            row = bench_kind(kind, Path(tmp), preset, device, warmup, repeats, rate)
            results["kinds"].append(row)
            if report is not None:
                report(row)
    return results
