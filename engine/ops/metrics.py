"""Image quality metrics."""

from __future__ import annotations

import math

import numpy as np

from ..errors import UserError

MAX_PSNR = 100.0  # identical images: reported as 100 dB rather than infinity (JSON has no inf)


def psnr(a: np.ndarray, b: np.ndarray, border: int = 0, mask: np.ndarray | None = None) -> float:
    """PSNR in dB of two uint8 (or 0-255 float) images over all RGB values.

    `border` pixels are cropped from every side first (SR convention: border = scale);
    `mask` (bool HxW) restricts the comparison to those pixels (e.g. an inpainted hole).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise UserError(f"psnr: images differ in shape {a.shape} vs {b.shape}")
    if border:
        a, b = a[border:-border, border:-border], b[border:-border, border:-border]
        mask = None if mask is None else mask[border:-border, border:-border]
    if mask is not None:
        a, b = a[mask], b[mask]
    if a.size == 0:
        raise UserError("psnr: nothing left to compare")
    mse = float(np.mean((a - b) ** 2))
    if mse == 0.0:
        return MAX_PSNR
    return min(MAX_PSNR, 10.0 * math.log10(255.0 ** 2 / mse))
