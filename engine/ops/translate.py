"""Image-to-image translation with a pix2pix (paired) or cyclegan (unpaired) model.

A colourising model (input_transform "gray") goes through engine.ops.colorize instead:
colour is predicted at a working size and carried to the full photo in chroma only, the
photo's own lightness kept. Otherwise the image is resized to the model's square resolution (a U-Net's image_size), translated,
and resized back to its own size (so the aspect ratio survives). A network without a fixed
size (CycleGAN's ResNet, a U-Net with a fixed depth) runs at the image's own size, at most MAX_SIDE pixels on the long
side, rounded to a multiple of its stride. With prepare="auto", a pix2pix model's input
transform (config "input_transform": "edges" or "gray", see engine.pairs.make_input) is
applied first, unless the image already looks like such an input: for "edges" a
black-and-white drawing (grey, nearly all pixels near black or white), for "gray" an image
whose channels are equal. prepare="none" passes the image as it is.

A translator whose domains differ in colour only (config "output": "chroma", e.g. a
CycleGAN between green and warm foliage) changes a photo the way colourisation does: the
network runs on the photo shrunk to a working size (work_side, default
colorize.WORK_SIDE on the long side), only the chroma (Lab a, b) of its answer is kept,
and that chroma is carried to the full photo by guided upsampling with the photo's own
lightness as guide (colorize.carry_chroma). So the result has the photo's size, detail
and lightness, and the network's colours. lightness="keep" does this for any translator,
lightness="model" never (the network's RGB, resized back), "auto" follows the config.
"""

from __future__ import annotations

import numpy as np
import torch

from ..checkpoints import Model
from ..chroma import rgb_to_lab
from ..errors import UserError
from ..imaging import check_rgb, resize, to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from ..kinds import TRANSLATION_KINDS, ModelKind
from ._common import check_cancel, check_choice, device_of
from .colorize import carry_chroma, check_work_side, colorize, is_colorizer, lightness8

DIRECTIONS = ("ab", "ba")
PREPARES = ("auto", "none")
LIGHTNESS = ("auto", "keep", "model")
MAX_SIDE = 512


def translator(model: Model, direction: str) -> torch.nn.Module:
    model.require_kind(*TRANSLATION_KINDS)
    check_choice("direction", direction, DIRECTIONS)
    if model.kind == ModelKind.PIX2PIX:
        if direction != "ab":
            raise UserError(f"model '{model.name}' is a pix2pix model: it only translates a->b")
        return model.generator()   # the EMA weights where the run kept them (train --ema)
    return model.net("generator_" + direction)


def input_transform(model: Model, direction: str) -> str:
    if model.kind != ModelKind.PIX2PIX or direction != "ab":
        return "none"
    return str(model.config.get("input_transform", "none"))


def looks_like_drawing(image: np.ndarray) -> bool:
    """Grey and two-valued: at least 95 % of pixels near black or near white."""
    spread = image.max(axis=2).astype(np.int16) - image.min(axis=2)
    if np.mean(spread > 24) > 0.01:
        return False
    grey = image.mean(axis=2)
    return float(np.mean((grey < 64) | (grey > 191))) >= 0.95


def looks_grey(image: np.ndarray) -> bool:
    spread = image.max(axis=2).astype(np.int16) - image.min(axis=2)
    return float(np.mean(spread > 8)) <= 0.01


def prepare_input(image: np.ndarray, transform: str, prepare: str) -> np.ndarray:
    if prepare == "none" or transform == "none":
        return image
    if transform == "edges" and looks_like_drawing(image):
        return image
    if transform == "gray" and looks_grey(image):
        return image
    from ..pairs import make_input  # the trainer's pairing rules: the same transform it used
    return make_input(transform, image)


def keeps_lightness(model: Model, lightness: str = "auto") -> bool:
    """Whether a translation keeps the image's lightness and takes only the net's chroma."""
    check_choice("lightness", lightness, LIGHTNESS)
    if lightness == "auto":
        return model.config.get("output") == "chroma"
    return lightness == "keep"


def working_size(net: torch.nn.Module, model: Model, width: int, height: int,
                 max_side: int = MAX_SIDE) -> tuple[int, int]:
    """(width, height) to run the network at: its square training size when it has one; else
    (fully convolutional nets) the image's own size, shrunk to at most `max_side` on the long
    side and rounded to a multiple of the net's total stride."""
    config = getattr(net, "config", None)
    depth = int(getattr(config, "depth", 0) or 0)   # a U-Net with a fixed depth: any size
    size = None if depth else getattr(config, "image_size", None) or model.config.get("image_size")
    if isinstance(size, int) and size > 0:
        return size, size
    stride = 2 ** (depth or int(getattr(config, "downs", 4)))
    factor = min(1.0, max_side / max(width, height))

    def fit(side: int) -> int:
        return max(stride, int(round(side * factor / stride)) * stride)

    return fit(width), fit(height)


def translate(model: Model, image: np.ndarray, *, direction: str = "ab", prepare: str = "auto",
              token: CancelToken | None = None, hints: np.ndarray | None = None,
              work_side: int | None = None, lightness: str = "auto") -> Operation[np.ndarray]:
    """Yields one Progress with the result as preview; returns uint8 of the image's size.
    hints are for colourising models (engine.ops.colorize); work_side for those and for a
    translation that keeps the image's lightness (`lightness`, see the module's text)."""
    check_rgb(image, "image")
    check_choice("prepare", prepare, PREPARES)
    net = translator(model, direction)
    if is_colorizer(model):   # its input is the image's lightness, whatever `prepare` says
        return (yield from colorize(model, net, image, hints=hints, side=work_side, token=token))
    if hints is not None:
        raise UserError(f"model '{model.name}' takes no colour hints: only a colourising model does")
    prepared = prepare_input(image, input_transform(model, direction), prepare)
    check_cancel(token)
    if keeps_lightness(model, lightness):
        return (yield from recolour(model, net, image, prepared, work_side, token))
    height, width = image.shape[:2]
    run_w, run_h = working_size(net, model, width, height)
    small = np.array(prepared) if prepared.shape[:2] == (run_h, run_w) \
        else resize(prepared, run_w, run_h)
    with torch.inference_mode():
        result = to_uint8(net(to_tensor(small, device_of(net))))[0]
    if result.shape[:2] != (height, width):
        result = resize(result, width, height)
    yield Progress(1, 1, "translating", result)
    return result


def recolour(model: Model, net: torch.nn.Module, image: np.ndarray, prepared: np.ndarray,
             side: int | None, token: CancelToken | None) -> Operation[np.ndarray]:
    """The image's own lightness with the chroma the network gives at the working size."""
    height, width = image.shape[:2]
    L8 = lightness8(image)
    run_w, run_h = working_size(net, model, width, height, check_work_side(side))
    small = np.array(prepared) if prepared.shape[:2] == (run_h, run_w) \
        else resize(prepared, run_w, run_h)
    with torch.inference_mode():
        out = to_uint8(net(to_tensor(small, device_of(net))))[0]
    check_cancel(token)
    result = carry_chroma(L8, np.ascontiguousarray(rgb_to_lab(out)[..., 1:]))
    yield Progress(1, 1, "translating", result)
    return result
