"""Fix and warp: what lies outside the strokes' margin stays exactly as it was; a warp
really moves its patch (engine.ops.keep and the blend in engine.ops.edit)."""

import dataclasses

import numpy as np
import pytest

from engine.errors import UserError
from engine.jobs import drive
from engine.ops.constraints import paste_warps
from engine.ops.edit import edit
from engine.ops.generate import generate, random_z
from engine.ops.keep import free_region, generator_share, keep_weights
from engine.ops.types import EditConstraints, EditSettings, Warp
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")

FAST = EditSettings(starts=8, candidates=4, steps=20, preview_every=5, plateau=0, keep_margin=2)


def _blob(size=16):
    mask = np.zeros((size, size), bool)
    mask[6:9, 6:9] = True
    color = np.zeros((size, size, 3), np.uint8)
    color[mask] = (230, 30, 30)
    return EditConstraints(color=color, color_mask=mask)


def test_free_region_is_the_strokes_and_a_euclidean_margin():
    constraints = _blob()
    free = free_region(constraints, 16, 2)
    assert free[6:9, 6:9].all() and free[4, 7] and free[10, 7] and not free[3, 7]
    assert not free[4, 4]  # the diagonal corner is farther than 2 px
    assert np.array_equal(free_region(constraints, 16, 0), constraints.color_mask)


def test_generator_share_ramps_from_the_strokes_to_zero_at_the_margin():
    share = generator_share(_blob(), 16, 4)
    assert share[7, 7] == 1 and share[7, 4] == 1          # 2 px out: half the margin
    assert 0 < share[7, 3] < 1 and share[7, 1] == 0        # 3 px: ramping, 5 px: kept
    free = free_region(_blob(), 16, 4)
    assert (share[~free] == 0).all()
    weights = keep_weights(share, 4, None)
    assert (weights[share < 1] == 1).all() and (weights[share == 1] == 0).all()


def test_a_warp_destination_takes_the_moved_patch_but_for_a_feather():
    warp = Warp(x0=4, y0=8, x1=11, y1=8, size=6)
    share = generator_share(EditConstraints(warps=[warp]), 16, 2)
    assert (share[7:9, 10:12] == 0).all()                 # inside the destination box
    assert share[8, 3] == 1                               # the vacated source is refilled
    assert 0 < share[8, 8] < 1                            # the destination's edge blends


def test_fixed_image_is_kept_exactly_outside_the_margin(gan):
    generator = gan.generator()
    z0 = random_z(generator, 1, 3)[0]
    before = generate(generator, z0).astype(int)
    constraints = _blob()
    seen = []
    result = drive(edit(gan, constraints, z0=z0, settings=FAST), seen.append)
    outside = ~free_region(constraints, 16, FAST.keep_margin)
    for image in list(result.images) + [p.preview for p in seen if p.preview is not None]:
        assert np.abs(image.astype(int) - before)[outside].max() <= 1
    red = result.images[0][constraints.color_mask].astype(float)
    was = before[constraints.color_mask].astype(float)
    assert (red[:, 0] - red[:, 1:].mean(1)).mean() > (was[:, 0] - was[:, 1:].mean(1)).mean() + 20


def test_keep_weight_zero_lets_the_whole_image_move(gan):
    generator = gan.generator()
    z0 = random_z(generator, 1, 3)[0]
    before = generate(generator, z0).astype(int)
    mask = np.zeros((16, 16), bool)
    mask[:4] = True
    color = np.zeros((16, 16, 3), np.uint8)
    color[mask] = (230, 30, 30)
    constraints = EditConstraints(color=color, color_mask=mask)
    outside = ~free_region(constraints, 16, FAST.keep_margin)
    loose = drive(edit(gan, constraints, z0=z0, settings=dataclasses.replace(FAST, keep_weight=0))).images[0]
    assert np.abs(loose.astype(int) - before)[outside].mean() > 2


def test_warp_moves_the_patch_visibly_and_keeps_the_rest(gan):
    generator = gan.generator()
    z0 = random_z(generator, 1, 4)[0]
    before = generate(generator, z0)
    warp = Warp(x0=5, y0=5, x1=11, y1=11, size=6)
    constraints = EditConstraints(warps=[warp])
    result = drive(edit(gan, constraints, z0=z0, settings=FAST)).images[0]
    moved, _ = paste_warps(before[None], [warp])
    core = np.abs(result[10:12, 10:12].astype(int) - moved[0, 10:12, 10:12]).max()
    assert core <= 1                                      # the patch is there, as it was
    outside = ~free_region(constraints, 16, FAST.keep_margin)
    assert np.abs(result.astype(int) - before)[outside].max() <= 1


def test_start_is_tried_first_while_the_fixed_image_stays_the_anchor(gan):
    generator = gan.generator()
    z0, warm = random_z(generator, 2, 5)
    before = generate(generator, z0).astype(int)
    constraints = _blob()
    settings = dataclasses.replace(FAST, steps=1, candidates=FAST.starts, pool=0)
    tried = drive(edit(gan, constraints, z0=z0, start=warm, settings=settings)).z
    plain = drive(edit(gan, constraints, z0=z0, settings=settings)).z
    # After one step the candidates are the starts themselves: the warm latent is among them.
    assert np.abs(tried - warm).max(axis=1).min() < 0.02   # up to the tanh clip (Z_LIMIT)
    assert np.abs(plain - warm).max(axis=1).min() > 0.1
    # z0 is still the anchor: outside the margin every result is the fixed image.
    result = drive(edit(gan, constraints, z0=z0, start=warm, settings=FAST))
    outside = ~free_region(constraints, 16, FAST.keep_margin)
    for image in result.images:
        assert np.abs(image.astype(int) - before)[outside].max() <= 1


def test_start_must_be_one_latent_of_the_models_size(gan):
    z = random_z(gan.generator(), 2, 5)
    with pytest.raises(UserError, match="start must be one latent"):
        drive(edit(gan, _blob(), z0=z[0], start=z, settings=FAST))
    with pytest.raises(UserError, match="this model needs length"):
        drive(edit(gan, _blob(), z0=z[0], start=z[0, :3], settings=FAST))
