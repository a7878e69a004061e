"""Latents -> images, and the standard starting latents."""

from __future__ import annotations

import threading
import weakref

import numpy as np
import torch
import torch.nn as nn

from ..checkpoints import Model
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


AVERAGE_SAMPLES = 256
REALISTIC_SHARE = 0.25   # of the samples, the share the discriminator rates most real
_AVERAGES: "weakref.WeakKeyDictionary[nn.Module, tuple]" = weakref.WeakKeyDictionary()
_AVERAGES_LOCK = threading.Lock()


def _weights_signature(*nets: nn.Module | None) -> tuple:
    return tuple((p.data_ptr(), p._version) for net in nets if net is not None
                 for p in net.parameters())


def average_z(generator: nn.Module, samples: int = AVERAGE_SAMPLES, seed: int = 0,
              critic: nn.Module | None = None) -> np.ndarray:
    """The 'average image' start: of `samples` seeded draws from the prior, the one whose
    image is nearest the mean of all their images, which is also the one with the least
    total squared distance to the others: the most typical sample. (The prior's mean, z = 0,
    is no typical latent: on outdoor64 it gives a near-black image.)

    With a `critic` (the model's discriminator), only the REALISTIC_SHARE of draws it scores
    highest take part: the mean of all draws is a blur of close-ups, and the sample nearest
    it a blur too, while the most typical of the realistic ones is a view (sky over land
    or sea on the shipped models). Deterministic; cached until either network's weights
    change."""
    signature = (samples, seed, _weights_signature(generator, critic))
    with _AVERAGES_LOCK:
        cached = _AVERAGES.get(generator)
    if cached is not None and cached[0] == signature:
        return cached[1].copy()
    device = next(generator.parameters()).device
    rng = torch.Generator().manual_seed(int(seed))
    sample_z = getattr(generator, "sample_z", None)
    z = sample_z(samples, generator=rng) if sample_z is not None \
        else torch.rand(samples, generator.z_dim, generator=rng) * 2 - 1
    z = z.float().cpu()
    with torch.inference_mode():
        batches = [generator(z[i:i + 64].to(device)) for i in range(0, samples, 64)]
        candidates = torch.arange(samples)
        if critic is not None:
            scores = torch.cat([critic(b).reshape(len(b), -1).float().mean(1).cpu() for b in batches])
            keep = max(1, round(samples * REALISTIC_SHARE))
            candidates = scores.argsort(descending=True)[:keep]
        images = torch.cat([b.float().flatten(1).cpu() for b in batches])[candidates]
    nearest = int(candidates[(images - images.mean(0)).pow(2).sum(1).argmin()])
    best = z[nearest].numpy().astype(np.float32)
    with _AVERAGES_LOCK:
        _AVERAGES[generator] = (signature, best)
    return best.copy()


def average_latent(model: Model) -> np.ndarray:
    """A gan model's 'average image' latent (average_z), picked among the samples its
    discriminator, when it has one, rates most realistic."""
    critic = model.net("discriminator") if model.has("discriminator") else None
    return average_z(model.generator(), critic=critic)
