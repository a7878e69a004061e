"""What every hole filler shares: the hole's checks, the box around it, and the blend.

On a photo larger than the model, a box around the hole with context (`context` x the
hole's size on each side, at least the model's size, as square as the photo allows) is
cut out, filled at the model's scale, resized back and blended into the photo. Only the
hole grown by `margin` pixels (the blend zone) can change.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..errors import UserError
from ..imaging import check_rgb
from ._common import check_mask

BLENDS = ("poisson", "feather")
_CLONE_EROSION = 3  # cv2.seamlessClone erodes its mask 3 times with a 3x3 kernel
# Above this many pixels in the blend zone's box, the Poisson solve runs on the box shrunk
# to that many and its (smooth) correction is enlarged: seconds instead of ~20 s on 12 MP.
POISSON_MAX_PIXELS = 1_000_000


def check_hole(image: np.ndarray, mask) -> np.ndarray:
    """The image is RGB and the mask a non-empty hole that leaves something known."""
    check_rgb(image, "image")
    mask = check_mask(mask, image.shape[:2], "inpainting mask")
    if not mask.any():
        raise UserError("inpainting mask is empty: mark the region to fill")
    if mask.all():
        raise UserError("inpainting mask covers the whole image: nothing is left to fill it from")
    return mask


def check_region(hole: np.ndarray) -> None:
    if hole.all():
        raise UserError("inpainting mask covers the whole region around it: nothing is left to "
                        "fill it from")


def default_margin(crop_shape: tuple[int, ...], n: int) -> int:
    """The blend zone: about two of the model's pixels, in the photo's pixels."""
    return max(2, round(2 * max(crop_shape[:2]) / n))


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


def resize_mask(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """Any coverage of a resized pixel by the hole makes it a hole pixel."""
    if mask.shape == (height, width):
        return mask
    return cv2.resize(mask.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA) > 1e-3


def compose(image: np.ndarray, hole: np.ndarray, generated: np.ndarray) -> np.ndarray:
    return np.where(hole[..., None], generated, image)


def blend_into(image: np.ndarray, hole: np.ndarray, generated: np.ndarray, margin: int,
               method: str) -> np.ndarray:
    """Blend `generated` into `image` over the hole grown by `margin`; pixels beyond that
    are returned unchanged. Poisson blending is given the masked input (known pixels
    outside the hole, generated ones inside), never the original hole content."""
    composite = compose(image, hole, generated)
    if margin == 0:
        return composite
    # The hole grown by a disc of radius margin (a distance map: a dilation with a
    # 125 px kernel took 4 s on 12 MP).
    distance = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    zone = distance <= margin
    if method == "feather":
        alpha = np.clip(1 - distance / (margin + 1), 0, 1)[..., None] * zone[..., None]
        mixed = alpha * generated.astype(np.float32) + (1 - alpha) * image.astype(np.float32)
        return np.where(zone[..., None], np.rint(mixed), image).astype(np.uint8)
    return np.where(zone[..., None], poisson_clone(generated, composite, zone), image)


def poisson_clone(source: np.ndarray, target: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """target with the zone replaced by the Poisson solution: source's gradients inside,
    target's values on the zone's edge. A large zone is solved shrunk: the solution is
    source + a harmonic correction, smooth enough to enlarge, so only the correction is
    solved small; a ramp over one shrunk pixel at the zone's edge hides what it misses."""
    rows, cols = np.nonzero(zone)
    y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    factor = math.sqrt(POISSON_MAX_PIXELS / ((y1 - y0) * (x1 - x0)))
    if factor >= 1:
        return _seamless_clone(source, target, zone)
    height, width = zone.shape
    w, h = max(1, round(width * factor)), max(1, round(height * factor))
    small_source = cv2.resize(source, (w, h), interpolation=cv2.INTER_AREA)
    small_zone = cv2.resize(zone.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    if not small_zone.any():
        return _seamless_clone(source, target, zone)
    small = _seamless_clone(small_source, cv2.resize(target, (w, h), interpolation=cv2.INTER_AREA),
                            small_zone)
    correction = cv2.resize(small.astype(np.float32) - small_source, (width, height),
                            interpolation=cv2.INTER_LINEAR)
    solved = source.astype(np.float32) + correction
    edge = cv2.distanceTransform(zone.astype(np.uint8), cv2.DIST_L2, 5)
    alpha = np.clip(edge * factor, 0, 1)[..., None]
    mixed = alpha * solved + (1 - alpha) * target.astype(np.float32)
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def _seamless_clone(source: np.ndarray, target: np.ndarray, zone: np.ndarray) -> np.ndarray:
    # OpenCV erodes the clone mask by _CLONE_EROSION pixels, so grow it by as much first
    # (onto padding where the zone meets the border); the solve then covers the whole zone.
    pad = _CLONE_EROSION + 2
    padded_src = cv2.copyMakeBorder(source, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    padded_dst = cv2.copyMakeBorder(target, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    grow = np.ones((2 * _CLONE_EROSION + 1,) * 2, np.uint8)
    padded_zone = cv2.dilate(np.pad(zone, pad).astype(np.uint8) * 255, grow)
    x, y, w, h = cv2.boundingRect(padded_zone)
    return cv2.seamlessClone(padded_src, padded_dst, padded_zone, (x + w // 2, y + h // 2),
                             cv2.NORMAL_CLONE)[pad:-pad, pad:-pad]
