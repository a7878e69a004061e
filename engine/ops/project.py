"""Project a photo onto the generator's manifold: find z with G(z) close to the photo.

Methods (iGAN's three, IDInvert's losses):
- "encoder": one forward pass z = E(x).
- "optimize": Adam on z from near the prior's mean (the 'average image'; `seed` jitters it).
- "hybrid" (default, best): encoder init, then Adam on z with a smaller step (it starts
  close, so it refines rather than travels).

The optimised loss is pixel MSE + feature_weight x discriminator-feature distance, plus,
when encoder_weight > 0, encoder_weight x ||z - E(G(z))||^2 (IDInvert's domain regulariser:
it keeps z where the encoder would put it). The regulariser is off by default: it costs an
encoder forward and backward every step, and on outdoor64's held-out crops, given the
same time, weight 0.5 lowered hybrid's PSNR by 0.75 dB (15.26 against 16.01 dB).
z = tanh(w) keeps z in the prior's box [-1, 1]. A photo that is not square is
centre-cropped to a square first, then resized (area averaging) to the model's resolution;
the PSNR is measured against that.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from . import losses
from ._common import (check_cancel, check_choice, check_float, check_int, device_of,
                      fit_to_model, gan_networks, image_size_of, seeded_uniform, to_param)
from .metrics import psnr
from .types import ProjectResult

METHODS = ("hybrid", "encoder", "optimize")
DEFAULT_STEPS = {"hybrid": 100, "optimize": 100, "encoder": 0}
# Adam step on w = atanh(z), per method. Tuned on held-out crops other than the ones the
# README reports: hybrid 0.01-0.03 were within 0.1 dB of each other and 0.5 dB above 0.05.
DEFAULT_LR = {"hybrid": 0.02, "optimize": 0.05, "encoder": 0.05}
OPTIMIZE_START_SPREAD = 0.25


def project(model: Model, image: np.ndarray, method: str = "hybrid", steps: int | None = None,
            token: CancelToken | None = None, seed: int = 0, time_budget: float | None = None,
            lr: float | None = None, feature_weight: float = 0.1, encoder_weight: float = 0.0,
            preview_every: int = 10) -> Operation[ProjectResult]:
    """Yields Progress each step (a preview every `preview_every`); returns a ProjectResult.

    `time_budget` (seconds) stops the optimisation early, after at least one step.
    `seed` picks the jitter of the "optimize" start; `lr` defaults to DEFAULT_LR[method].
    """
    check_choice("method", method, METHODS)
    steps = DEFAULT_STEPS[method] if steps is None else check_int("steps", steps, minimum=0)
    if method != "encoder" and steps < 1:
        raise UserError(f"steps must be at least 1 for the '{method}' method")
    lr = check_float("lr", DEFAULT_LR[method] if lr is None else lr, strict=True)
    feature_weight = check_float("feature_weight", feature_weight)
    encoder_weight = check_float("encoder_weight", encoder_weight)
    preview_every = check_int("preview_every", preview_every)
    if time_budget is not None:
        time_budget = check_float("time_budget", time_budget, strict=True)
    generator, discriminator, encoder = gan_networks(model, need_encoder=method != "optimize",
                                                    optimising=True)
    if method == "optimize":
        encoder = None  # the regulariser is part of hybrid; optimize is the encoder-free baseline
    size = image_size_of(generator)
    target_rgb = fit_to_model(image, size)
    device = device_of(generator)
    target = to_tensor(target_rgb, device)
    started = time.perf_counter()

    with torch.no_grad():
        if method == "optimize":
            # Near the prior's mean, jittered: exactly 0 can be a dead point (all ReLUs off).
            z = OPTIMIZE_START_SPREAD * seeded_uniform((1, generator.z_dim), seed, device)
        else:
            z = encoder(target)
    if method == "encoder":
        check_cancel(token)
        return _finish(generator, z, target_rgb, 0, started, method)

    w = to_param(z).requires_grad_(True)
    optimizer = torch.optim.Adam([w], lr=lr)
    features = losses.FeatureLoss(discriminator, target) \
        if discriminator is not None and feature_weight > 0 else None
    regularise = encoder is not None and encoder_weight > 0
    best_loss, best_z, done = math.inf, z, 0
    with torch.enable_grad():
        for step in range(1, steps + 1):
            check_cancel(token)
            z = torch.tanh(w)
            x = generator(z)
            pixel = losses.mse(x, target)
            loss = pixel
            if features is not None:
                loss = loss + feature_weight * features(x)
            if regularise:
                loss = loss + encoder_weight * losses.mse(z, encoder(x))
            value = float(loss.detach())
            if value < best_loss:
                best_loss, best_z = value, z.detach().clone()
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward(inputs=[w])
            optimizer.step()
            done = step
            metrics = {"loss": value, "psnr": _psnr_from_mse(float(pixel.detach()))}
            preview = to_uint8(x.detach())[0] if step % preview_every == 0 else None
            yield Progress(step, steps, f"projecting ({method})", preview, metrics)
            if time_budget is not None and time.perf_counter() - started >= time_budget:
                break
    return _finish(generator, best_z, target_rgb, done, started, method)


def _psnr_from_mse(mse_pm1: float) -> float:
    """PSNR of images in [-1, 1] (range 2) from their MSE."""
    return 100.0 if mse_pm1 <= 0 else min(100.0, 10 * math.log10(4.0 / mse_pm1))


@torch.inference_mode()
def _finish(generator, z: torch.Tensor, target_rgb: np.ndarray, steps: int, started: float,
            method: str) -> ProjectResult:
    image = to_uint8(generator(z))[0]
    return ProjectResult(z=z[0].float().cpu().numpy().astype(np.float32), image=image,
                         psnr=psnr(image, target_rgb), steps=steps,
                         seconds=time.perf_counter() - started, method=method)
