"""Colourise a photo at its own size: colour is predicted small, lightness is the photo's.

The model sees the photo's CIE Lab lightness at a working size (WORK_SIDE on the long
side: chroma needs context, not resolution, and the eye resolves colour far more coarsely
than lightness), predicts chroma ab there, and the chroma is brought to the full photo by
joint guided upsampling with the photo's own lightness as guide (engine.ops.guided's local
affine fit, ab ~ A * L + B per window), so colour edges snap to the photo's edges. The
result is (photo L, upsampled ab): lightness is kept up to rounding and clipping of
out-of-gamut colours. At full size everything is OpenCV on 8-bit Lab (its L is scaled to
0-255, a and b offset by 128) and single-channel float planes: a 12 MP photo's full-size
work is a few passes over memory (float Lab and strided numpy views took 10 s).

Two kinds of model colourise: one trained by `train pix2pix --pairs gray` now (config
"output": "lab_ab": input L plus hint channels, output ab, fully convolutional; with
"chroma_bins" in its config it outputs a distribution over ab bins instead, read out by
the annealed mean, engine.chroma_bins), and the
older RGB -> RGB kind (a fixed-size U-Net), whose output's chroma is used and its
lightness dropped.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from .. import chroma_bins
from ..chroma import AB_SCALE, HINT_CHANNELS, net_lightness, rgb_to_lab
from ..checkpoints import Model
from ..errors import UserError
from ..imaging import check_rgb, resize, to_tensor
from ..pairs import gray
from ..jobs import CancelToken, Operation, Progress
from ..kinds import ModelKind
from ._common import check_cancel, device_of
from .guided import fit_affine

WORK_SIDE = 256
# Guided upsampling window (working-size pixels) and regulariser (lightness in [0, 1],
# squared): small enough that colour follows the photo's edges, large enough that texture
# in the lightness does not turn into colour noise.
GUIDE_RADIUS = 2
GUIDE_EPS = 1e-3


def is_colorizer(model: Model) -> bool:
    return model.kind == ModelKind.PIX2PIX and model.config.get("input_transform") == "gray"


def predicts_ab(model: Model) -> bool:
    return model.config.get("output") == "lab_ab"


def bins_readout(model: Model, net: torch.nn.Module) -> tuple[torch.Tensor, float] | None:
    """(bin centres, temperature) of a colouriser that predicts ab bins, else None;
    UserError if its config does not match its network."""
    entry = model.config.get("chroma_bins")
    if entry is None:
        return None
    centres, temperature = chroma_bins.check_config(entry)
    outputs = getattr(getattr(net, "config", None), "out_channels", None)
    if outputs != len(centres):
        raise UserError(f"model '{model.name}' is damaged: its network has {outputs} outputs "
                        f"but its config names {len(centres)} colour bins")
    return torch.from_numpy(centres).to(device_of(net)), temperature


def check_work_side(side: int | None) -> int:
    """The long side a colour network runs at: WORK_SIDE unless given, at least 16."""
    side = WORK_SIDE if side is None else side
    if not isinstance(side, int) or isinstance(side, bool) or side < 16:
        raise UserError(f"the working size must be a whole number of at least 16 pixels, got {side!r}")
    return side


def lightness8(image: np.ndarray) -> np.ndarray:
    """uint8 HxW: the image's CIE Lab lightness as OpenCV stores it (the guide and the kept L)."""
    return cv2.extractChannel(cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2LAB), 0)


def work_size(net: torch.nn.Module, model: Model, width: int, height: int,
              side: int | None) -> tuple[int, int]:
    """(width, height) the network runs at: a legacy U-Net's square size, else the photo
    shrunk to `side` on its long side (never enlarged), each a multiple of the net's stride."""
    config = getattr(net, "config", None)
    if not predicts_ab(model):
        size = int(getattr(config, "image_size", 0) or model.config.get("image_size", 64))
        return size, size
    side = check_work_side(side)
    stride = 2 ** int(getattr(config, "depth", 0) or 4)
    factor = min(1.0, side / max(width, height))

    def fit(n: int) -> int:
        return max(stride, int(round(n * factor / stride)) * stride)

    return fit(width), fit(height)


# The network learned from sparse dots (engine.chroma.sample_hints: patches of 1-5 px a
# side). A painted stroke covers hundreds of working pixels, and given that densely the
# network overshoots into colours far beyond the stroke's (a sky-blue stroke, ab (3, -41),
# across Kite's grey sky came out magenta, (84, -92)). So a hint region larger than the
# largest training patch (HINT_PATCH_AREA) reaches the network as single pixels, one per
# HINT_CELL x HINT_CELL cell it touches; dots as small as the training patches stay as they
# are (thinning those too lost most of what 20 dots give: 0.62 -> 0.81 of grey). The cell
# trades overshoot against reach: cells of 1 / 2 / 3 / 4 / 5 px give that stroke (84, -92) /
# (49, -86) / (20, -55) / (11, -45) / (7, -38), and two pale-sky strokes on China's sky a
# chroma error of 17.8 / 18.3 / 20.2 / 20.4 / 23.3 (none: 26.9).
HINT_CELL = 4
HINT_PATCH_AREA = 25


def shrink_hints(hints: np.ndarray, width: int, height: int) -> np.ndarray:
    """Full-size (a, b, mask) hints -> working size; a stroke thinner than a working pixel
    still counts there (mask > 0), with its mean colour; large regions are thinned (HINT_CELL)."""
    mask = cv2.resize(hints[..., 2], (width, height), interpolation=cv2.INTER_AREA)
    ab = cv2.resize(hints[..., :2] * hints[..., 2:], (width, height), interpolation=cv2.INTER_AREA)
    small = np.zeros((height, width, HINT_CHANNELS), np.float32)
    ys, xs = sparse_hint_pixels(mask > 1e-6)
    small[ys, xs, :2] = ab[ys, xs] / mask[ys, xs, None]
    small[ys, xs, 2] = 1.0
    return small


def sparse_hint_pixels(hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) the network gets hints at: every pixel of a small region of `hit`,
    one per cell of a large one. Hint pixels within HINT_CELL - 1 of each other count as one
    region (a row of dots is as dense as a stroke)."""
    mask = hit.astype(np.uint8)
    near = cv2.dilate(mask, np.ones((HINT_CELL, HINT_CELL), np.uint8))
    _, labels = cv2.connectedComponents(near, connectivity=8)
    area = np.bincount(labels[hit], minlength=labels.max() + 1)
    large = np.flatnonzero(area > HINT_PATCH_AREA)
    if len(large) == 0:
        return np.nonzero(hit)
    big = np.isin(labels, large) & hit
    small_ys, small_xs = np.nonzero(hit & ~big)
    big_ys, big_xs = thinned(big)
    return np.r_[small_ys, big_ys], np.r_[small_xs, big_xs]


def thinned(hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of one pixel of `hit` per HINT_CELL x HINT_CELL cell that has any: the
    one nearest the cell's centre."""
    ys, xs = np.nonzero(hit)
    cells = (ys // HINT_CELL) * (hit.shape[1] // HINT_CELL + 1) + xs // HINT_CELL
    centre = (HINT_CELL - 1) / 2
    distance = (ys % HINT_CELL - centre) ** 2 + (xs % HINT_CELL - centre) ** 2
    order = np.lexsort((distance, cells))
    _, first = np.unique(cells[order], return_index=True)
    return ys[order[first]], xs[order[first]]


def predict_chroma(model: Model, net: torch.nn.Module, L8: np.ndarray, image: np.ndarray,
                   hints: np.ndarray | None, side: int | None) -> np.ndarray:
    """float32 h x w x 2 ab at the working size, from the photo's 8-bit lightness."""
    height, width = L8.shape[:2]
    run_w, run_h = work_size(net, model, width, height, side)
    device = device_of(net)
    if predicts_ab(model):
        L = cv2.resize(L8, (run_w, run_h), interpolation=cv2.INTER_AREA).astype(np.float32) \
            * (100.0 / 255.0)
        small_hints = shrink_hints(hints, run_w, run_h) if hints is not None \
            else np.zeros((run_h, run_w, HINT_CHANNELS), np.float32)
        x = np.concatenate([net_lightness(L)[..., None], small_hints], axis=2)
        x = torch.from_numpy(x.transpose(2, 0, 1)[None].copy()).to(device)
        readout = bins_readout(model, net)
        with torch.inference_mode():
            out = net(x)
            if readout is not None:
                out = chroma_bins.decode(out, *readout, size=(run_h, run_w))
            out = out[0].float().cpu().numpy()
        return np.ascontiguousarray(out.transpose(1, 2, 0)) * AB_SCALE
    if hints is not None:
        raise UserError(f"model '{model.name}' takes no colour hints (it was trained without them)")
    with torch.inference_mode():
        out = net(to_tensor(resize(gray(image), run_w, run_h), device))[0]
    rgb = ((out.float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).cpu().numpy()
    return rgb_to_lab(rgb)[..., 1:]


def colorize(model: Model, net: torch.nn.Module, image: np.ndarray, *,
             hints: np.ndarray | None = None, side: int | None = None,
             token: CancelToken | None = None) -> Operation[np.ndarray]:
    """`image`'s own lightness (a grey photo's, or a colour photo's) with predicted colour.
    hints: float32 HxWx3 (a, b, mask) at the image's size (engine.chroma), or None."""
    check_rgb(image, "image")
    height, width = image.shape[:2]
    if hints is not None and (hints.ndim != 3 or hints.shape != (height, width, HINT_CHANNELS)):
        raise UserError(f"colour hints must be {height}x{width}x{HINT_CHANNELS}, got {hints.shape}")
    L8 = lightness8(image)
    ab_small = predict_chroma(model, net, L8, image, hints, side)
    check_cancel(token)
    result = carry_chroma(L8, ab_small)
    yield Progress(1, 1, "colourising", result)
    return result


def carry_chroma(L8: np.ndarray, ab_small: np.ndarray) -> np.ndarray:
    """uint8 RGB of the full-size 8-bit lightness with the small chroma upsampled onto it."""
    height, width = L8.shape
    h, w = ab_small.shape[:2]
    guide = cv2.resize(L8, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    model = fit_affine(guide, ab_small, GUIDE_RADIUS, GUIDE_EPS)
    L = L8.astype(np.float32)
    channels = [L8]
    for c in range(2):
        # bilinear with pixel centres aligned, like guided.apply_affine, one plane at a time
        slope = cv2.resize(np.ascontiguousarray(model.a[..., c, 0]) / 255.0, (width, height),
                           interpolation=cv2.INTER_LINEAR)
        offset = cv2.resize(np.ascontiguousarray(model.b[..., c]) + 128.0, (width, height),
                            interpolation=cv2.INTER_LINEAR)
        value = cv2.add(cv2.multiply(slope, L), offset)
        channels.append(cv2.convertScaleAbs(np.clip(value, 0, 255, out=value)))
    return cv2.cvtColor(cv2.merge(channels), cv2.COLOR_LAB2RGB)
