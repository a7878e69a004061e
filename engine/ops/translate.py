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
"""

from __future__ import annotations

import numpy as np
import torch

from ..checkpoints import Model
from ..errors import UserError
from ..imaging import check_rgb, resize, to_tensor, to_uint8
from ..jobs import CancelToken, Operation, Progress
from ..kinds import TRANSLATION_KINDS, ModelKind
from ._common import check_cancel, check_choice, device_of
from .colorize import colorize, is_colorizer

DIRECTIONS = ("ab", "ba")
PREPARES = ("auto", "none")
MAX_SIDE = 512


def translator(model: Model, direction: str) -> torch.nn.Module:
    model.require_kind(*TRANSLATION_KINDS)
    check_choice("direction", direction, DIRECTIONS)
    if model.kind == ModelKind.PIX2PIX:
        if direction != "ab":
            raise UserError(f"model '{model.name}' is a pix2pix model: it only translates a->b")
        return model.net("generator")
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


def working_size(net: torch.nn.Module, model: Model, width: int, height: int) -> tuple[int, int]:
    """(width, height) to run the network at: its square training size when it has one; else
    (fully convolutional nets) the image's own size, shrunk to at most MAX_SIDE on the long
    side and rounded to a multiple of the net's total stride."""
    config = getattr(net, "config", None)
    depth = int(getattr(config, "depth", 0) or 0)   # a U-Net with a fixed depth: any size
    size = None if depth else getattr(config, "image_size", None) or model.config.get("image_size")
    if isinstance(size, int) and size > 0:
        return size, size
    stride = 2 ** (depth or int(getattr(config, "downs", 4)))
    factor = min(1.0, MAX_SIDE / max(width, height))

    def fit(side: int) -> int:
        return max(stride, int(round(side * factor / stride)) * stride)

    return fit(width), fit(height)


def translate(model: Model, image: np.ndarray, *, direction: str = "ab", prepare: str = "auto",
              token: CancelToken | None = None, hints: np.ndarray | None = None,
              work_side: int | None = None) -> Operation[np.ndarray]:
    """Yields one Progress with the result as preview; returns uint8 of the image's size.
    hints and work_side are for colourising models (engine.ops.colorize)."""
    check_rgb(image, "image")
    check_choice("prepare", prepare, PREPARES)
    net = translator(model, direction)
    if is_colorizer(model):   # its input is the image's lightness, whatever `prepare` says
        return (yield from colorize(model, net, image, hints=hints, side=work_side, token=token))
    if hints is not None:
        raise UserError(f"model '{model.name}' takes no colour hints: only a colourising model does")
    prepared = prepare_input(image, input_transform(model, direction), prepare)
    check_cancel(token)
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
