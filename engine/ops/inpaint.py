"""Inpainting: fill a masked region with a fill model (the default) or a gan's best guess.

`inpaint` takes either kind of model: a fill model runs the learned fill (engine/ops/fill.py,
one forward pass); a gan model runs semantic inpainting (Yeh et al. 2017), described here.

z* = argmin contextual loss + prior_weight x prior loss, where the contextual loss is the
L1 distance on known pixels weighted by the fraction of hole pixels in a window around
each (pixels next to the hole matter most, far ones not at all), and the prior loss is
-log D(G(z)) (softplus form). Several starts, encoder-initialised on the image with the
hole pre-filled by OpenCV's Telea method, are optimised together; the best is blended in.
Large photos go through the box around the hole (engine/ops/fill_region.py).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import resize, to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from ..kinds import ModelKind
from . import losses
from ._common import (check_cancel, check_choice, check_float, check_int, device_of,
                      gan_networks, image_size_of, seeded_uniform, to_param)
from .fill import fill
from .fill_region import (BLENDS, blend_into, check_hole, check_region, compose, crop_box,
                          default_margin, resize_mask)

__all__ = ["BLENDS", "METHODS", "contextual_loss", "contextual_weights", "crop_box", "inpaint"]
METHODS = ("learned", "gan")   # a fill model's one pass; a gan's optimised latent


def inpaint(model: Model, image: np.ndarray, mask: np.ndarray, *, token: CancelToken | None = None,
            steps: int = 100, blend: str = "poisson", prior_weight: float = 0.003,
            starts: int = 4, lr: float = 0.05, context: float = 1.0, margin: int | None = None,
            seed: int = 0, preview_every: int = 10, method: str | None = None
            ) -> Operation[np.ndarray]:
    """Yields Progress per step; returns the filled image (uint8, the image's size).

    The model's kind picks the method: 'learned' for a fill model, 'gan' for a gan model;
    `method`, when given, must agree with it. steps, prior_weight, starts, lr, seed and
    preview_every tune the gan method only."""
    method = _method_for(model, method)
    if method == "learned":
        return (yield from fill(model, image, mask, token=token, blend=blend, context=context,
                                margin=margin))
    return (yield from _gan_fill(model, image, mask, token, steps, blend, prior_weight, starts,
                                 lr, context, margin, seed, preview_every))


def _gan_fill(model, image, mask, token, steps, blend, prior_weight, starts, lr, context,
              margin, seed, preview_every) -> Operation[np.ndarray]:
    mask = check_hole(image, mask)
    steps = check_int("steps", steps)
    starts = check_int("starts", starts)
    check_choice("blend", blend, BLENDS)
    prior_weight = check_float("prior_weight", prior_weight)
    lr = check_float("lr", lr, strict=True)
    context = check_float("context", context)
    preview_every = check_int("preview_every", preview_every)
    generator, discriminator, encoder = gan_networks(model, optimising=True)
    if prior_weight > 0 and discriminator is None:
        raise UserError(f"model '{model.name}' has no discriminator, so prior_weight must be 0")
    n = image_size_of(generator)
    top, left, bottom, right = crop_box(mask, n, context)
    crop, crop_mask = image[top:bottom, left:right], mask[top:bottom, left:right]
    small = resize(np.ascontiguousarray(crop), n, n) if crop.shape[:2] != (n, n) else np.array(crop)
    small_mask = resize_mask(crop_mask, n, n)
    check_region(small_mask)
    margin = default_margin(crop.shape, n) if margin is None \
        else check_int("margin", margin, minimum=0)

    best = yield from _optimise(generator, discriminator, encoder, small, small_mask, token,
                                steps, prior_weight, starts, lr, seed, preview_every)
    generated = best if best.shape[:2] == crop.shape[:2] else resize(best, crop.shape[1],
                                                                     crop.shape[0])
    out = image.copy()
    out[top:bottom, left:right] = blend_into(crop, crop_mask, generated, margin, blend)
    return out


def _optimise(generator, discriminator, encoder, small, small_mask, token, steps, prior_weight,
              starts, lr, seed, preview_every) -> Operation[np.ndarray]:
    """Every start's Adam steps on z; returns the best G(z) (uint8, the model's size)."""
    n = small.shape[0]
    device = device_of(generator)
    target = to_tensor(small, device)
    weights = torch.from_numpy(contextual_weights(small_mask))[None, None].to(device)
    prefilled = cv2.inpaint(small, small_mask.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
    with torch.no_grad():
        z_init = encoder(to_tensor(prefilled, device)) if encoder is not None \
            else torch.zeros(1, generator.z_dim, device=device)
    scales = torch.linspace(0, 0.5, starts, device=device).unsqueeze(1)
    z_start = (z_init + scales * seeded_uniform((starts, generator.z_dim), seed, device)).clamp(-1, 1)
    w = to_param(z_start).requires_grad_(True)
    optimizer = torch.optim.Adam([w], lr=lr)
    best_loss = torch.full((starts,), math.inf, device=device)
    best_images = torch.zeros(starts, 3, n, n, device=device)
    with torch.enable_grad():
        for step in range(1, steps + 1):
            check_cancel(token)
            x = generator(torch.tanh(w))
            loss = contextual_loss(x, target, weights)
            if prior_weight > 0:
                loss = loss + prior_weight * losses.realism(discriminator, x)
            with torch.no_grad():
                improved = loss < best_loss
                best_loss = torch.where(improved, loss, best_loss)
                best_images[improved] = x[improved]
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward(inputs=[w])
            optimizer.step()
            preview = None
            if step % preview_every == 0 or step == steps:
                preview = compose(small, small_mask, to_uint8(best_images[int(best_loss.argmin())]))
            yield Progress(step, steps, "inpainting", preview, {"loss": float(best_loss.min())})

    return to_uint8(best_images[int(best_loss.argmin())])


def contextual_weights(hole: np.ndarray) -> np.ndarray:
    """Yeh et al.'s weights: for each known pixel, the fraction of hole pixels in a window
    around it (window ~ 1/8 of the image); 0 inside the hole."""
    n = hole.shape[0]
    window = max(3, (n // 8) | 1)
    fraction = cv2.blur(hole.astype(np.float32), (window, window), borderType=cv2.BORDER_CONSTANT)
    return np.where(hole, 0.0, fraction).astype(np.float32)


def contextual_loss(x: torch.Tensor, target: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Weighted L1 on known pixels, per image, normalised by the total weight."""
    total = weights.sum().clamp_min(1e-8) * x.shape[1]
    return (weights * (x - target).abs()).flatten(1).sum(1) / total


def _method_for(model: Model, method: str | None) -> str:
    kinds = {"learned": ModelKind.FILL, "gan": ModelKind.GAN}
    if method is None:
        model.require_kind(*kinds.values())
        return "learned" if model.kind == ModelKind.FILL else "gan"
    check_choice("method", method, METHODS)
    if model.kind != kinds[method]:
        raise UserError(f"inpainting method '{method}' needs a {kinds[method]} model; "
                        f"'{model.name}' is a {model.kind} model")
    return method
