"""The edit constraints as differentiable per-start costs (iGAN's colour, sketch and warp terms).

Colour: masked MSE to the stroke colours, normalised by the stroke area. (Weighing each stroke
alike instead lets a small dot outvote the bands: measured, 57 % of canonical strokes met vs 76 %.)
Sketch: HOG features of the image vs those of the sketch (black lines on white), over the
HOG cells the lines touch, so edges with the sketch's orientation are wanted there; plus a
penalty where no strong edge lies within a pixel of a line (HOG alone ignores strength), and
one for change *along* the line within a pixel of it, so the edge is one coherent boundary
(a horizon, a trunk) rather than clutter, whose strong gradients in every direction also
meet the first two.
Warp: the patch of the start image at (x0, y0), pasted at (x1, y1), becomes a colour and an
edge constraint over the destination box.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from ..errors import UserError
from ..imaging import to_tensor
from . import losses
from ._common import check_mask
from .types import EditConstraints, Warp

# Gradient magnitude (engine.nets.hog's Sobel / 8 on [-1, 1] images) of a step of half the
# full contrast: black to white gives 1.0.
EDGE_STRENGTH = 0.5


def check_constraints(constraints: EditConstraints, size: int) -> EditConstraints:
    """Validate shapes and values at the model resolution; returns a cleaned copy."""
    if not isinstance(constraints, EditConstraints):
        raise UserError(f"constraints must be EditConstraints, got {type(constraints).__name__}")
    shape = (size, size)
    color, color_mask = constraints.color, constraints.color_mask
    if color_mask is not None:
        color_mask = check_mask(color_mask, shape, "colour stroke mask")
        if color_mask.any():
            if color is None:
                raise UserError("colour strokes need a colour image as well as their mask")
            color = np.asarray(color)
            if color.dtype != np.uint8 or color.shape != (size, size, 3):
                raise UserError(f"colour strokes: expected uint8 {size}x{size}x3 (the model's "
                                f"resolution), got {color.dtype} {tuple(color.shape)}")
        else:
            color_mask = None
    elif color is not None:
        raise UserError("colour strokes need a mask saying where the strokes are")
    sketch_mask = constraints.sketch_mask
    if sketch_mask is not None:
        sketch_mask = check_mask(sketch_mask, shape, "sketch mask")
        sketch_mask = sketch_mask if sketch_mask.any() else None
    warps = [_check_warp(w, size, i) for i, w in enumerate(constraints.warps or [])]
    cleaned = EditConstraints(color=color if color_mask is not None else None,
                              color_mask=color_mask, sketch_mask=sketch_mask, warps=warps)
    if cleaned.is_empty():
        raise UserError("nothing to edit: paint a colour stroke, draw a sketch line or add a warp")
    return cleaned


def _check_warp(warp: Warp, size: int, index: int) -> Warp:
    if not isinstance(warp, Warp):
        raise UserError(f"warp {index + 1}: expected a Warp, got {type(warp).__name__}")
    values = [warp.x0, warp.y0, warp.x1, warp.y1, warp.size]
    try:
        values = [float(v) for v in values]
    except (TypeError, ValueError):
        raise UserError(f"warp {index + 1}: coordinates must be numbers") from None
    if not np.isfinite(values).all():
        raise UserError(f"warp {index + 1}: coordinates must be finite")
    x0, y0, x1, y1, side = values
    if side < 1:
        raise UserError(f"warp {index + 1}: patch size must be at least 1 pixel, got {side:g}")
    for name, v in (("x0", x0), ("y0", y0), ("x1", x1), ("y1", y1)):
        if not 0 <= v <= size:
            raise UserError(f"warp {index + 1}: {name}={v:g} is outside the {size}x{size} image")
    return Warp(x0, y0, x1, y1, side)


def _box(cx: float, cy: float, side: float) -> tuple[int, int, int, int]:
    """Integer (top, left, bottom, right) of a side x side box centred at (cx, cy), unclipped."""
    half = side / 2
    top, left = int(round(cy - half)), int(round(cx - half))
    extent = max(1, int(round(side)))
    return top, left, top + extent, left + extent


def paste_warps(start: np.ndarray, warps: list[Warp]) -> tuple[np.ndarray, np.ndarray]:
    """The start images (B,H,W,3 uint8) with each warp's source patch pasted at its destination,
    and the bool HxW mask of the destination pixels."""
    target = start.copy()
    size = start.shape[1]
    mask = np.zeros((size, size), bool)
    for warp in warps:
        st, sl, sb, sr = _box(warp.x0, warp.y0, warp.size)
        dy, dx = int(round(warp.y1 - warp.y0)), int(round(warp.x1 - warp.x0))
        # destination box clipped to the image, and the source box that lands in it
        top, left = max(st + dy, 0, dy), max(sl + dx, 0, dx)
        bottom, right = min(sb + dy, size, size + dy), min(sr + dx, size, size + dx)
        if bottom <= top or right <= left:
            continue
        target[:, top:bottom, left:right] = start[:, top - dy:bottom - dy, left - dx:right - dx]
        mask[top:bottom, left:right] = True
    return target, mask


@dataclass
class ConstraintCost:
    """Callable: images (B,3,H,W) in [-1, 1] -> cost per image (B,)."""
    sketch_weight: float
    hog: torch.nn.Module
    color: torch.Tensor | None = None          # (1,3,H,W)
    color_mask: torch.Tensor | None = None     # (1,1,H,W)
    sketch_hog: torch.Tensor | None = None     # (1,bins,h,w)
    sketch_cells: torch.Tensor | None = None   # (1,1,h,w)
    sketch_pixels: torch.Tensor | None = None  # (1,1,H,W)
    sketch_tangents: torch.Tensor | None = None  # (1,2,H,W): the lines' direction, 0 off them
    warp: torch.Tensor | None = None           # (B or 1,3,H,W)
    warp_mask: torch.Tensor | None = None      # (1,1,H,W)
    warp_hog: torch.Tensor | None = None
    warp_cells: torch.Tensor | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        cost = x.new_zeros(x.shape[0])
        need_hog = self.sketch_weight > 0 and (self.sketch_hog is not None or self.warp_hog is not None)
        features = self.hog(x) if need_hog else None
        if self.color is not None:
            cost = cost + losses.masked_mse(x, self.color, self.color_mask)
        if self.sketch_hog is not None and self.sketch_weight > 0:
            sketch = _cell_distance(features, self.sketch_hog, self.sketch_cells) \
                + _edge_shortfall(self.hog, x, self.sketch_pixels) \
                + _change_along_lines(self.hog, x, self.sketch_tangents)
            cost = cost + self.sketch_weight * sketch
        if self.warp is not None:
            cost = cost + losses.masked_mse(x, self.warp, self.warp_mask)
            if self.sketch_weight > 0:
                cost = cost + self.sketch_weight * _cell_distance(features, self.warp_hog, self.warp_cells)
        return cost


def _cell_distance(features: torch.Tensor, target: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
    """Squared distance of HOG vectors (summed over bins), averaged over the weighted cells."""
    distance = (features - target).pow(2).sum(1, keepdim=True)
    return (distance * cells).flatten(1).sum(1) / cells.flatten(1).sum(1).clamp_min(1e-8)


def _edge_shortfall(hog: torch.nn.Module, x: torch.Tensor, pixels: torch.Tensor) -> torch.Tensor:
    """How far the strongest gradient within 1 px of each line pixel falls short of an edge of
    half the full contrast, squared and normalised to [0, 1], averaged over the line.
    (HOG is normalised per block, so it wants the lines' orientation but not their strength.)"""
    gx, gy = hog.gradients(x)
    magnitude = torch.sqrt(gx * gx + gy * gy + 1e-12)
    nearby = F.max_pool2d(magnitude, 3, 1, 1)
    shortfall = F.relu(1 - nearby / EDGE_STRENGTH).pow(2)
    return (shortfall * pixels).flatten(1).sum(1) / pixels.flatten(1).sum(1).clamp_min(1e-8)


def _change_along_lines(hog: torch.nn.Module, x: torch.Tensor, tangents: torch.Tensor) -> torch.Tensor:
    """The squared gradient along the lines' direction, in units of EDGE_STRENGTH squared,
    averaged over the pixels within 1 px of a line (where `tangents` is non-zero)."""
    gx, gy = hog.gradients(x)
    along = (gx * tangents[:, :1] + gy * tangents[:, 1:]).pow(2) / EDGE_STRENGTH ** 2
    near = tangents.abs().sum(1, keepdim=True).gt(0).float()
    return (along * near).flatten(1).sum(1) / near.flatten(1).sum(1).clamp_min(1e-8)


def line_tangents(mask: np.ndarray) -> np.ndarray:
    """float32 (2, H, W): the unit direction of the drawn lines at the pixels within 1 px of
    them (0 elsewhere), from the structure tensor of the slightly blurred drawing (its main
    axis is across the line; well defined on a line's middle too, where the gradient is 0)."""
    drawing = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.0)
    mx = cv2.Sobel(drawing, cv2.CV_32F, 1, 0, ksize=3)
    my = cv2.Sobel(drawing, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jxy, jyy = (cv2.GaussianBlur(v, (0, 0), 2.0) for v in (mx * mx, mx * my, my * my))
    across = 0.5 * np.arctan2(2 * jxy, jxx - jyy)
    near = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return np.stack([-np.sin(across) * near, np.cos(across) * near]).astype(np.float32)


def _mask_tensor(mask: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(mask.astype(np.float32))[None, None].to(device)


def _cells_touched(mask: np.ndarray, cell: int, device: torch.device) -> torch.Tensor:
    return (F.max_pool2d(_mask_tensor(mask, device), cell, cell) > 0).float()


def build_cost(constraints: EditConstraints, start_images: np.ndarray | None,
               sketch_weight: float, hog: torch.nn.Module, device: torch.device) -> ConstraintCost:
    """`start_images` (B,H,W,3 uint8: the images the warps refer to) is needed only for warps."""
    cost = ConstraintCost(sketch_weight=sketch_weight, hog=hog)
    cell = hog.config.cell_size
    if constraints.color_mask is not None:
        cost.color = to_tensor(constraints.color, device)
        cost.color_mask = _mask_tensor(constraints.color_mask, device)
    if constraints.sketch_mask is not None:
        drawing = np.where(constraints.sketch_mask[..., None], 0, 255).astype(np.uint8)
        drawing = np.repeat(drawing, 3, axis=2)
        with torch.no_grad():
            cost.sketch_hog = hog(to_tensor(drawing, device))
        cost.sketch_cells = _cells_touched(constraints.sketch_mask, cell, device)
        cost.sketch_pixels = _mask_tensor(constraints.sketch_mask, device)
        cost.sketch_tangents = torch.from_numpy(line_tangents(constraints.sketch_mask))[None].to(device)
    if constraints.warps:
        target, mask = paste_warps(start_images, constraints.warps)
        if mask.any():
            cost.warp = to_tensor(target, device)
            cost.warp_mask = _mask_tensor(mask, device)
            with torch.no_grad():
                cost.warp_hog = hog(cost.warp)
            cost.warp_cells = _cells_touched(mask, cell, device)
    return cost
