"""Dataclasses for every network and job. A network's config is stored beside its weights."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from .errors import UserError

IMAGE_SIZES = (16, 32, 64, 128, 256)  # 16 is for tests; the product uses 32-256
NORMS = ("batch", "instance", "none")
UPSAMPLES = ("resize", "transpose")
SPATIAL_LAYOUTS = ("map", "broadcast")  # SpatialGeneratorConfig.layout


def _check_choice(what: str, value: str, choices: tuple) -> None:
    if value not in choices:
        raise UserError(f"{what} must be one of {', '.join(map(str, choices))}, got {value!r}")


def _check_positive(what: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise UserError(f"{what} must be a positive whole number, got {value!r}")


def num_doublings(image_size: int, base: int = 4) -> int:
    return int(round(math.log2(image_size // base)))


@dataclass
class GeneratorConfig:
    """DCGAN-style generator: z -> 4x4 -> doubled until image_size."""
    image_size: int = 64
    z_dim: int = 100
    width: int = 32            # channels of the last hidden layer (DCGAN's ngf)
    max_width: int = 512
    norm: str = "batch"
    upsample: str = "resize"   # resize-then-conv avoids checkerboard artifacts
    z_prior: str = "uniform"   # z ~ U[-1, 1]^z_dim, as iGAN

    def validate(self) -> None:
        _check_choice("image_size", self.image_size, IMAGE_SIZES)
        _check_positive("z_dim", self.z_dim)
        _check_positive("width", self.width)
        _check_positive("max_width", self.max_width)
        _check_choice("norm", self.norm, NORMS)
        _check_choice("upsample", self.upsample, UPSAMPLES)
        _check_choice("z_prior", self.z_prior, ("uniform",))


@dataclass
class DiscriminatorConfig:
    """DCGAN-style down path: image_size -> 4x4, doubling channels from `width`."""
    image_size: int = 64
    width: int = 32
    max_width: int = 512
    norm: str = "batch"

    def validate(self) -> None:
        _check_choice("image_size", self.image_size, IMAGE_SIZES)
        _check_positive("width", self.width)
        _check_positive("max_width", self.max_width)
        _check_choice("norm", self.norm, NORMS)


@dataclass
class EncoderConfig(DiscriminatorConfig):
    """The discriminator's down path, then a linear map to z."""
    z_dim: int = 100

    def validate(self) -> None:
        super().validate()
        _check_positive("z_dim", self.z_dim)


@dataclass
class HOGConfig:
    cell_size: int = 8
    bins: int = 9

    def validate(self) -> None:
        _check_positive("cell_size", self.cell_size)
        _check_positive("bins", self.bins)


def config_to_dict(config: Any) -> dict:
    return dataclasses.asdict(config)


def config_from_dict(cls: type, data: dict) -> Any:
    """Build a config dataclass from a dict; unknown or mistyped keys raise a clear error."""
    if not isinstance(data, dict):
        raise UserError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise UserError(f"{cls.__name__}: unknown setting(s) {', '.join(unknown)}; "
                        f"known: {', '.join(names)}")
    defaults = cls()
    for key, value in data.items():
        expected = type(getattr(defaults, key))
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise UserError(f"{cls.__name__}.{key}: expected {expected.__name__}, "
                            f"got {type(value).__name__} {value!r}")
    config = cls(**data)
    validate = getattr(config, "validate", None)
    if validate is not None:
        validate()
    return config


@dataclass
class SpatialGeneratorConfig:
    """Spatial-latent generator: one global code plus a grid x grid map of local codes.

    The latent stays one flat vector (global first, then the local map in C-H-W order) with
    the same uniform prior, so every op, the encoder and projects treat it like DCGAN's z.
    """
    image_size: int = 64
    global_dim: int = 32
    local_dim: int = 8          # channels of each grid cell's code
    grid: int = 4               # cells per side; the 4x4 start map of the generator
    width: int = 32
    max_width: int = 512
    norm: str = "batch"
    upsample: str = "transpose"
    inject_levels: int = 2      # the local map is added again at up to this many finer resolutions
    z_prior: str = "uniform"
    # "map": the global code is projected to the whole 4x4 start map, so it can lay the scene
    # out by itself (scenes64 learned to: its local codes move the image by ~2 grey levels, the
    # global one by ~69). "broadcast": the global code gives one vector for every cell, so
    # where things are can only come from the local codes.
    layout: str = "map"

    @property
    def z_dim(self) -> int:
        return self.global_dim + self.local_dim * self.grid * self.grid

    def validate(self) -> None:
        _check_choice("image_size", self.image_size, IMAGE_SIZES)
        for name in ("global_dim", "local_dim", "width", "max_width"):
            _check_positive(name, getattr(self, name))
        _check_choice("grid", self.grid, (4,))
        if not isinstance(self.inject_levels, int) or not 0 <= self.inject_levels <= 4:
            raise UserError(f"inject_levels must be 0..4, got {self.inject_levels!r}")
        _check_choice("norm", self.norm, NORMS)
        _check_choice("upsample", self.upsample, UPSAMPLES)
        _check_choice("z_prior", self.z_prior, ("uniform",))
        _check_choice("layout", self.layout, SPATIAL_LAYOUTS)


@dataclass
class StyleGeneratorConfig:
    """StyleGAN-like generator: a mapping network z -> w, then a learned 4x4 constant grown by
    style-modulated 3x3 convolutions (one per resolution) to image_size. No noise inputs: an
    op must get the same image for the same latent. The latent the ops see is z, with the
    same uniform prior as the other generators; w is internal."""
    image_size: int = 64
    z_dim: int = 128
    w_dim: int = 128
    mapping_layers: int = 4
    width: int = 32
    max_width: int = 256
    z_prior: str = "uniform"

    def validate(self) -> None:
        _check_choice("image_size", self.image_size, IMAGE_SIZES)
        for name in ("z_dim", "w_dim", "mapping_layers", "width", "max_width"):
            _check_positive(name, getattr(self, name))
        _check_choice("z_prior", self.z_prior, ("uniform",))


@dataclass
class SpatialDiscriminatorConfig(DiscriminatorConfig):
    """DCGAN's down path judged twice: as a whole (4x4 head) and per patch (8x8 map)."""
