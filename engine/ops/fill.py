"""The learned fill: a fill model (engine/nets/fill.py) paints the hole in one forward pass.

The box around the hole (fill_region.crop_box) is cut out and pre-filled by Telea at its
own size. When it is larger than the model's training crop, the net sees it shrunk, and
its correction to the prefill is enlarged back. How far it is shrunk depends on the hole:
a wide hole (a box) is shrunk so the crop's longer side is the training crop's side (the
scale the net learned whole objects at); a thin one (a scratch, a cable) only until it is
as thick as the strokes the net learned on, since shrinking it further would blur what the
net puts back (working_scale). Only the hole and its blend margin change in the photo.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from ..checkpoints import Model
from ..imaging import resize, to_tensor
from ..jobs import CancelToken, Operation, Progress
from ..kinds import ModelKind
from ._common import check_cancel, check_choice, check_float, check_int, device_of
from .fill_region import (BLENDS, blend_into, check_hole, check_region, compose, crop_box,
                          default_margin, resize_mask)

DEFAULT_FILL_MODEL = "fill128"
# Thickness (widest inscribed circle's diameter) a hole is shrunk to at most, as a share of
# the model's side: chosen on training photos (docs/fill.md), the thicker training strokes.
THIN_HOLE_SHARE = 0.3
# The net runs at most this many times the model's side: bounds time and memory.
MAX_WORK_FACTOR = 4
# Telea's time grows with the hole's area; above this many hole pixels the prefill is made
# on the crop shrunk to that many (never below the net's own scale) and enlarged, which
# inside a big hole (smooth there anyway) looks the same and takes seconds less on 12 MP.
PREFILL_MAX_HOLE_PIXELS = 250_000
# How deep into the hole (in the net's pixels) the prefill's finer detail is kept.
DETAIL_DEPTH = 2.0


def fill(model: Model, image: np.ndarray, mask: np.ndarray, *, token: CancelToken | None = None,
         blend: str = "poisson", context: float = 1.0, margin: int | None = None
         ) -> Operation[np.ndarray]:
    """Yields two Progress steps (filled, blended); returns the image with the hole filled."""
    model.require_kind(ModelKind.FILL)
    mask = check_hole(image, mask)
    check_choice("blend", blend, BLENDS)
    context = check_float("context", context)
    net = model.net("fill")
    n = int(model.config.get("image_size") or net.config.image_size)
    top, left, bottom, right = crop_box(mask, n, context)
    crop, crop_mask = image[top:bottom, left:right], mask[top:bottom, left:right]
    margin = default_margin(crop.shape, n) if margin is None \
        else check_int("margin", margin, minimum=0)
    check_cancel(token)
    generated = fill_crop(net, crop, crop_mask, n)
    yield Progress(1, 2, "filling", compose(crop, crop_mask, generated))
    check_cancel(token)
    out = image.copy()
    out[top:bottom, left:right] = blend_into(crop, crop_mask, generated, margin, blend)
    yield Progress(2, 2, "blending")
    return out


def prefill(image: np.ndarray, hole: np.ndarray, method: str) -> np.ndarray:
    """The net's input: the hole filled from the known pixels only (Telea), or zeroed."""
    if method == "telea":
        return cv2.inpaint(image, hole.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
    out = image.copy()
    out[hole] = 128
    return out


def fill_crop(net: torch.nn.Module, crop: np.ndarray, hole: np.ndarray, n: int) -> np.ndarray:
    """The net's fill of `crop` (uint8, the crop's size). The net runs at most n pixels on a
    side (working_scale); when it runs smaller, its answer is enlarged and the prefill's
    finer detail added back next to the known pixels (Telea's sharp continuation of an
    edge), faded out deeper in, where that detail is Telea's streaks and the seam where
    its fronts meet, which the enlarged answer cannot cancel."""
    height, width = crop.shape[:2]
    depth = hole_depth(hole)
    scale = working_scale(depth, n)
    given = scaled_prefill(np.ascontiguousarray(crop), hole, net.config.prefill, scale)
    h, w = max(1, round(height * scale)), max(1, round(width * scale))
    if (h, w) == (height, width):
        check_region(hole)
        return _to_uint8(_run(net, given, hole))
    small = resize(given, w, h)
    small_hole = resize_mask(hole, w, h)
    check_region(small_hole)

    def enlarge(image: np.ndarray) -> np.ndarray:
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)

    detail = _to_float(given) - enlarge(_to_float(small))
    keep = np.clip(1 - depth * scale / DETAIL_DEPTH, 0, 1)[..., None]
    return _to_uint8(enlarge(_run(net, small, small_hole)) + keep * detail)


def scaled_prefill(crop: np.ndarray, hole: np.ndarray, method: str, net_scale: float
                   ) -> np.ndarray:
    """prefill() at the crop's size, or for a hole over PREFILL_MAX_HOLE_PIXELS on the crop
    shrunk (to no less than the net's scale) and enlarged into the hole only."""
    area = int(hole.sum())
    factor = max(net_scale, math.sqrt(PREFILL_MAX_HOLE_PIXELS / max(area, 1)))
    if method != "telea" or factor >= 1:
        return prefill(crop, hole, method)
    height, width = hole.shape
    w, h = max(1, round(width * factor)), max(1, round(height * factor))
    small = prefill(resize(crop, w, h), resize_mask(hole, w, h), method)
    return np.where(hole[..., None], cv2.resize(small, (width, height),
                                                interpolation=cv2.INTER_LINEAR), crop)


def hole_depth(hole: np.ndarray) -> np.ndarray:
    """float32 HxW: each hole pixel's distance to the nearest known one (0 outside the hole;
    the crop's border counts as known)."""
    padded = np.pad(hole, 1).astype(np.uint8)
    return cv2.distanceTransform(padded, cv2.DIST_L2, 5)[1:-1, 1:-1]


def working_scale(depth: np.ndarray, n: int) -> float:
    """The factor the crop is shrunk by for the net (1: its own size), from the hole's
    hole_depth(). At least the factor that fits the crop in n pixels; more (up to
    MAX_WORK_FACTOR x n pixels a side) while the hole would otherwise end thinner than
    THIN_HOLE_SHARE x n."""
    height, width = depth.shape
    fit = min(1.0, n / max(height, width))
    thickness = 2 * float(depth.max())
    thin = min(1.0, THIN_HOLE_SHARE * n / max(thickness, 1.0))
    return max(fit, min(thin, MAX_WORK_FACTOR * fit))


def _run(net: torch.nn.Module, given: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """The net on one prefilled image (padded to its multiple): float HxWx3 in [-1, 1]."""
    h, w = hole.shape
    device = device_of(net)
    pad_h, pad_w = -h % net.multiple, -w % net.multiple
    x = to_tensor(np.ascontiguousarray(given), device)
    m = torch.from_numpy(hole.astype(np.float32))[None, None].to(device)
    if pad_h or pad_w:   # mirrored outward: hole pixels stay marked as hole in the mirror
        mode = "reflect" if min(h, w) > max(pad_h, pad_w) else "replicate"
        x = F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        m = F.pad(m, (0, pad_w, 0, pad_h), mode=mode)
    with torch.no_grad():
        return net(x, m)[0, :, :h, :w].permute(1, 2, 0).float().cpu().numpy()


def _to_float(image: np.ndarray) -> np.ndarray:
    """uint8 -> float32 in [-1, 1], the net's range."""
    return image.astype(np.float32) / 127.5 - 1


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return np.clip(np.rint((image + 1) * 127.5), 0, 255).astype(np.uint8)
