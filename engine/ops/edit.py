"""iGAN's interactive edit: find latents whose images satisfy the user's strokes.

`settings.starts` latents are optimised together in one batch with Adam on w, z = tanh(w).
With a current latent z0, it is one start and the others are perturbations of it at growing
scales (with a fixed image, half of them fresh prior samples instead); without one, all
starts are random prior samples. `start` (e.g. the previous search's best latent while the
user is still drawing) replaces the first start; z0 stays the anchor (the fixed image, the
closeness term, the codes a Fix edit may not move). Each start's cost:

    colour + sketch_weight x sketch + warp + closeness_weight x mean((z - z0)^2)
    + keep_weight x masked mse(G(z), fixed image, seam ring)
    + realism_weight x softplus(-D(G(z)))

With z0 and keep_weight > 0 the fixed image G(z0) is kept: on a generator with local codes
only the codes near the strokes move (engine.ops.latent_region), and each result is G(z)
within the strokes' margin and the fixed image (its warped patches moved) outside it,
blended (engine.ops.keep), so the returned images are not G(z) of the returned latents there.

The best image each start reached is kept, and the `candidates` best starts are returned,
ranked by that cost. Optimisation stops early once the starts' mean best cost has improved
by less than `settings.plateau` (relative) over `settings.patience` steps.
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
from ._common import (check_cancel, check_float, check_int, device_of, gan_networks,
                      image_size_of, latent_tensor, seeded_uniform, to_param)
from .constraints import build_cost, check_constraints, paste_warps
from .generate import check_latents
from .keep import free_region, generator_share, keep_weights
from .latent_region import movable_latents
from .start_search import best_of_pool
from .types import EditConstraints, EditResult, EditSettings

# With a fixed image the blend throws G(z)'s far field away, so z need not stay near z0: this
# share of the starts are fresh prior samples, which reach strokes that z0's neighbourhood
# cannot (on outdoor64, a sky band over a forest sample).
FRESH_STARTS = 0.5
# The keep term pulls G(z) toward the fixed image on a ring this many margins wide just
# outside where the result is G(z) in full: the seam. Measured on outdoor64 (eval edits):
# keeping the whole image instead held most strokes of a fixed image unmet.
KEEP_RING = 1.0


def check_settings(settings: EditSettings) -> EditSettings:
    if not isinstance(settings, EditSettings):
        raise UserError(f"settings must be EditSettings, got {type(settings).__name__}")
    check_int("starts", settings.starts)
    check_int("candidates", settings.candidates)
    check_int("steps", settings.steps)
    check_float("lr", settings.lr, strict=True)
    check_float("sketch_weight", settings.sketch_weight)
    check_float("closeness_weight", settings.closeness_weight)
    check_float("realism_weight", settings.realism_weight)
    check_float("keep_weight", settings.keep_weight)
    check_int("keep_margin", settings.keep_margin, minimum=0)
    check_int("pool", settings.pool, minimum=0)
    check_int("preview_every", settings.preview_every)
    check_int("seed", settings.seed, minimum=0)
    check_int("patience", settings.patience)
    check_float("plateau", settings.plateau)
    check_float("perturbation", settings.perturbation)
    return settings


def initial_latents(z0: torch.Tensor | None, starts: int, seed: int, scale: float,
                    z_dim: int, device: torch.device) -> torch.Tensor:
    """(starts, Z): z0 then perturbations of it at scales growing up to `scale`; else random."""
    noise = seeded_uniform((starts, z_dim), seed, device)
    if z0 is None:
        return noise
    scales = torch.linspace(0, scale, starts, device=device).unsqueeze(1)
    return (z0 + scales * noise).clamp(-1, 1)


def edit(model: Model, constraints: EditConstraints, *, z0: np.ndarray | None = None,
         start: np.ndarray | None = None, settings: EditSettings = EditSettings(),
         token: CancelToken | None = None) -> Operation[EditResult]:
    started = time.perf_counter()
    settings = check_settings(settings)
    generator, discriminator, _ = gan_networks(model, optimising=True)
    size = image_size_of(generator)
    constraints = check_constraints(constraints, size)
    if settings.realism_weight > 0 and discriminator is None:
        raise UserError(f"model '{model.name}' has no discriminator, so realism_weight must be 0")
    device = device_of(generator)
    anchor = _one_latent("z0", z0, generator.z_dim, device)
    z_start, cost_of, blend, held = _setup(generator, constraints, anchor,
                                           _one_latent("start", start, generator.z_dim, device),
                                           settings, size, device)
    w = to_param(z_start).requires_grad_(True)
    optimizer = torch.optim.Adam([w], lr=settings.lr)
    best_cost = torch.full((settings.starts,), math.inf, device=device)
    best_z = z_start.clone()
    best_images = torch.zeros(settings.starts, 3, size, size, device=device)
    history: list[float] = []
    done = 0
    with torch.enable_grad():
        for step in range(1, settings.steps + 1):
            check_cancel(token)
            z = torch.tanh(w) if held is None else held(torch.tanh(w))
            x = generator(z)
            cost = cost_of(x)
            if anchor is not None and settings.closeness_weight > 0:
                cost = cost + settings.closeness_weight * losses.mse(z, anchor)
            if blend is not None:
                cost = cost + settings.keep_weight * losses.masked_mse(x, blend.target, blend.keep)
                x = blend(x)
            if settings.realism_weight > 0:
                cost = cost + settings.realism_weight * losses.realism(discriminator, x)
            with torch.no_grad():
                improved = cost < best_cost
                best_cost = torch.where(improved, cost, best_cost)
                best_z[improved] = z[improved]
                best_images[improved] = x[improved]
            optimizer.zero_grad(set_to_none=True)
            cost.sum().backward(inputs=[w])
            optimizer.step()
            done = step
            lowest = float(best_cost.min())
            history.append(float(best_cost.mean()))
            preview = None
            # A preview after the first step too: the user sees a response at once.
            if step == 1 or step % settings.preview_every == 0 or step == settings.steps:
                preview = to_uint8(best_images[int(best_cost.argmin())])
            yield Progress(step, settings.steps, "editing", preview, {"cost": lowest})
            if _plateaued(history, settings.patience, settings.plateau):
                break

    count = min(settings.candidates, settings.starts)
    order = torch.argsort(best_cost)[:count]
    return EditResult(z=best_z[order].cpu().numpy().astype(np.float32),
                      images=to_uint8(best_images[order]),
                      costs=best_cost[order].cpu().numpy().astype(np.float32),
                      steps=done, seconds=time.perf_counter() - started)


def _one_latent(name: str, z, z_dim: int, device: torch.device) -> torch.Tensor | None:
    if z is None:
        return None
    z = np.asarray(z)
    if z.ndim != 1:
        raise UserError(f"{name} must be one latent vector, got shape {tuple(z.shape)}")
    return latent_tensor(check_latents(z, z_dim), device)


def _setup(generator, constraints: EditConstraints, anchor: torch.Tensor | None,
           first: torch.Tensor | None, settings: EditSettings, size: int, device: torch.device):
    """The starts, the constraints' cost, the blend with a fixed image (or None) and the
    map that holds the latent entries a Fix edit may not change (or None)."""
    z_start = initial_latents(anchor, settings.starts, settings.seed, settings.perturbation,
                              generator.z_dim, device)
    fresh = settings.starts if anchor is None else 0
    if anchor is not None and settings.keep_weight > 0:
        fresh = int(settings.starts * FRESH_STARTS)
        if fresh:
            z_start[-fresh:] = seeded_uniform((fresh, generator.z_dim), settings.seed + 1, device)
    with torch.no_grad():
        anchor_image = generator(anchor) if anchor is not None else None
        if not constraints.warps:
            start_images = None
        elif anchor_image is not None:
            start_images = to_uint8(anchor_image)
        else:
            start_images = to_uint8(generator(z_start))
    hog = losses.hog_for(size, device)
    cost_of = build_cost(constraints, start_images, settings.sketch_weight, hog, device)
    blend = held = None
    if anchor_image is not None and settings.keep_weight > 0:
        blend = _Blend.build(constraints, anchor_image, start_images, size, settings.keep_margin)
        movable = movable_latents(generator, free_region(constraints, size, settings.keep_margin))
        if movable is not None:
            held = lambda z: torch.where(movable, z, anchor)  # noqa: E731
    # Warps refer to the start images, so random starts with warps keep their own samples.
    if fresh and settings.pool > fresh and not (anchor is None and constraints.warps):
        z_start[-fresh:] = best_of_pool(generator, cost_of, settings.pool, fresh,
                                        settings.seed + 2, device, blend, held)
    if first is not None:
        z_start[:1] = first
    if held is not None:
        z_start = held(z_start)
    return z_start, cost_of, blend, held


class _Blend:
    """With a fixed image: the result is the fixed image (its warped patches moved) outside
    the free region, the generator's image inside it (engine.ops.keep)."""

    def __init__(self, target: torch.Tensor, share: torch.Tensor, keep: torch.Tensor):
        self.target, self.share, self.keep = target, share, keep

    @classmethod
    def build(cls, constraints: EditConstraints, anchor_image: torch.Tensor,
              start_images: np.ndarray | None, size: int, margin: int) -> "_Blend":
        device = anchor_image.device
        target = anchor_image
        if constraints.warps:
            target = to_tensor(paste_warps(start_images, constraints.warps)[0], device)
        share = generator_share(constraints, size, margin)
        weights = keep_weights(share, margin, KEEP_RING)
        as_tensor = lambda a: torch.from_numpy(a)[None, None].to(device)  # noqa: E731
        return cls(target, as_tensor(share), as_tensor(weights))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.share * x + (1 - self.share) * self.target


def _plateaued(history: list[float], patience: int, plateau: float) -> bool:
    """True when the starts' mean best cost fell by less than `plateau` (relative) over the
    last `patience` steps, and at least 2 x patience steps have run (the first steps are
    bumpy: one start can jump ahead, then nothing improves for a few steps)."""
    if plateau <= 0 or len(history) < 2 * patience:
        return False
    before, now = history[-1 - patience], history[-1]
    return before - now <= plateau * max(abs(before), 1e-12)
