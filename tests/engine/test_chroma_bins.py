"""Chroma as a distribution over ab bins: the bin set, soft targets, the annealed mean."""

import numpy as np
import pytest
import torch

from engine import chroma_bins
from engine.chroma import AB_SCALE, rgb_to_lab
from engine.errors import UserError


def centres() -> torch.Tensor:
    return torch.from_numpy(chroma_bins.bin_centres())


def test_bins_cover_the_srgb_gamut_and_little_else():
    grid = chroma_bins.bin_centres()
    assert (0.0, 0.0) in {tuple(c) for c in grid}
    rng = np.random.default_rng(0)
    colours = rng.integers(0, 256, (1, 2000, 3)).astype(np.uint8)
    ab = rgb_to_lab(colours)[0, :, 1:]
    nearest = np.sqrt(((ab[:, None] - grid[None]) ** 2).sum(-1)).min(1)
    assert nearest.max() <= chroma_bins.SPACING / np.sqrt(2) + 0.5    # every colour has a bin
    full_grid = (2 * chroma_bins.AB_RANGE / chroma_bins.SPACING + 1) ** 2
    assert len(grid) < 0.6 * full_grid                                # out-of-gamut cells dropped


def test_soft_targets_sum_to_one_over_the_nearest_bins_and_read_back():
    ab = torch.tensor([33.0, -44.0]).reshape(1, 2, 1, 1) / AB_SCALE
    target = chroma_bins.soft_targets(ab, centres())
    assert target.sum().item() == pytest.approx(1.0, abs=1e-5)
    assert int((target > 0).sum()) == chroma_bins.NEIGHBOURS
    mean = chroma_bins.annealed_mean(target.clamp_min(1e-12).log(), centres(), 1.0) * AB_SCALE
    assert torch.allclose(mean.flatten(), torch.tensor([33.0, -44.0]), atol=3.0)


def test_annealed_mean_leans_to_the_likelier_colour_as_the_temperature_falls():
    """Blue sky 60 %, orange sunset 40 %: the mean (T = 1) is a greyish blend; the annealed
    mean leans to the blue (to 74 %); the target used to train is what the readout recovers."""
    grid = centres()
    blue = int(torch.cdist(torch.tensor([[0.0, -40.0]]), grid).argmin())
    orange = int(torch.cdist(torch.tensor([[30.0, 50.0]]), grid).argmin())
    logits = torch.full((1, len(grid), 1, 1), -30.0)
    logits[0, blue], logits[0, orange] = np.log(0.6), np.log(0.4)
    mean = chroma_bins.annealed_mean(logits, grid, 1.0).flatten() * AB_SCALE
    annealed = chroma_bins.annealed_mean(logits, grid, chroma_bins.TEMPERATURE).flatten() * AB_SCALE
    to_blue = lambda ab: float((ab - grid[blue]).norm())  # noqa: E731
    assert to_blue(annealed) < 0.7 * to_blue(mean)         # 74 % blue, not 60 %
    assert float(mean.norm()) < float(annealed.norm())     # the plain mean is the greyer one


def test_cross_entropy_is_lowest_for_the_logits_of_the_target():
    ab = torch.rand(2, 2, 8, 8) * 0.6 - 0.3
    grid = centres()
    right = chroma_bins.soft_targets(torch.nn.functional.avg_pool2d(ab, 2), grid)
    good = chroma_bins.cross_entropy(right.clamp_min(1e-6).log(), ab, grid)
    flat = chroma_bins.cross_entropy(torch.zeros(2, len(grid), 4, 4), ab, grid)
    assert good < flat


@pytest.mark.parametrize("entry,message", [
    ("bins", "must be an object"),
    ({"spacing": 10.0, "temperature": 0.38, "count": 12}, "count"),
    ({"spacing": 10.0, "temperature": -1, "count": 261}, "temperature"),
    ({"spacing": 0.5, "temperature": 0.38, "count": 261}, "spacing"),
])
def test_a_damaged_bins_entry_is_refused_with_a_reason(entry, message):
    with pytest.raises(UserError, match=message):
        chroma_bins.check_config(entry)
    good = chroma_bins.config_entry()
    grid, temperature = chroma_bins.check_config(good)
    assert len(grid) == good["count"] and temperature == chroma_bins.TEMPERATURE
