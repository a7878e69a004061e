"""A tiny colourising model saved to disk, whose colour is easy to predict: it paints the
colour hints where they are, spread over the few pixels around each (the editor passes a
painted stroke as sparse dots, engine.ops.colorize.HINT_CELL, as a trained colouriser
propagates them), and leaves everything else grey (a = b = 0). Its architecture is
registered for the tests only ("test-hint-echo"), so the editor and the CLI load it from its
folder like any model."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import torch
import torch.nn as nn

from engine import checkpoints, registry


@dataclass
class HintEchoConfig:
    depth: int = 2     # fully convolutional: any size that is a multiple of 4


def spread_hints(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(hint ab, mask) of a colouriser's input, each hint spread over the pixels within
    HINT_CELL of it (the mean colour of the hints there)."""
    from engine.ops.colorize import HINT_CELL
    hint_ab, mask = x[:, 1:3], x[:, 3:4]
    side = 2 * HINT_CELL + 1
    weight = nn.functional.avg_pool2d(mask, side, 1, HINT_CELL)
    ab = nn.functional.avg_pool2d(hint_ab * mask, side, 1, HINT_CELL) / weight.clamp_min(1e-6)
    return ab, (weight > 0).float()


@registry.register("test-hint-echo")
class HintEcho(nn.Module):
    """Input (L, hint a, hint b, mask) -> ab: the hint's colour where the mask is, else grey."""
    Config = HintEchoConfig

    def __init__(self, config: HintEchoConfig):
        super().__init__()
        self.config = config
        self.gain = nn.Parameter(torch.ones(()))

    def forward(self, x):
        hint_ab, mask = spread_hints(x)
        return self.gain * mask * hint_ab


@pytest.fixture(scope="session")
def tiny_colorizer(tmp_path_factory):
    net = registry.build("test-hint-echo", {})
    return checkpoints.save_model(tmp_path_factory.mktemp("tiny-colorizer") / "tiny-colorizer",
                                  "pix2pix", {"generator": net},
                                  extra={"input_transform": "gray", "output": "lab_ab",
                                         "hints": True},
                                  card="# tiny-colorizer\n\nPaints the colour hints, nothing "
                                       "else (a test model).\n")
