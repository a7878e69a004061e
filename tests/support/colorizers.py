"""A tiny colourising model saved to disk, whose colour is easy to predict: it paints the
colour hints where they are and leaves everything else grey (a = b = 0). Its architecture is
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


@registry.register("test-hint-echo")
class HintEcho(nn.Module):
    """Input (L, hint a, hint b, mask) -> ab: the hint's colour where the mask is, else grey."""
    Config = HintEchoConfig

    def __init__(self, config: HintEchoConfig):
        super().__init__()
        self.config = config
        self.gain = nn.Parameter(torch.ones(()))

    def forward(self, x):
        hint_ab, mask = x[:, 1:3], x[:, 3:4]
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
