"""Pivotal tuning (PTI, Roich et al. 2021): after projection, fine-tune a copy of the
generator so that G'(pivot) reproduces the photo, while latents near the pivot keep
giving what the original generator gave there.

Loss per step, on the photo's model-resolution crop x:

    mse(G'(p), x) + l1_weight x l1(G'(p), x) + feature_weight x D-feature distance
    + locality_weight x mse(G'(z_r), G(z_r))

with z_r = p + locality_radius x (u - p) for fresh u ~ U[-1, 1]^Z each step (PTI's
locality regulariser: interpolations from the pivot towards random latents; the editor's
edits and candidates all live near the pivot). The discriminator's intermediate features
stand in for LPIPS (nothing can be downloaded).

The tuned network is a deep copy of the model's generator: the same class, config and
parameter names, so it can stand in for the generator in every op (`with_generator`),
be folded for fast inference (nets.inference) and be saved by engine.checkpoints. It is
tuned in eval mode, so BatchNorm keeps its running statistics (a batch of one photo would
otherwise be normalised by itself); its affine weights are tuned like every other weight.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .. import checkpoints
from ..checkpoints import Model
from ..errors import CheckpointError, UserError
from ..imaging import to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from . import losses
from ._common import (check_cancel, check_float, check_int, device_of, fast, fit_to_model,
                      gan_networks, image_size_of, latent_tensor, seeded_uniform)
from .metrics import psnr
from .project import _psnr_from_mse

# Chosen on scenes64's held-out crops (docs/pivotal-tuning.md has the measurements): 60 steps
# reach 29.5 dB in ~2.9 CPU seconds, 100 steps 31.0 dB in ~4.3; lr 2e-3 was worse at both.
DEFAULT_STEPS = 60
DEFAULT_LR = 1e-3


@dataclass
class TuneSettings:
    steps: int = DEFAULT_STEPS
    lr: float = DEFAULT_LR
    l1_weight: float = 0.0
    feature_weight: float = 0.1
    locality_weight: float = 0.5
    locality_samples: int = 2      # nearby latents per step
    locality_radius: float = 0.3   # how far towards a random latent they lie (0..1)
    time_budget: float | None = None
    seed: int = 0
    preview_every: int = 10


@dataclass
class TuneResult:
    generator: nn.Module   # the tuned copy (eval mode, on the model's device)
    pivot: np.ndarray      # float32 Z: the latent it was tuned at
    image: np.ndarray      # uint8 HxWx3: G'(pivot)
    psnr: float            # of `image` against the photo's model-resolution crop
    psnr_before: float     # G(pivot) against the same crop
    steps: int
    seconds: float


def check_settings(settings: TuneSettings) -> TuneSettings:
    if not isinstance(settings, TuneSettings):
        raise UserError(f"settings must be TuneSettings, got {type(settings).__name__}")
    check_int("steps", settings.steps)
    check_float("lr", settings.lr, strict=True)
    for name in ("l1_weight", "feature_weight", "locality_weight"):
        check_float(name, getattr(settings, name))
    check_int("locality_samples", settings.locality_samples, minimum=0)
    radius = check_float("locality_radius", settings.locality_radius)
    if radius > 1:
        raise UserError(f"locality_radius must be from 0 to 1, got {radius:g}")
    if settings.time_budget is not None:
        check_float("time_budget", settings.time_budget, strict=True)
    check_int("seed", settings.seed, minimum=0)
    check_int("preview_every", settings.preview_every)
    return settings


def tune(model: Model, image: np.ndarray, pivot: np.ndarray, *,
         settings: TuneSettings | None = None, token: CancelToken | None = None
         ) -> Operation[TuneResult]:
    """Yields Progress every step (psnr in its metrics); returns a TuneResult. The model's
    networks are not changed."""
    settings = check_settings(dataclasses.replace(settings or TuneSettings()))
    original, discriminator, _ = gan_networks(model)
    size = image_size_of(original)
    target_rgb = fit_to_model(image, size)
    device = device_of(original)
    pivot = _checked_pivot(pivot, original.z_dim)
    started = time.perf_counter()
    target = to_tensor(target_rgb, device)
    p = latent_tensor(pivot, device)[None]
    reference = fast(original)
    tuned = copy.deepcopy(original).eval()
    for parameter in tuned.parameters():
        parameter.requires_grad_(True)
    features = losses.FeatureLoss(fast(discriminator), target) \
        if discriminator is not None and settings.feature_weight > 0 else None
    with torch.inference_mode():
        before = to_uint8(original(p))[0]
    run = _Tuning(tuned, reference, features, target, p, settings, device)
    done = yield from run.steps(token, started)
    check_cancel(token)
    with torch.inference_mode():
        result = to_uint8(tuned(p))[0]
    return TuneResult(generator=tuned, pivot=pivot, image=result, psnr=psnr(result, target_rgb),
                      psnr_before=psnr(before, target_rgb), steps=done,
                      seconds=time.perf_counter() - started)


def _checked_pivot(pivot: np.ndarray, z_dim: int) -> np.ndarray:
    pivot = np.asarray(pivot, np.float32).reshape(-1)
    if pivot.shape[0] != z_dim or not np.isfinite(pivot).all():
        raise UserError(f"pivot must be {z_dim} finite numbers, got shape {pivot.shape}")
    return pivot


@dataclass
class _Tuning:
    """One tuning run: the copy being tuned, the original (fast) that nearby latents must
    keep reproducing, the photo's crop and the pivot (1 x Z)."""
    tuned: nn.Module
    reference: nn.Module
    features: losses.FeatureLoss | None
    target: torch.Tensor
    pivot: torch.Tensor
    settings: TuneSettings
    device: torch.device

    def steps(self, token: CancelToken | None, started: float) -> Operation[int]:
        """Adam on the tuned copy's weights; returns the number of steps done."""
        settings = self.settings
        optimizer = torch.optim.Adam(self.tuned.parameters(), lr=settings.lr)
        params = list(self.tuned.parameters())
        k = settings.locality_samples if settings.locality_weight > 0 else 0
        done = 0
        with torch.enable_grad():
            for step in range(1, settings.steps + 1):
                check_cancel(token)
                loss, pixel, out = self.loss(step, k)
                optimizer.zero_grad(set_to_none=True)
                loss.backward(inputs=params)
                optimizer.step()
                done = step
                mse = float(pixel.detach())
                preview = to_uint8(out.detach())[0] if step % settings.preview_every == 0 else None
                yield Progress(step, settings.steps, "tuning the generator", preview,
                               {"loss": float(loss.detach()), "psnr": _psnr_from_mse(mse)})
                if settings.time_budget is not None and \
                        time.perf_counter() - started >= settings.time_budget:
                    break
        optimizer.zero_grad(set_to_none=True)
        return done

    def loss(self, step: int, k: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(loss, pixel MSE, G'(pivot)) of one step, with `k` fresh nearby latents."""
        settings, p = self.settings, self.pivot
        nearby = None
        if k:
            u = seeded_uniform((k, p.shape[1]), settings.seed * 100_003 + step, self.device)
            nearby = p + settings.locality_radius * (u - p)
            with torch.no_grad():
                kept = self.reference(nearby)
        z = p if nearby is None else torch.cat([p, nearby])
        x = self.tuned(z)
        out = x[:1]
        pixel = losses.mse(out, self.target)[0]
        loss = pixel
        if settings.l1_weight > 0:
            loss = loss + settings.l1_weight * (out - self.target).abs().mean()
        if self.features is not None:
            loss = loss + settings.feature_weight * self.features(out)[0]
        if nearby is not None:
            loss = loss + settings.locality_weight * losses.mse(x[1:], kept).mean()
        return loss, pixel, out


def with_generator(model: Model, generator: nn.Module | None) -> Model:
    """The model with `generator` in place of its generator (every op then uses it); the
    model itself when generator is None. Raises UserError when it does not fit the model."""
    if generator is None:
        return model
    check_fits(model, generator)
    networks = dict(model.networks)
    networks["generator"] = generator
    networks.pop("generator_ema", None)
    return dataclasses.replace(model, networks=networks)


def check_fits(model: Model, generator: nn.Module) -> None:
    """A tuned generator must have its model's generator's architecture and config."""
    base = model.generator()
    if getattr(generator, "arch", None) != getattr(base, "arch", None) or \
            getattr(generator, "config", None) != getattr(base, "config", None):
        raise UserError(f"this tuned generator ({getattr(generator, 'arch', '?')}) was not made "
                        f"from model '{model.name}''s generator ({getattr(base, 'arch', '?')}, "
                        "a different architecture or config)")


# ---------------------------------------------------------------- tuned-generator files

TUNED_KIND = "tuned_generator"


def tuned_info(base_model: str, pivot: np.ndarray, psnr_db: float | None = None) -> dict:
    """What a tuned-generator file records beside the weights (JSON)."""
    info = {"kind": TUNED_KIND, "base_model": base_model,
            "pivot": [float(v) for v in np.asarray(pivot, np.float32).reshape(-1)]}
    if psnr_db is not None:
        info["psnr"] = round(float(psnr_db), 3)
    return info


def save_tuned(path, model: Model, result: TuneResult):
    return checkpoints.save_network(path, result.generator, tuned_info(model.name, result.pivot,
                                                                      result.psnr))


def load_tuned(path, model: Model) -> tuple[nn.Module, np.ndarray]:
    """(tuned generator on the model's device, its pivot) from a save_tuned() file; refused
    (CheckpointError / UserError) unless it is a tuned copy of this model's generator."""
    net, info = checkpoints.load_network(path, device_of(model.generator()))
    return check_tuned(net, info, model, str(path))


def check_tuned(net: nn.Module, info: dict, model: Model, source: str) -> tuple[nn.Module, np.ndarray]:
    if info.get("kind") != TUNED_KIND:
        raise CheckpointError(f"{source}: not a tuned generator file")
    if info.get("base_model") != model.name:
        raise CheckpointError(f"{source}: tuned from model '{info.get('base_model')}', "
                              f"not '{model.name}'")
    try:
        check_fits(model, net)
    except UserError as exc:
        raise CheckpointError(f"{source}: {exc}") from None
    pivot = info.get("pivot")
    if not isinstance(pivot, list) or len(pivot) != net.z_dim or \
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pivot) or \
            not np.isfinite(np.asarray(pivot, np.float64)).all():
        raise CheckpointError(f"{source}: its pivot latent is missing or damaged")
    return net, np.asarray(pivot, np.float32)
