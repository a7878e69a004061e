"""The first edit transfer (dense flow + colour gain), kept as the baseline that
`engine.ops.transfer_eval` compares `engine.ops.transfer` against. Not used by the editor:
flow between two generated images moves the photo's structure everywhere G changed.

From `before` = G(z0) and `after` = G(z1) (model resolution) we estimate
- a dense motion field: Farneback optical flow, with after(p) ~ before(p + flow(p));
- a colour change: after ~ gain * warped_before + offset, per channel, fitted in local
  windows (a guided-filter style local affine model). The gain is regularised towards 1,
  so flat regions get an additive shift and textured ones a contrast change as well.
Both fields are smooth, so they are upsampled (bilinear) to the photo and applied there:
the photo is warped by the scaled flow, then gain and offset are applied.

The generated images show the photo's centre square (how `project` crops), unless a
`region` (x, y, width, height in photo pixels) is given. Outside that region the fields
fade to "no change" over a quarter of the region's side. The photo is processed in strips
of `tile` rows, so memory stays bounded (a few strips of float32, plus the output).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..imaging import check_rgb
from ..jobs import CancelToken, Operation, Progress
from ._common import check_cancel, check_int
from .transfer import check_before_after, check_region

_GAIN_EPS = 0.01          # variance (in [0,1]^2 units) added to both terms of the gain
_GAIN_RANGE = (0.25, 4.0)


def transfer_flow(photo: np.ndarray, before: np.ndarray, after: np.ndarray,
             token: CancelToken | None = None, tile: int = 256,
             region: tuple[int, int, int, int] | None = None) -> Operation[np.ndarray]:
    """Yields Progress per strip; returns the edited photo (uint8, the photo's size)."""
    check_rgb(photo, "photo")
    check_before_after(before, after)
    tile = check_int("tile", tile)
    height, width = photo.shape[:2]
    region = check_region(region, width, height)
    strips = range(0, height, tile)
    if np.array_equal(before, after):
        check_cancel(token)
        yield Progress(1, 1, "transferring: nothing changed")
        return photo.copy()
    fields = estimate_change(before, after)
    out = np.empty_like(photo)
    for index, top in enumerate(strips, start=1):
        check_cancel(token)
        bottom = min(top + tile, height)
        out[top:bottom] = _apply_strip(photo, fields, region, top, bottom)
        yield Progress(index, len(strips), "transferring")
    return out


def estimate_change(before: np.ndarray, after: np.ndarray) -> dict[str, np.ndarray]:
    """Flow (n,n,2, model pixels), gain and offset (n,n,3, [0,1] units) from before to after."""
    n = before.shape[0]
    grey_before = cv2.cvtColor(before, cv2.COLOR_RGB2GRAY)
    grey_after = cv2.cvtColor(after, cv2.COLOR_RGB2GRAY)
    window = max(5, (n // 8) | 1)
    flow = cv2.calcOpticalFlowFarneback(grey_after, grey_before, None, pyr_scale=0.5, levels=3,
                                        winsize=window, iterations=5, poly_n=5, poly_sigma=1.1,
                                        flags=0)
    grid_y, grid_x = np.mgrid[:n, :n].astype(np.float32)
    warped = cv2.remap(before, grid_x + flow[..., 0], grid_y + flow[..., 1], cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE).astype(np.float32) / 255
    target = after.astype(np.float32) / 255
    radius = max(2, n // 16)
    box = (2 * radius + 1, 2 * radius + 1)

    def smooth(a: np.ndarray) -> np.ndarray:
        return cv2.blur(a, box, borderType=cv2.BORDER_REFLECT)

    mean_in, mean_out = smooth(warped), smooth(target)
    variance = smooth(warped * warped) - mean_in * mean_in
    covariance = smooth(warped * target) - mean_in * mean_out
    gain = np.clip((covariance + _GAIN_EPS) / (np.maximum(variance, 0) + _GAIN_EPS), *_GAIN_RANGE)
    offset = mean_out - gain * mean_in
    return {"flow": flow.astype(np.float32), "gain": smooth(gain).astype(np.float32),
            "offset": smooth(offset).astype(np.float32)}


def _apply_strip(photo: np.ndarray, fields: dict[str, np.ndarray],
                 region: tuple[int, int, int, int], top: int, bottom: int) -> np.ndarray:
    height, width = photo.shape[:2]
    rx, ry, rw, rh = region
    n = fields["flow"].shape[0]
    xs = np.arange(width, dtype=np.float32)
    ys = np.arange(top, bottom, dtype=np.float32)
    # photo pixel centre -> model pixel coordinates
    u = (xs - rx + 0.5) * (n / rw) - 0.5
    v = (ys - ry + 0.5) * (n / rh) - 0.5
    map_u = np.broadcast_to(u[None, :], (len(ys), width))
    map_v = np.broadcast_to(v[:, None], (len(ys), width))
    map_u, map_v = np.ascontiguousarray(map_u), np.ascontiguousarray(map_v)

    def sample(field: np.ndarray) -> np.ndarray:
        return cv2.remap(field, map_u, map_v, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    fade = _fade(xs, ys, region)
    flow = sample(fields["flow"])
    src_x = xs[None, :] + flow[..., 0] * (rw / n) * fade
    src_y = ys[:, None] + flow[..., 1] * (rh / n) * fade
    warped = cv2.remap(photo, src_x.astype(np.float32), src_y.astype(np.float32), cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REFLECT_101).astype(np.float32)
    gain = sample(fields["gain"])
    offset = sample(fields["offset"])
    fade3 = fade[..., None]
    gain = 1 + (gain - 1) * fade3
    offset = offset * (255 * fade3)
    warped *= gain
    warped += offset
    np.clip(warped, 0, 255, out=warped)
    return np.rint(warped, out=warped).astype(np.uint8)


def _fade(xs: np.ndarray, ys: np.ndarray, region: tuple[int, int, int, int]) -> np.ndarray:
    """1 inside the region, falling linearly to 0 a quarter of its side away from it."""
    rx, ry, rw, rh = region
    margin = max(1.0, 0.25 * min(rw, rh))
    dx = np.maximum(np.maximum(rx - xs, xs - (rx + rw - 1)), 0)
    dy = np.maximum(np.maximum(ry - ys, ys - (ry + rh - 1)), 0)
    distance = np.sqrt(dy[:, None] ** 2 + dx[None, :] ** 2)
    return np.clip(1 - distance / margin, 0, 1).astype(np.float32)
