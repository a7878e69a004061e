"""Semantic inpainting (Yeh et al. 2017): fill a hole with the generator's best guess.

z* = argmin contextual loss + prior_weight x prior loss, where the contextual loss is the
L1 distance on known pixels weighted by the fraction of hole pixels in a window around
each (pixels next to the hole matter most, far ones not at all), and the prior loss is
-log D(G(z)) (softplus form). Several starts, encoder-initialised on the image with the
hole pre-filled by OpenCV's Telea method, are optimised together; the best is blended in.

On a photo larger than the model, a box around the hole with context (`context` x the
hole's size on each side, at least the model's size, as square as the photo allows) is
cut out, resized to the model's resolution, filled, resized back and blended into the
photo. Only the hole grown by `margin` pixels (the blend zone) can change.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import check_rgb, resize, to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from . import losses
from ._common import (check_cancel, check_choice, check_float, check_int, check_mask,
                      device_of, gan_networks, image_size_of, seeded_uniform, to_param)

BLENDS = ("poisson", "feather")
_CLONE_EROSION = 3  # cv2.seamlessClone erodes its mask 3 times with a 3x3 kernel


def inpaint(model: Model, image: np.ndarray, mask: np.ndarray, token: CancelToken | None = None,
            steps: int = 100, blend: str = "poisson", prior_weight: float = 0.003,
            starts: int = 4, lr: float = 0.05, context: float = 1.0, margin: int | None = None,
            seed: int = 0, preview_every: int = 10) -> Operation[np.ndarray]:
    """Yields Progress per step; returns the filled image (uint8, the image's size)."""
    check_rgb(image, "image")
    mask = check_mask(mask, image.shape[:2], "inpainting mask")
    if not mask.any():
        raise UserError("inpainting mask is empty: mark the region to fill")
    if mask.all():
        raise UserError("inpainting mask covers the whole image: nothing is left to fill it from")
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
    small_mask = _resize_mask(crop_mask, n)
    if small_mask.all():
        raise UserError("inpainting mask covers the whole region around it: nothing is left to "
                        "fill it from")
    margin = max(2, round(2 * max(crop.shape[:2]) / n)) if margin is None \
        else check_int("margin", margin, minimum=0)

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
                preview = _compose(small, small_mask, to_uint8(best_images[int(best_loss.argmin())]))
            yield Progress(step, steps, "inpainting", preview, {"loss": float(best_loss.min())})

    generated = to_uint8(best_images[int(best_loss.argmin())])
    if generated.shape[:2] != crop.shape[:2]:
        generated = resize(generated, crop.shape[1], crop.shape[0])
    blended = blend_into(crop, crop_mask, generated, margin, blend)
    out = image.copy()
    out[top:bottom, left:right] = blended
    return out


def crop_box(mask: np.ndarray, n: int, context: float) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) around the hole: the whole image when it is n x n, else the
    hole's box grown by `context` x its size on each side, at least n, as square as fits."""
    height, width = mask.shape
    if (height, width) == (n, n):
        return 0, 0, n, n
    rows, cols = np.nonzero(mask)
    y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    side = max(n, math.ceil(max(y1 - y0, x1 - x0) * (1 + 2 * context)))
    box_h, box_w = min(height, max(side, y1 - y0)), min(width, max(side, x1 - x0))
    top = int(np.clip((y0 + y1 - box_h) // 2, 0, height - box_h))
    left = int(np.clip((x0 + x1 - box_w) // 2, 0, width - box_w))
    return top, left, top + box_h, left + box_w


def _resize_mask(mask: np.ndarray, n: int) -> np.ndarray:
    """Any coverage of a resized pixel by the hole makes it a hole pixel."""
    if mask.shape == (n, n):
        return mask
    return cv2.resize(mask.astype(np.float32), (n, n), interpolation=cv2.INTER_AREA) > 1e-3


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


def _compose(image: np.ndarray, hole: np.ndarray, generated: np.ndarray) -> np.ndarray:
    return np.where(hole[..., None], generated, image)


def blend_into(image: np.ndarray, hole: np.ndarray, generated: np.ndarray, margin: int,
               method: str) -> np.ndarray:
    """Blend `generated` into `image` over the hole grown by `margin`; pixels beyond that
    are returned unchanged. Poisson blending is given the masked input (known pixels
    outside the hole, generated ones inside), never the original hole content."""
    composite = _compose(image, hole, generated)
    if margin == 0:
        return composite
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    zone = cv2.dilate(hole.astype(np.uint8), kernel) > 0
    if method == "feather":
        distance = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_L2, 5)
        alpha = np.clip(1 - distance / (margin + 1), 0, 1)[..., None] * zone[..., None]
        mixed = alpha * generated.astype(np.float32) + (1 - alpha) * image.astype(np.float32)
        return np.where(zone[..., None], np.rint(mixed), image).astype(np.uint8)
    # OpenCV erodes the clone mask by _CLONE_EROSION pixels, so grow it by as much first
    # (onto padding where the zone meets the border); the solve then covers the whole zone.
    pad = _CLONE_EROSION + 2
    padded_src = cv2.copyMakeBorder(generated, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    padded_dst = cv2.copyMakeBorder(composite, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    grow = np.ones((2 * _CLONE_EROSION + 1,) * 2, np.uint8)
    padded_zone = cv2.dilate(np.pad(zone, pad).astype(np.uint8) * 255, grow)
    x, y, w, h = cv2.boundingRect(padded_zone)
    cloned = cv2.seamlessClone(padded_src, padded_dst, padded_zone, (x + w // 2, y + h // 2),
                               cv2.NORMAL_CLONE)[pad:-pad, pad:-pad]
    return np.where(zone[..., None], cloned, image)
