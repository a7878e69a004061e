"""How varied a generator's samples are next to real images: checks for collapse and copying.

Images are compared as 16x16 thumbnails (RGB in [0, 1]) by RMS distance, so layout and
colour count and pixel noise does not.
- spread: the mean distance between two samples, over the mean distance between two real
  images. Near 1: as varied as the photos; near 0: the samples collapsed to a few images.
- copying (with training images): each sample's distance to its nearest training image,
  over the same for held-out real images. Well below 1: samples sit on training images.
"""

from __future__ import annotations

import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ._common import gan_networks, seeded_uniform

THUMB = 16
BATCH = 64


def thumbnails(images: np.ndarray) -> np.ndarray:
    """uint8 NxHxWx3 -> float32 N x (16*16*3), area-averaged, in [0, 1]."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or images.shape[1] % THUMB or images.shape[2] % THUMB:
        raise UserError(f"expected N x H x W x 3 images with sides divisible by {THUMB}, "
                        f"got shape {images.shape}")
    n, h, w, _ = images.shape
    blocks = images.reshape(n, THUMB, h // THUMB, THUMB, w // THUMB, 3).astype(np.float32)
    return (blocks.mean(axis=(2, 4)) / 255.0).reshape(n, -1)


def mean_pairwise_distance(x: np.ndarray) -> float:
    """Mean RMS distance over all pairs i < j of the rows of x."""
    if len(x) < 2:
        raise UserError("need at least 2 images to measure a spread")
    d = _rms_distances(x, x)
    return float(d[np.triu_indices(len(x), k=1)].mean())


def nearest_distances(x: np.ndarray, reference: np.ndarray, chunk: int = 512) -> np.ndarray:
    """For each row of x, the RMS distance to its nearest row of `reference`."""
    return np.concatenate([_rms_distances(x[i:i + chunk], reference).min(axis=1)
                           for i in range(0, len(x), chunk)])


def _rms_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(squared, 0.0) / a.shape[1])


def generate(model: Model, n: int, seed: int = 0) -> np.ndarray:
    """n uint8 samples of the model's (EMA) generator from seeded prior draws."""
    generator, _, _ = gan_networks(model)
    device = next(generator.parameters()).device
    z = seeded_uniform((n, generator.z_dim), seed, device)
    out = []
    with torch.inference_mode():
        for i in range(0, n, BATCH):
            x = generator(z[i:i + BATCH])
            out.append(((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy())
    return np.concatenate(out)


def diversity(samples: np.ndarray, real: np.ndarray, training: np.ndarray | None = None) -> dict:
    """The numbers in the module docstring, JSON-ready."""
    s, r = thumbnails(samples), thumbnails(real)
    spread_samples, spread_real = mean_pairwise_distance(s), mean_pairwise_distance(r)
    report = {"samples": len(s), "real_images": len(r),
              "spread_samples": spread_samples, "spread_real": spread_real,
              "spread_ratio": spread_samples / spread_real if spread_real > 0 else float("nan")}
    if training is not None:
        t = thumbnails(training)
        to_samples = float(np.median(nearest_distances(s, t)))
        to_real = float(np.median(nearest_distances(r, t)))
        report.update({"training_images": len(t), "nearest_training_samples": to_samples,
                       "nearest_training_real": to_real,
                       "copying_ratio": to_samples / to_real if to_real > 0 else float("nan")})
    return report
