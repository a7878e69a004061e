"""Latents -> images, and the standard starting latents."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from ..errors import UserError
from ..imaging import to_uint8


def check_latents(z: np.ndarray, z_dim: int) -> np.ndarray:
    z = np.asarray(z, dtype=np.float32)
    if z.ndim == 1:
        z = z[None]
    if z.ndim != 2 or z.shape[1] != z_dim:
        raise UserError(f"latent has shape {tuple(z.shape)}, but this model needs length {z_dim}")
    if not np.isfinite(z).all():
        raise UserError("latent contains NaN or infinity")
    return z


@torch.inference_mode()
def generate(generator: nn.Module, z: np.ndarray, batch: int = 64) -> np.ndarray:
    """uint8 NxHxWx3 images for N latents (or HxWx3 for one 1-D latent)."""
    single = np.asarray(z).ndim == 1
    z = check_latents(z, generator.z_dim)
    device = next(generator.parameters()).device
    images = [to_uint8(generator(torch.from_numpy(z[i:i + batch]).to(device)))
              for i in range(0, len(z), batch)]
    out = np.concatenate(images)
    return out[0] if single else out


def random_z(generator: nn.Module, n: int = 1, seed: int | None = None) -> np.ndarray:
    """Samples from the prior, U[-1, 1]^Z."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, size=(n, generator.z_dim)).astype(np.float32)


def average_z(generator: nn.Module) -> np.ndarray:
    """The prior's mean: gives the 'average image' start."""
    return np.zeros(generator.z_dim, np.float32)
