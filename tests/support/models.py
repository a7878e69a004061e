"""Tiny model folders for tests, built (and where needed trained) by the tests themselves."""

from __future__ import annotations

import pytest

from engine import checkpoints, registry
from engine.config import DiscriminatorConfig, EncoderConfig, GeneratorConfig


def build_untrained_gan(folder, size: int = 16, z_dim: int = 8, width: int = 8):
    """A randomly initialised gan model folder (G, EMA G, D, E): for shapes and I/O tests."""
    g = registry.build("dcgan_generator", GeneratorConfig(image_size=size, z_dim=z_dim, width=width))
    d = registry.build("dcgan_discriminator", DiscriminatorConfig(image_size=size, width=width))
    e = registry.build("dcgan_encoder", EncoderConfig(image_size=size, z_dim=z_dim, width=width))
    return checkpoints.save_model(folder, "gan", {"generator": g, "generator_ema": g,
                                                  "discriminator": d, "encoder": e},
                                  card="# tiny\n\nAn untrained test model.\n")


@pytest.fixture
def untrained_gan(tmp_path):
    return build_untrained_gan(tmp_path / "tiny-untrained")
