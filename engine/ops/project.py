"""Project a photo onto the generator's manifold: find z with G(z) close to the photo.

Methods (iGAN's three, IDInvert's losses):
- "encoder": one forward pass z = E(x).
- "optimize": Adam on z from near the prior's mean (the 'average image'; `seed` jitters it).
- "hybrid" (default, best): the encoder's guess and the average image are optimised side by
  side, as one batch of two, for the first fifth of the steps; then the one with the lower
  loss goes on alone, with Adam restarted. The encoder's lane takes smaller Adam steps (it
  starts close, so it refines rather than travels). The race is there because an encoder fails out of its
  domain: on a held-out photo of bright flowers, outdoor64's first encoder put 75 % of the
  latent at the box's edge (|z| > 0.99; the retrained one 50 %), where the optimisation
  barely moves, and hybrid from the encoder alone ended up to 3 dB below optimize.

The optimised loss is pixel MSE + feature_weight x discriminator-feature distance, plus,
when encoder_weight > 0 (hybrid only), encoder_weight x ||z - E(G(z))||^2 (IDInvert's
domain regulariser: it keeps z where the encoder would put it). The regulariser is off by
default: it costs an encoder forward and backward every step, and on outdoor64's held-out
crops, given the same time, weight 0.5 lowered hybrid's PSNR by 0.75 dB.
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
# Adam step on w = atanh(z): hybrid's is its encoder lane's; its average-image lane uses
# optimize's. Chosen on outdoor64's held-out crops (README, Performance).
DEFAULT_LR = {"hybrid": 0.02, "optimize": 0.05, "encoder": 0.05}
OPTIMIZE_START_SPREAD = 0.25
# Share of the steps (and of a time budget) for which hybrid runs both starts; the kept
# lane then restarts Adam's moments. Against optimize given the same wall time (a race
# step costs about 1.6 single steps on the 2-core CPU), on outdoor64's held-out crops,
# with its first encoder:
#   race a fifth: 48 crops +0.21 dB at 100 steps, +0.30 dB at 250; 16 of those crops
#                 +0.11 dB and -0.07 dB
#   race a tenth: 48 crops +0.41 dB and +0.17 dB; 16 crops +0.19 dB and -0.36 dB
#   Adam state kept instead of restarted: 0.07-0.15 dB less
# A fifth has the better worst case: a long run gives the average image time to overtake
# a guess that led early.
RACE_FRACTION = 0.2


def best_method(model: Model) -> str:
    """The most faithful projection the model allows: hybrid with an encoder, else optimize."""
    return "hybrid" if model.has("encoder") else "optimize"


def project(model: Model, image: np.ndarray, *, method: str = "hybrid", steps: int | None = None,
            token: CancelToken | None = None, seed: int = 0, time_budget: float | None = None,
            lr: float | None = None, feature_weight: float = 0.1, encoder_weight: float = 0.0,
            preview_every: int = 10) -> Operation[ProjectResult]:
    """Yields Progress each step (a preview every `preview_every`); returns a ProjectResult.

    `time_budget` (seconds) stops the optimisation early, after at least one step.
    `seed` picks the jitter of the average-image start; `lr` is the Adam step of the
    optimize lane or of hybrid's encoder lane (default DEFAULT_LR[method]).
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
    target_rgb = fit_to_model(image, image_size_of(generator))
    device = device_of(generator)
    target = to_tensor(target_rgb, device)
    started = time.perf_counter()

    with torch.no_grad():
        # Near the prior's mean, jittered: exactly 0 can be a dead point (all ReLUs off).
        average = OPTIMIZE_START_SPREAD * seeded_uniform((1, generator.z_dim), seed, device)
        if method == "optimize":
            lanes = _Lanes([average], [lr], ["average"])
        else:
            guess = encoder(target)
            if method == "encoder":
                check_cancel(token)
                return _finish(generator, guess, target_rgb, 0, started, method, "encoder")
            lanes = _Lanes([guess, average], [lr, DEFAULT_LR["optimize"]], ["encoder", "average"])

    loss_of = _loss_function(target, discriminator, encoder, feature_weight,
                             encoder_weight if method == "hybrid" else 0.0)
    done = yield from _optimise(lanes, generator, loss_of, steps, method=method, token=token,
                                started=started, time_budget=time_budget,
                                preview_every=preview_every)
    best = lanes.leader()
    return _finish(generator, lanes.best_z[best], target_rgb, done, started, method,
                   lanes.names[best])


def _loss_function(target: torch.Tensor, discriminator, encoder, feature_weight: float,
                   encoder_weight: float):
    """(z, x = G(z)) -> (loss, pixel MSE), one value a lane: pixel MSE, plus feature_weight x
    the discriminator-feature distance, plus encoder_weight x ||z - E(x)||^2 where > 0."""
    features = losses.FeatureLoss(discriminator, target) \
        if discriminator is not None and feature_weight > 0 else None

    def loss_of(z: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pixel = losses.mse(x, target)
        loss = pixel
        if features is not None:
            loss = loss + feature_weight * features(x)
        if encoder_weight > 0:
            loss = loss + encoder_weight * losses.mse(z, encoder(x))
        return loss, pixel
    return loss_of


def _optimise(lanes: _Lanes, generator, loss_of, steps: int, *, method: str,
              token: CancelToken | None, started: float, time_budget: float | None,
              preview_every: int) -> Operation[int]:
    """Adam on the lanes, racing them for the first RACE_FRACTION of the steps (or of the
    time budget); returns the number of steps done."""
    race_steps = max(1, round(RACE_FRACTION * steps))
    done = 0
    with torch.enable_grad():
        for step in range(1, steps + 1):
            check_cancel(token)
            z = lanes.latents()
            x = generator(z)
            loss, pixel = loss_of(z, x)
            values, pixels = loss.detach(), pixel.detach()
            lead = lanes.record(values, z.detach())
            lanes.step(loss)
            done = step
            elapsed = time.perf_counter() - started
            racing_over = step >= race_steps or (
                time_budget is not None and elapsed >= RACE_FRACTION * time_budget)
            if lanes.racing and racing_over:
                lanes.keep_leader()
            metrics = {"loss": float(values[lead]), "psnr": _psnr_from_mse(float(pixels[lead]))}
            preview = to_uint8(x[lead:lead + 1].detach())[0] if step % preview_every == 0 else None
            yield Progress(step, steps, f"projecting ({method}, {lanes.names[lanes.leader()]} start)",
                           preview, metrics)
            if time_budget is not None and elapsed >= time_budget:
                break
    return done


class _Lanes:
    """Starts optimised side by side as one batch, each with its own Adam step size and its
    best latent so far; keep_leader() drops all but the one with the lowest loss."""

    def __init__(self, starts: list[torch.Tensor], rates: list[float], names: list[str]):
        self.w = [to_param(z).requires_grad_(True) for z in starts]
        self.names = names
        self.best_loss = [math.inf] * len(starts)
        self.best_z = list(starts)
        self.active = list(range(len(starts)))
        self.optimizer = torch.optim.Adam([{"params": [w], "lr": r} for w, r in zip(self.w, rates)])

    @property
    def racing(self) -> bool:
        return len(self.active) > 1

    def latents(self) -> torch.Tensor:
        return torch.tanh(torch.cat([self.w[i] for i in self.active]))

    def record(self, loss: torch.Tensor, z: torch.Tensor) -> int:
        """Remember each active lane's best; the row (within this step's batch) that leads now."""
        values = loss.tolist()
        for row, lane in enumerate(self.active):
            if values[row] < self.best_loss[lane]:
                self.best_loss[lane], self.best_z[lane] = values[row], z[row:row + 1].clone()
        return int(np.argmin(values))

    def step(self, loss: torch.Tensor) -> None:
        # A dropped lane gets no gradient, and Adam leaves a parameter without one alone.
        self.optimizer.zero_grad(set_to_none=True)
        loss.sum().backward(inputs=[self.w[i] for i in self.active])
        self.optimizer.step()

    def leader(self) -> int:
        return min(self.active, key=lambda lane: self.best_loss[lane])

    def keep_leader(self) -> None:
        self.active = [self.leader()]
        # Fresh moments: Adam's first steps after the race are full-sized again.
        self.optimizer.state.pop(self.w[self.active[0]], None)


def _psnr_from_mse(mse_pm1: float) -> float:
    """PSNR of images in [-1, 1] (range 2) from their MSE."""
    return 100.0 if mse_pm1 <= 0 else min(100.0, 10 * math.log10(4.0 / mse_pm1))


@torch.inference_mode()
def _finish(generator, z: torch.Tensor, target_rgb: np.ndarray, steps: int, started: float,
            method: str, start: str) -> ProjectResult:
    image = to_uint8(generator(z))[0]
    return ProjectResult(z=z[0].float().cpu().numpy().astype(np.float32), image=image,
                         psnr=psnr(image, target_rgb), steps=steps,
                         seconds=time.perf_counter() - started, method=method, start=start)
