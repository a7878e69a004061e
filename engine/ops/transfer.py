"""Edit transfer: carry the change G(z0) -> G(z1) onto the full-resolution photo as a colour
change, so the photo's own edges stay where they are (iGAN's last step, done the way
bilateral guided upsampling does it; see engine.ops.guided).

At model resolution n (the generated images show the photo's `region`, by default its centre
square, as `project` crops it):
- P = the photo's region area-downsampled to n x n, B = `before` = G(z0), A = `after` = G(z1).
- The target is the photo with the generator's change added, T = P + (A - B); under colour
  strokes it leans to A's texture with the painted colour as its local mean (T = A, shifted),
  because P and B differ wherever the projection missed and the user asked for the colour
  they painted.
- Local affine colour transforms P -> T are fitted on the n x n grid (ridge regression
  shrunk towards the identity, so flat targets keep the photo's detail), upsampled smoothly
  and applied per pixel to the full-resolution photo. Under colour strokes, what the
  transforms miss of T at model resolution is added as a smooth offset (thin strokes).
Motion: only warps move pixels. Each warp moves its patch (the distance bounded by
MAX_MOTION of the square's side) with a soft falloff around the destination; B and P are
moved the same way before the fit, so the moved content is not recoloured twice.
Locality: the result is blended with the photo through a soft mask: 1 on the edit's
strokes and warp patches (`constraints`; without them, where G(z0) and G(z1) differ by more
than CHANGED), falling to 0 `margin` model pixels away (default MARGIN of the side), and
beyond the region over EXTEND of its side (as far as around a stroke inside it). Beyond the
region the model's edge values carry on, blurred along the edge the more the further out,
so a stroke that touches the square's edge fades out past it instead of repeating the
grid's rows as streaks. Outside all that the photo is returned bit for bit.
Only the mask's bounding box is computed, in strips of `tile` rows, so memory stays bounded.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..errors import UserError
from ..imaging import center_square, check_rgb
from ..jobs import CancelToken, Operation, Progress
from ._common import check_cancel, check_int
from .guided import AffineModel, apply_affine, fit_affine, upsample_planes
from .types import EditConstraints

MARGIN = 0.125          # influence margin around the strokes, in units of the square's side
MAX_MOTION = 0.25       # longest warp displacement, in units of the square's side
FIT_RADIUS = 1 / 32     # affine fit window radius, in units of the model side (2 px at 64)
FIT_EPS = 0.01          # ridge weight towards the identity, [0, 1] units squared
STROKE_MEAN_SIGMA = 1 / 32  # window of a stroke's local mean colour, in units of the side
CHANGED = 0.06          # RGB distance / (255 sqrt 3) above which a pixel counts as edited
EXTEND = MARGIN         # how far an edit at the region's edge fades out beyond it, in units of its
                        # side: as far as it reaches around a stroke inside the region


def transfer(photo: np.ndarray, before: np.ndarray, after: np.ndarray, *,
             token: CancelToken | None = None, tile: int = 256,
             region: tuple[int, int, int, int] | None = None,
             constraints: EditConstraints | None = None,
             margin: float | None = None, pull: float = 1.0) -> Operation[np.ndarray]:
    """Yields Progress per strip; returns the edited photo (uint8, the photo's size).
    `pull` (0-1) scales how far the photo leans to the painted colours under the colour
    strokes (1: all the way; an interpolation frame part of the way to the edit: less)."""
    check_rgb(photo, "photo")
    check_before_after(before, after)
    tile = check_int("tile", tile)
    n = before.shape[0]
    margin = MARGIN * n if margin is None else float(margin)
    if not np.isfinite(margin) or margin < 0:
        raise UserError(f"margin must be a number of model pixels >= 0, got {margin!r}")
    if not 0 <= pull <= 1:
        raise UserError(f"pull must be from 0 to 1, got {pull!r}")
    height, width = photo.shape[:2]
    region = check_region(region, width, height)
    local = constraints is not None and not constraints.is_empty()
    if np.array_equal(before, after) and not (local and constraints.warps):
        check_cancel(token)
        yield Progress(1, 1, "transferring: nothing changed")
        return photo.copy()

    painted = painted_mask(constraints, n) if local else changed_mask(before, after)
    mask = influence_mask(painted, margin)
    flow = warp_field(constraints.warps if local else [], n)
    model = fit_change(photo, before, after, region, flow,
                       constraints.color_mask if local else None,
                       constraints.color if local else None, pull)
    box = _bounding_box(mask, region, width, height)
    out = photo.copy()
    if box is None:
        yield Progress(1, 1, "transferring: nothing to change")
        return out
    left, top, right, bottom = box
    pad = int(np.ceil(EXTEND * n)) + 1
    model = AffineModel(extend_beyond_grid(model.a.reshape(n, n, -1), pad).reshape(
                            (n + 2 * pad, n + 2 * pad) + model.a.shape[2:]),
                        extend_beyond_grid(model.b, pad))
    mask = extend_beyond_grid(mask[..., None], pad)[..., 0]
    flow = None if flow is None else extend_beyond_grid(flow, pad)
    strips = range(top, bottom, tile)
    for index, start in enumerate(strips, start=1):
        check_cancel(token)
        end = min(start + tile, bottom)
        out[start:end, left:right] = _apply_strip(photo, model, mask, flow, region, pad,
                                                  start, end, left, right)
        yield Progress(index, len(strips), "transferring")
    return out


def check_before_after(before: np.ndarray, after: np.ndarray) -> None:
    """The projected and the edited image: RGB, the same size, square (model resolution)."""
    check_rgb(before, "before image")
    check_rgb(after, "after image")
    if before.shape != after.shape:
        raise UserError(f"before and after images differ in size: {before.shape[1]}x{before.shape[0]} "
                        f"vs {after.shape[1]}x{after.shape[0]}")
    if before.shape[0] != before.shape[1]:
        raise UserError("before and after images must be square (the model's resolution)")


def check_region(region, width: int, height: int) -> tuple[int, int, int, int]:
    if region is None:
        x, y, side = center_square(width, height)
        return x, y, side, side
    try:
        x, y, w, h = (int(v) for v in region)
    except (TypeError, ValueError):
        raise UserError(f"region must be (x, y, width, height), got {region!r}") from None
    if w < 1 or h < 1 or x < 0 or y < 0 or x + w > width or y + h > height:
        raise UserError(f"region {region!r} does not lie inside the {width}x{height} photo")
    return x, y, w, h


def painted_mask(constraints: EditConstraints, n: int) -> np.ndarray:
    """bool n x n: colour and sketch strokes and both patches of every warp."""
    painted = np.zeros((n, n), bool)
    for mask in (constraints.color_mask, constraints.sketch_mask):
        if mask is not None:
            if mask.shape != (n, n):
                raise UserError(f"stroke mask is {mask.shape[1]}x{mask.shape[0]}, "
                                f"the model images are {n}x{n}")
            painted |= mask
    for warp in constraints.warps:
        half = warp.size / 2
        for cx, cy in ((warp.x0, warp.y0), (warp.x1, warp.y1)):
            painted[max(0, int(cy - half)):max(0, int(np.ceil(cy + half))),
                    max(0, int(cx - half)):max(0, int(np.ceil(cx + half)))] = True
    return painted


def changed_mask(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """bool n x n: where the generated images differ (slightly smoothed, so noise is not)."""
    difference = np.linalg.norm(after.astype(np.float32) - before.astype(np.float32), axis=2)
    difference = cv2.GaussianBlur(difference / (255 * np.sqrt(3)), (0, 0), 1.0)
    return difference > CHANGED


def influence_mask(painted: np.ndarray, margin: float) -> np.ndarray:
    """float32: 1 on the painted pixels, easing to 0 at `margin` pixels from them."""
    if margin <= 0:
        return painted.astype(np.float32)
    distance = cv2.distanceTransform((~painted).astype(np.uint8), cv2.DIST_L2, 5)
    t = np.clip(1 - distance / margin, 0, 1)
    return (t * t * (3 - 2 * t)).astype(np.float32)  # smoothstep: no kink where it starts


def warp_field(warps, n: int) -> np.ndarray | None:
    """float32 n x n x 2 backward displacement (model pixels): the output pixel p shows the
    input at p - field(p). 1 over each destination patch, falling off over half a patch."""
    if not warps:
        return None
    field = np.zeros((n, n, 2), np.float32)
    weight_sum = np.zeros((n, n), np.float32)
    centres = np.arange(n, dtype=np.float32) + 0.5
    limit = MAX_MOTION * n
    for warp in warps:
        move = np.array([warp.x1 - warp.x0, warp.y1 - warp.y0], np.float32)
        length = float(np.hypot(*move))
        if length > limit:
            move *= limit / length
        half, fall = warp.size / 2, max(1.0, warp.size / 2)
        dx = np.maximum(np.abs(centres - (warp.x0 + move[0])) - half, 0)
        dy = np.maximum(np.abs(centres - (warp.y0 + move[1])) - half, 0)
        weight = np.clip(1 - np.hypot(dy[:, None], dx[None, :]) / fall, 0, 1)
        field += weight[..., None] * move
        weight_sum += weight
    return field / np.maximum(weight_sum, 1)[..., None]


def _warp_small(image: np.ndarray, flow: np.ndarray | None) -> np.ndarray:
    if flow is None:
        return image
    n = image.shape[0]
    grid_y, grid_x = np.mgrid[:n, :n].astype(np.float32)
    return cv2.remap(image, grid_x - flow[..., 0], grid_y - flow[..., 1], cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def fit_change(photo: np.ndarray, before: np.ndarray, after: np.ndarray,
               region: tuple[int, int, int, int], flow: np.ndarray | None,
               color_mask: np.ndarray | None,
               color: np.ndarray | None = None, pull: float = 1.0) -> AffineModel:
    """The local affine colour model (on the n x n grid) taking the photo to its edit."""
    n = before.shape[0]
    x, y, w, h = region
    small = cv2.resize(np.ascontiguousarray(photo[y:y + h, x:x + w]), (n, n),
                       interpolation=cv2.INTER_AREA)
    source = _warp_small(small.astype(np.float32) / 255, flow)
    moved_before = _warp_small(before.astype(np.float32) / 255, flow)
    edited = after.astype(np.float32) / 255
    target = source + (edited - moved_before)
    lean = None
    if color_mask is not None and color_mask.any():
        mask = color_mask.astype(np.float32)
        lean = pull * np.maximum(mask, cv2.GaussianBlur(mask, (0, 0), 1.0))[..., None]
        target += lean * (moved_before - source)
        if color is not None:
            target += lean * stroke_colour_offset(edited, color, color_mask)
    model = fit_affine(source, target, max(1, round(FIT_RADIUS * n)), FIT_EPS, toward_identity=True)
    if lean is None:
        return model
    # A stroke thinner than the fit's windows is diluted by its surroundings: under the
    # strokes, what the transforms miss at model resolution is added as a smooth offset.
    fitted = np.einsum("hwcg,hwg->hwc", model.a, source) + model.b
    return AffineModel(model.a, (model.b + lean * (target - fitted)).astype(np.float32))


def stroke_colour_offset(edited: np.ndarray, color: np.ndarray, color_mask: np.ndarray) -> np.ndarray:
    """float32 n x n x 3 in [0, 1] units: what brings the edited image's local mean colour under
    the strokes to the painted colour, keeping its texture (its deviation from that mean).
    The generator often gets only part of the way to a stroke's colour (a 64 px manifold has
    few orange skies); on a real photo the user asked for the colour they painted."""
    mask = color_mask.astype(np.float32)
    sigma = STROKE_MEAN_SIGMA * edited.shape[0]
    weight = cv2.GaussianBlur(mask, (0, 0), sigma)[..., None]
    local_mean = cv2.GaussianBlur(edited * mask[..., None], (0, 0), sigma) / np.maximum(weight, 1e-6)
    painted = cv2.GaussianBlur(color.astype(np.float32) / 255 * mask[..., None], (0, 0), sigma)
    painted /= np.maximum(weight, 1e-6)
    return ((painted - local_mean) * (weight > 1e-3)).astype(np.float32)


def extend_beyond_grid(planes: np.ndarray, pad: int) -> np.ndarray:
    """float32 (h + 2 pad, w + 2 pad, K): the planes continued `pad` cells past every edge.
    Just past an edge the edge values carry on; within a third of the way out they give way to
    the edge blurred along itself (a Gaussian of pad / 3 cells), because the edge's cell-to-cell
    detail, repeated outwards over the photo, shows as streaks."""
    planes = np.asarray(planes, np.float32)
    h, w = planes.shape[:2]
    padded = cv2.copyMakeBorder(planes, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    padded = padded.reshape(h + 2 * pad, w + 2 * pad, -1)
    blurred = np.concatenate(
        [cv2.GaussianBlur(np.ascontiguousarray(padded[..., i:i + 4]), (0, 0), max(pad / 3, 0.5),
                          borderType=cv2.BORDER_REPLICATE).reshape(padded.shape[:2] + (-1,))
         for i in range(0, padded.shape[2], 4)], axis=2)
    index_y = np.arange(h + 2 * pad, dtype=np.float32)
    index_x = np.arange(w + 2 * pad, dtype=np.float32)
    out_y = np.maximum(np.maximum(pad - index_y, index_y - (pad + h - 1)), 0)
    out_x = np.maximum(np.maximum(pad - index_x, index_x - (pad + w - 1)), 0)
    t = np.clip(3 * np.hypot(out_y[:, None], out_x[None, :]) / pad, 0, 1)[..., None]
    return (padded * (1 - t) + blurred * t).astype(np.float32)


def _coordinates(region, n: int, top: int, bottom: int, left: int, right: int, pad: int = 0):
    """Grid coordinates (model pixels, centres at i; + pad on a grid extended by pad cells)
    of the photo rows and columns."""
    rx, ry, rw, rh = region
    rows = (np.arange(top, bottom, dtype=np.float64) - ry + 0.5) * (n / rh) - 0.5 + pad
    cols = (np.arange(left, right, dtype=np.float64) - rx + 0.5) * (n / rw) - 0.5 + pad
    return rows, cols


def _fade(rows_px: np.ndarray, cols_px: np.ndarray, region) -> np.ndarray:
    """1 inside the region, falling linearly to 0 EXTEND of its side away from it."""
    rx, ry, rw, rh = region
    margin = max(1.0, EXTEND * min(rw, rh))
    dx = np.maximum(np.maximum(rx - cols_px, cols_px - (rx + rw - 1)), 0)
    dy = np.maximum(np.maximum(ry - rows_px, rows_px - (ry + rh - 1)), 0)
    return np.clip(1 - np.hypot(dy[:, None], dx[None, :]) / margin, 0, 1).astype(np.float32)


def _bounding_box(mask: np.ndarray, region, width: int, height: int):
    """(left, top, right, bottom) photo pixels where the blend weight can be above 0."""
    rx, ry, rw, rh = region
    n = mask.shape[0]
    ys, xs = np.nonzero(mask > 0)
    if len(ys) == 0:
        return None
    # grid sample i influences photo pixels within one grid step of its centre
    sx, sy = rw / n, rh / n
    box = [int(np.floor(rx + (xs.min() - 0.5) * sx)), int(np.floor(ry + (ys.min() - 0.5) * sy)),
           int(np.ceil(rx + (xs.max() + 1.5) * sx)), int(np.ceil(ry + (ys.max() + 1.5) * sy))]
    pad = int(np.ceil(EXTEND * min(rw, rh))) + 1  # an edge value extends: the fade ends it
    if xs.min() == 0:
        box[0] = rx - pad
    if ys.min() == 0:
        box[1] = ry - pad
    if xs.max() == n - 1:
        box[2] = rx + rw + pad
    if ys.max() == n - 1:
        box[3] = ry + rh + pad
    left, top = max(0, box[0]), max(0, box[1])
    right, bottom = min(width, box[2]), min(height, box[3])
    if left >= right or top >= bottom:
        return None
    return left, top, right, bottom


def _apply_strip(photo: np.ndarray, model: AffineModel, mask: np.ndarray, flow: np.ndarray | None,
                 region, pad: int, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """model, mask and flow are on the grid extended by `pad` cells (extend_beyond_grid)."""
    n = mask.shape[0] - 2 * pad
    rows, cols = _coordinates(region, n, top, bottom, left, right, pad)
    rows_px = np.arange(top, bottom, dtype=np.float32)
    cols_px = np.arange(left, right, dtype=np.float32)
    weight = upsample_planes(mask[..., None], rows, cols)[..., 0]
    weight *= _fade(rows_px, cols_px, region)
    source = photo[top:bottom, left:right]
    if flow is not None:
        rx, ry, rw, rh = region
        moved = upsample_planes(flow, rows, cols)
        map_x = cols_px[None, :] - moved[..., 0] * (rw / n) * weight
        map_y = rows_px[:, None] - moved[..., 1] * (rh / n) * weight
        source = cv2.remap(photo, map_x.astype(np.float32), map_y.astype(np.float32),
                           cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    edited = apply_affine(model, source.astype(np.float32) * (1 / 255), rows, cols)
    original = photo[top:bottom, left:right].astype(np.float32)
    edited *= 255
    edited -= original
    edited *= weight[..., None]
    edited += original
    np.clip(edited, 0, 255, out=edited)
    return np.rint(edited, out=edited).astype(np.uint8)
