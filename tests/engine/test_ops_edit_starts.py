"""Where the edit starts: the best of a pool of prior samples."""

import dataclasses

import numpy as np
import pytest
import torch

from engine.jobs import drive
from engine.ops._common import seeded_uniform
from engine.ops.edit import edit
from engine.ops.start_search import best_of_pool
from engine.ops.types import EditConstraints, EditSettings
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


class _MeanGenerator(torch.nn.Module):
    """An image whose grey level is the latent's mean: the cost below ranks latents exactly."""
    z_dim = 4

    def forward(self, z):
        return z.mean(1)[:, None, None, None].expand(-1, 3, 2, 2)


def test_pool_keeps_the_lowest_cost_samples_in_order():
    cost_of = lambda x: (x - 0.3).pow(2).flatten(1).mean(1)  # noqa: E731
    kept = best_of_pool(_MeanGenerator(), cost_of, 200, 5, seed=7, device=torch.device("cpu"))
    pool = seeded_uniform((200, 4), 7, torch.device("cpu"))
    expected = pool[torch.argsort((pool.mean(1) - 0.3).pow(2))[:5]]
    assert torch.equal(kept, expected)


def _first_cost(model, constraints, settings):
    costs = []
    drive(edit(model, constraints, z0=None, settings=settings), lambda p: costs.append(p.metrics["cost"]))
    return costs[0]


def test_starting_from_the_pool_begins_nearer_the_strokes(gan):
    mask = np.zeros((16, 16), bool)
    mask[:5] = True
    color = np.zeros((16, 16, 3), np.uint8)
    color[:5] = (30, 60, 230)
    constraints = EditConstraints(color=color, color_mask=mask)
    settings = EditSettings(starts=4, candidates=2, steps=1, plateau=0)
    pooled = _first_cost(gan, constraints, dataclasses.replace(settings, pool=256))
    plain = _first_cost(gan, constraints, dataclasses.replace(settings, pool=0))
    assert pooled < plain
