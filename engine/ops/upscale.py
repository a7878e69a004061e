"""Super-resolution with an "sr" model, tile by tile so large images fit in memory.

Each tile of `tile` x `tile` input pixels is run with `overlap` extra pixels of context on
every side, and only its own part of the output is kept. With an overlap at least the
network's receptive-field radius, the result equals running the whole image at once; the
default overlap is that radius (the net's `context`) when the net says it, at least 8.
Images go in and out of the network as float NCHW in [-1, 1] (engine.imaging.to_tensor).
"""

from __future__ import annotations

import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import MAX_PIXELS, check_rgb, resize, to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from ._common import check_cancel, check_int, device_of

PREVIEW_SIDE = 256


def sr_scale(model: Model) -> int:
    net = model.net("sr")
    scale = model.config.get("scale", getattr(getattr(net, "config", None), "scale", None))
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise UserError(f"model '{model.name}' does not say its upscaling factor ('scale')")
    return scale


DEFAULT_OVERLAP = 8


def default_overlap(net) -> int:
    """Tile overlap that makes tiling invisible: the net's receptive-field radius, at least 8."""
    context = getattr(net, "context", None)
    return max(DEFAULT_OVERLAP, context) if isinstance(context, int) else DEFAULT_OVERLAP


def upscale(model: Model, image: np.ndarray, *, tile: int = 128, overlap: int | None = None,
            token: CancelToken | None = None) -> Operation[np.ndarray]:
    """Yields Progress per tile (a small preview every ~10 %); returns uint8 (H*s, W*s, 3)."""
    model.require_kind("sr")
    check_rgb(image, "image")
    tile = check_int("tile", tile, minimum=8)
    net = model.net("sr")
    overlap = check_int("overlap", default_overlap(net) if overlap is None else overlap, minimum=0)
    scale = sr_scale(model)
    device = device_of(net)
    height, width = image.shape[:2]
    if height * scale * width * scale > MAX_PIXELS:
        raise UserError(f"upscaling {width}x{height} by {scale} gives {width * scale}x"
                        f"{height * scale}, {width * height * scale * scale / 1e6:.0f} megapixels; "
                        f"the limit is {MAX_PIXELS / 1e6:.0f} (crop or shrink the image first)")
    out = np.empty((height * scale, width * scale, 3), np.uint8)
    boxes = [(top, left, min(top + tile, height), min(left + tile, width))
             for top in range(0, height, tile) for left in range(0, width, tile)]
    preview_every = max(1, len(boxes) // 10)
    for index, (top, left, bottom, right) in enumerate(boxes, start=1):
        check_cancel(token)
        t0, l0 = max(0, top - overlap), max(0, left - overlap)
        b0, r0 = min(height, bottom + overlap), min(width, right + overlap)
        with torch.inference_mode():
            result = net(to_tensor(np.array(image[t0:b0, l0:r0]), device))  # a writable copy
        expected = ((b0 - t0) * scale, (r0 - l0) * scale)
        if tuple(result.shape[-2:]) != expected:
            raise UserError(f"model '{model.name}' returned {tuple(result.shape[-2:])} for a "
                            f"{b0 - t0}x{r0 - l0} input; expected x{scale}")
        part = to_uint8(result)[0]
        y, x = (top - t0) * scale, (left - l0) * scale
        out[top * scale:bottom * scale, left * scale:right * scale] = \
            part[y:y + (bottom - top) * scale, x:x + (right - left) * scale]
        preview = _preview(out) if index % preview_every == 0 or index == len(boxes) else None
        yield Progress(index, len(boxes), "upscaling", preview)
    return out


def _preview(out: np.ndarray) -> np.ndarray:
    height, width = out.shape[:2]
    factor = PREVIEW_SIDE / max(height, width)
    if factor >= 1:
        return out.copy()
    return resize(out, max(1, round(width * factor)), max(1, round(height * factor)))
