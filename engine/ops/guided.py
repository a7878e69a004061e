"""Guided filtering and guided upsampling (numpy + OpenCV, float32, no torch).

All images are float32 arrays, HxW (one channel) or HxWxC; values in any range (the
`eps` regulariser is in the images' units squared: for [0, 1] images 1e-3 is mild, 1e-1
strong). Windows are square, side 2 * radius + 1, reflected at the borders.

    guided_filter(guide, src, radius, eps) -> HxW[xC]
        He et al.'s guided filter: src smoothed while following the guide's edges.
        guide HxW (grey) or HxWx3 (colour, full 3x3 covariance); src HxW or HxWxC.

    fit_affine(source, target, radius, eps, toward_identity=False) -> AffineModel
        Local affine colour transforms on the source's grid: in every window,
        target ~ A @ source + b by ridge least squares, then A and b averaged over the
        windows covering each pixel (the guided filter's second step), so the model is
        smooth. A is (h, w, C, G) for a target with C and a source with G channels.
        toward_identity=True (C == G) shrinks A towards the identity instead of towards 0:
        where the target has no structure the source's own detail is kept (a colour shift),
        which is what an edit transfer wants.

    apply_affine(model, image, rows=None, cols=None) -> HxWxC
        The model upsampled smoothly (separable linear interpolation, pixel centres
        aligned; edge values extend beyond the grid) and applied per pixel to the
        full-resolution `image` (HxWxG, G <= 3). `rows` / `cols` give, for every image row / column,
        its continuous coordinate on the model grid (default: the grid spans the image),
        which is how a caller maps a grid onto part of a photo or processes it in strips.

    guided_upsample(low_source, low_target, full_source, radius, eps, toward_identity)
        Bilateral-guided-upsampling in its simple form: fit_affine on the low-resolution
        pair, apply_affine on the full-resolution source. Edges come from full_source.

    joint_upsample(low, guide, radius=2, eps=1e-3) -> HxW[xC]
        A low-resolution channel image (h x w [x C], e.g. predicted chroma) brought to the
        size of a full-resolution grey guide (HxW, e.g. the photo's luminance): the guide is
        area-downsampled to h x w, each channel is fitted as a * guide + b there, and a, b
        are upsampled and applied to the full guide. radius and eps are in low-res pixels
        and the guide's units squared.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class AffineModel:
    a: np.ndarray   # float32 (h, w, C, G): target channel c = sum_g a[..., c, g] * source_g + b
    b: np.ndarray   # float32 (h, w, C)

    @property
    def grid_shape(self) -> tuple[int, int]:
        return int(self.a.shape[0]), int(self.a.shape[1])


def box_mean(image: np.ndarray, radius: int) -> np.ndarray:
    """Mean over the (2r+1)^2 window around every pixel (any number of channels)."""
    side = 2 * int(radius) + 1
    flat = image.reshape(image.shape[0], image.shape[1], -1)
    planes = [cv2.blur(np.ascontiguousarray(flat[..., i : i + 4]), (side, side),
                       borderType=cv2.BORDER_REFLECT) for i in range(0, flat.shape[2], 4)]
    out = planes[0] if len(planes) == 1 else np.concatenate(
        [p.reshape(p.shape[0], p.shape[1], -1) for p in planes], axis=2)
    return out.reshape(image.shape).astype(np.float32, copy=False)


def _channels(image: np.ndarray, name: str) -> np.ndarray:
    image = np.asarray(image, np.float32)
    if image.ndim == 2:
        return image[..., None]
    if image.ndim != 3:
        raise ValueError(f"{name} must be HxW or HxWxC, got shape {image.shape}")
    return image


def _local_fit(source: np.ndarray, target: np.ndarray, radius: int, eps: float,
               toward_identity: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-window ridge regression target ~ a @ source + b (not yet averaged)."""
    h, w, g = source.shape
    c = target.shape[2]
    if toward_identity and c != g:
        raise ValueError("toward_identity needs as many target as source channels")
    mean_s, mean_t = box_mean(source, radius), box_mean(target, radius)
    outer_ss = (source[..., :, None] * source[..., None, :]).reshape(h, w, g * g)
    outer_ts = (target[..., :, None] * source[..., None, :]).reshape(h, w, c * g)
    cov_ss = box_mean(outer_ss, radius).reshape(h, w, g, g) - mean_s[..., :, None] * mean_s[..., None, :]
    cov_ts = box_mean(outer_ts, radius).reshape(h, w, c, g) - mean_t[..., :, None] * mean_s[..., None, :]
    eye = np.eye(g, dtype=np.float32)
    cov_ss = cov_ss + eps * eye
    if toward_identity:
        cov_ts = cov_ts + eps * eye
    # a @ cov_ss = cov_ts  ->  cov_ss^T a^T = cov_ts^T (cov_ss is symmetric)
    a = np.linalg.solve(cov_ss.astype(np.float64), np.swapaxes(cov_ts, -1, -2).astype(np.float64))
    a = np.swapaxes(a, -1, -2).astype(np.float32)
    b = mean_t - np.einsum("hwcg,hwg->hwc", a, mean_s)
    return a, b.astype(np.float32)


def fit_affine(source: np.ndarray, target: np.ndarray, radius: int, eps: float,
               toward_identity: bool = False) -> AffineModel:
    source, target = _channels(source, "source"), _channels(target, "target")
    if source.shape[:2] != target.shape[:2]:
        raise ValueError(f"source {source.shape[:2]} and target {target.shape[:2]} differ in size")
    a, b = _local_fit(source, target, radius, eps, toward_identity)
    h, w, c, g = a.shape
    a = box_mean(a.reshape(h, w, c * g), radius).reshape(h, w, c, g)
    return AffineModel(a, box_mean(b, radius))


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
    squeeze = np.asarray(src).ndim == 2
    guide3 = _channels(guide, "guide")
    if guide3.shape[2] not in (1, 3):
        raise ValueError(f"guide must be grey or colour (1 or 3 channels), got {guide3.shape[2]}")
    model = fit_affine(guide3, src, radius, eps)
    out = np.einsum("hwcg,hwg->hwc", model.a, guide3) + model.b
    return out[..., 0] if squeeze else out.astype(np.float32, copy=False)


def grid_coordinates(count: int, grid: int, start: float = 0.0, length: float | None = None) -> np.ndarray:
    """Grid coordinates of pixels 0..count-1 when `grid` samples span the pixels
    [start, start + length) (pixel centres aligned, as cv2.resize does)."""
    length = float(count if length is None else length)
    return (np.arange(count, dtype=np.float64) - start + 0.5) * (grid / length) - 0.5


def _sampling(grid_shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray):
    """The part of the grid that rows/cols touch (slices) and remap's maps into it."""
    h, w = grid_shape
    rows = np.clip(np.asarray(rows, np.float64), 0, h - 1)
    cols = np.clip(np.asarray(cols, np.float64), 0, w - 1)
    y0, y1 = int(np.floor(rows.min())), int(np.ceil(rows.max())) + 1
    x0, x1 = int(np.floor(cols.min())), int(np.ceil(cols.max())) + 1
    shape = (len(rows), len(cols))
    map_x = np.ascontiguousarray(np.broadcast_to((cols - x0).astype(np.float32)[None, :], shape))
    map_y = np.ascontiguousarray(np.broadcast_to((rows - y0).astype(np.float32)[:, None], shape))
    return (slice(y0, y1), slice(x0, x1)), map_x, map_y


def _remap(grid: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """Bilinear sampling of a grid with at most 4 planes; keeps a trailing plane axis."""
    out = cv2.remap(np.ascontiguousarray(grid, dtype=np.float32), map_x, map_y, cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(map_x.shape + (grid.shape[2],))


def upsample_planes(planes: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(h, w, K) grid -> (len(rows), len(cols), K) float32 by bilinear interpolation at the
    given grid coordinates (edge values extend beyond the grid). OpenCV's remap on just the
    part of the grid the coordinates touch: its weights are quantised to 1/32 of a grid
    step, far below what a smooth coefficient grid shows."""
    window, map_x, map_y = _sampling(planes.shape[:2], rows, cols)
    sub = planes[window]
    parts = [_remap(sub[..., i:i + 4], map_x, map_y) for i in range(0, planes.shape[2], 4)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=2)


def apply_affine(model: AffineModel, image: np.ndarray, rows: np.ndarray | None = None,
                 cols: np.ndarray | None = None) -> np.ndarray:
    image = _channels(image, "image")
    height, width, g = image.shape
    h, w = model.grid_shape
    c = model.b.shape[2]
    if model.a.shape[3] != g:
        raise ValueError(f"the model expects {model.a.shape[3]} image channels, got {g}")
    if g > 3:
        raise ValueError(f"apply_affine takes grey or colour images (1-3 channels), got {g}")
    rows = grid_coordinates(height, h) if rows is None else rows
    cols = grid_coordinates(width, w) if cols is None else cols
    window, map_x, map_y = _sampling((h, w), rows, cols)
    # Per output channel one remap of (a_c0 .. a_cG, b_c) and one multiply with (image, 1):
    # contiguous 4-plane arrays that OpenCV samples and sums fast.
    extended = np.empty((height, width, g + 1), np.float32)
    extended[..., :g] = image
    extended[..., g] = 1
    sums = np.ones((1, g + 1), np.float32)
    planes = []
    for ci in range(c):
        grid = np.concatenate([model.a[window][..., ci, :], model.b[window][..., ci:ci + 1]], axis=2)
        coefficients = _remap(grid, map_x, map_y)
        coefficients *= extended
        planes.append(cv2.transform(coefficients, sums).reshape(height, width))
    return planes[0][..., None] if c == 1 else cv2.merge(planes).reshape(height, width, c)


def guided_upsample(low_source: np.ndarray, low_target: np.ndarray, full_source: np.ndarray,
                    radius: int = 2, eps: float = 1e-3, toward_identity: bool = False) -> np.ndarray:
    model = fit_affine(low_source, low_target, radius, eps, toward_identity)
    return apply_affine(model, full_source)


def joint_upsample(low: np.ndarray, guide: np.ndarray, radius: int = 2, eps: float = 1e-3) -> np.ndarray:
    squeeze = np.asarray(low).ndim == 2
    low = _channels(low, "low")
    guide = np.asarray(guide, np.float32)
    if guide.ndim != 2:
        raise ValueError(f"the guide must be a grey HxW image, got shape {guide.shape}")
    h, w = low.shape[:2]
    small = cv2.resize(guide, (w, h), interpolation=cv2.INTER_AREA)
    out = guided_upsample(small, low, guide, radius, eps)
    return out[..., 0] if squeeze else out
