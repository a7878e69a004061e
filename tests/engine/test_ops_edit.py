import dataclasses

import numpy as np
import pytest
import torch

from engine.errors import UserError
from engine.jobs import drive
from engine.ops.constraints import paste_warps
from engine.ops.edit import edit, initial_latents
from engine.ops.generate import generate, random_z
from engine.ops.types import EditConstraints, EditSettings, Warp
from support.cancelling import run_cancelled_at
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")

FAST = EditSettings(starts=8, candidates=4, steps=30, preview_every=10, plateau=0)


def start(model, seed=1):
    generator = model.generator()
    z0 = random_z(generator, 1, seed)[0]
    return z0, generate(generator, z0)


def redness(images, mask):
    rgb = images.astype(float)[..., mask, :]
    return float(np.mean(rgb[..., 0] - (rgb[..., 1] + rgb[..., 2]) / 2))


def edge_energy(image, mask):
    grey = image.astype(float).mean(axis=2)
    gy, gx = np.gradient(grey)
    return float(np.hypot(gx, gy)[mask].mean())


def test_red_stroke_on_top_rows_makes_them_redder_and_changes_the_rest_less(gan):
    mask = np.zeros((16, 16), bool)
    mask[:4] = True
    color = np.zeros((16, 16, 3), np.uint8)
    color[..., 0] = 230
    gains, inside, outside = [], [], []
    for seed in (0, 2, 3):  # a few start images: the tiny model entangles sky and ground
        z0, before = start(gan, seed)
        result = drive(edit(gan, EditConstraints(color=color, color_mask=mask), z0=z0, settings=FAST))
        best = result.images[0]
        gains.append(redness(best, mask) - redness(before, mask))
        change = np.abs(best.astype(float) - before).mean(axis=2)
        inside.append(change[mask].mean())
        outside.append(change[~mask].mean())
    assert min(gains) > 20
    assert np.mean(outside) < np.mean(inside)


def test_sketch_stroke_raises_edge_energy_along_it(gan):
    line = np.zeros((16, 16), bool)
    line[8, 2:14] = True  # a horizon: an edge this scene model can draw
    near = np.zeros((16, 16), bool)
    near[7:10, 2:14] = True
    ratios = []
    for seed in (0, 2, 3):
        z0, before = start(gan, seed)
        result = drive(edit(gan, EditConstraints(sketch_mask=line), z0=z0, settings=EditSettings(starts=8)))
        ratios.append(edge_energy(result.images[0], near) / edge_energy(before, near))
    assert np.mean(ratios) > 1.2 and min(ratios) > 0.9


def test_warp_moves_the_patch_toward_its_target(gan):
    z0, before = start(gan, seed=4)
    warp = Warp(x0=5, y0=5, x1=11, y1=11, size=6)
    result = drive(edit(gan, EditConstraints(warps=[warp]), z0=z0, settings=FAST))
    source = before[2:8, 2:8].astype(float)

    def distance(image):
        return np.mean((image[8:14, 8:14].astype(float) - source) ** 2)

    assert distance(result.images[0]) < 0.7 * distance(before)


def test_paste_warps_moves_a_patch_and_clips_at_the_border():
    images = np.arange(2 * 8 * 8 * 3, dtype=np.uint8).reshape(2, 8, 8, 3)
    target, mask = paste_warps(images, [Warp(2, 2, 7, 2, 4)])
    assert mask[0:4, 5:8].all() and mask.sum() == 12
    assert np.array_equal(target[:, 0:4, 5:8], images[:, 0:4, 0:3])
    assert np.array_equal(target[:, ~mask], images[:, ~mask])


def test_results_are_ranked_with_previews_of_the_best(gan):
    z0, _ = start(gan)
    mask = np.zeros((16, 16), bool)
    mask[10:, :] = True
    color = np.full((16, 16, 3), 40, np.uint8)
    seen = []
    result = drive(edit(gan, EditConstraints(color=color, color_mask=mask), z0=z0, settings=FAST),
                   seen.append)
    assert result.z.shape == (4, 8) and result.images.shape == (4, 16, 16, 3)
    assert result.costs.shape == (4,) and np.all(np.diff(result.costs) >= 0)
    assert np.abs(result.z).max() <= 1 and result.steps == 30
    assert [p.step for p in seen if p.preview is not None] == [1, 10, 20, 30]  # first at once
    assert np.array_equal(seen[-1].preview, result.images[0])
    assert seen[-1].metrics["cost"] == pytest.approx(float(result.costs[0]), rel=1e-5)


def test_starts_include_z0_then_growing_perturbations():
    z0 = torch.full((1, 8), 0.5)
    starts = initial_latents(z0, 6, seed=0, scale=1.0, z_dim=8, device=torch.device("cpu"))
    assert torch.equal(starts[0], z0[0])
    spread = (starts - z0).abs().mean(1)
    assert spread[1] < spread[-1] and starts.abs().max() <= 1
    random = initial_latents(None, 6, seed=0, scale=1.0, z_dim=8, device=torch.device("cpu"))
    assert random.shape == (6, 8) and not torch.equal(random[0], random[1])


def test_without_z0_random_starts_still_satisfy_a_stroke(gan):
    mask = np.zeros((16, 16), bool)
    mask[:, :5] = True
    color = np.zeros((16, 16, 3), np.uint8)
    color[..., 2] = 240
    result = drive(edit(gan, EditConstraints(color=color, color_mask=mask), z0=None, settings=FAST))
    blue = result.images[0].astype(float)[mask]
    assert np.mean(blue[:, 2] - blue[:, :2].mean(1)) > 30


def test_plateau_stops_early(gan):
    z0, _ = start(gan)
    mask = np.zeros((16, 16), bool)
    mask[:4] = True
    settings = EditSettings(starts=4, steps=200, patience=3, plateau=1.0)
    result = drive(edit(gan, EditConstraints(color=np.zeros((16, 16, 3), np.uint8),
                                                        color_mask=mask), z0=z0, settings=settings))
    assert result.steps == 6  # never before 2 x patience steps


def test_cancel_from_progress_callback_stops_within_one_step(gan):
    z0, _ = start(gan)
    mask = np.ones((16, 16), bool)
    constraints = EditConstraints(color=np.zeros((16, 16, 3), np.uint8), color_mask=mask)
    seen = run_cancelled_at(2, lambda token: edit(gan, constraints, z0=z0, settings=FAST, token=token))
    assert seen == [1, 2]


def _stroke(size=16):
    mask = np.zeros((size, size), bool)
    mask[0] = True
    return np.zeros((size, size, 3), np.uint8), mask


@pytest.mark.parametrize("make, message", [
    (lambda: EditConstraints(), "nothing to edit"),
    (lambda: EditConstraints(color=_stroke()[0], color_mask=np.zeros((16, 16), bool)), "nothing to edit"),
    (lambda: EditConstraints(color=_stroke(8)[0], color_mask=_stroke(8)[1]), "16x16"),
    (lambda: EditConstraints(color=_stroke()[0][:8], color_mask=_stroke()[1]), "16x16x3"),
    (lambda: EditConstraints(color=None, color_mask=_stroke()[1]), "colour image"),
    (lambda: EditConstraints(color=_stroke()[0]), "mask"),
    (lambda: EditConstraints(sketch_mask=np.ones((4, 4), bool)), "sketch"),
    (lambda: EditConstraints(warps=[Warp(1, 1, 40, 1, 3)]), "outside"),
    (lambda: EditConstraints(warps=[Warp(1, 1, 4, 1, 0)]), "patch size"),
    (lambda: EditConstraints(warps=[Warp(1, float("nan"), 4, 1, 3)]), "finite"),
])
def test_bad_constraints_are_user_errors(gan, make, message):
    with pytest.raises(UserError, match=message):
        drive(edit(gan, make()))


@pytest.mark.parametrize("settings, message", [
    (EditSettings(lr=0), "lr"),
    (EditSettings(lr=-1), "lr"),
    (EditSettings(lr=float("nan")), "lr"),
    (EditSettings(steps=0), "steps"),
    (EditSettings(starts=0), "starts"),
    (EditSettings(candidates=0), "candidates"),
    (EditSettings(closeness_weight=float("inf")), "closeness_weight"),
    (EditSettings(sketch_weight=-1), "sketch_weight"),
])
def test_bad_settings_are_user_errors(gan, settings, message):
    color, mask = _stroke()
    with pytest.raises(UserError, match=message):
        drive(edit(gan, EditConstraints(color=color, color_mask=mask), z0=None, settings=settings))


def test_bad_latent_and_missing_discriminator(gan):
    color, mask = _stroke()
    constraints = EditConstraints(color=color, color_mask=mask)
    with pytest.raises(UserError, match="length 8"):
        drive(edit(gan, constraints, z0=np.zeros(5, np.float32)))
    with pytest.raises(UserError, match="NaN"):
        drive(edit(gan, constraints, z0=np.full(8, np.nan, np.float32)))
    del gan.networks["discriminator"]
    with pytest.raises(UserError, match="discriminator"):
        drive(edit(gan, constraints, z0=None, settings=EditSettings(realism_weight=1.0)))


def test_keep_weight_holds_the_unpainted_part_of_a_fixed_image(gan):
    mask = np.zeros((16, 16), bool)
    mask[:4] = True
    color = np.zeros((16, 16, 3), np.uint8)
    color[..., 0] = 230
    outside = {}
    for weight in (0.0, 4.0):
        changes = []
        for seed in (0, 2):
            z0, before = start(gan, seed)
            settings = dataclasses.replace(FAST, keep_weight=weight)
            best = drive(edit(gan, EditConstraints(color=color, color_mask=mask), z0=z0,
                              settings=settings)).images[0]
            changes.append(np.abs(best.astype(float) - before).mean(axis=2)[~mask].mean())
        outside[weight] = np.mean(changes)
    assert outside[4.0] < outside[0.0]
