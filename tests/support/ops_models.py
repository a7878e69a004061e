"""Models for the operation tests: the trained tiny gan, loaded per test (tests may remove
its networks), and in-memory stand-ins for sr and translation models whose effect is easy
to predict. Tests import the fixtures they use from here.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn

from engine import checkpoints
from engine.checkpoints import Model


@pytest.fixture
def one_thread():
    """Tiny nets run many times faster on one torch thread than on two cores that other
    processes also use (each op's thread barrier waits for a descheduled thread)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def gan(tiny_gan) -> Model:
    """The trained tiny gan (tests/support/models.py), freshly loaded for each test."""
    return checkpoints.load_model(tiny_gan, device="cpu")


class NearestUpscaler(nn.Module):
    """A stand-in sr network: nearest x scale, then a 3x3 conv (receptive-field radius 1)."""

    def __init__(self, scale: int = 2):
        super().__init__()
        self.up = nn.Upsample(scale_factor=scale, mode="nearest")
        self.conv = nn.Conv2d(3, 3, 3, 1, 1)
        torch.manual_seed(0)
        nn.init.normal_(self.conv.weight, 0.0, 0.1)

    def forward(self, x):
        return torch.tanh(self.conv(self.up(x)))


def sr_model(scale: int = 2) -> Model:
    return Model(folder=None, config={"kind": "sr", "name": "test-sr", "scale": scale},
                 networks={"sr": NearestUpscaler(scale).eval()})


class Inverter(nn.Module):
    """A stand-in translator: negates the image (so its effect is easy to check)."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(-1.0))

    def forward(self, x):
        return x * self.scale


def translator_model(kind: str = "pix2pix", size: int = 16, transform: str = "none") -> Model:
    roles = ["generator"] if kind == "pix2pix" else ["generator_ab", "generator_ba"]
    return Model(folder=None, config={"kind": kind, "name": f"test-{kind}", "image_size": size,
                                      "input_transform": transform},
                 networks={role: Inverter().eval() for role in roles})
