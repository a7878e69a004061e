"""The learned fill op and `inpaint`'s choice of method, with a small fill model made here."""

import cv2
import numpy as np
import pytest
import torch

from engine import registry
from engine.checkpoints import Model
from engine.errors import UserError
from engine.jobs import drive
from engine.nets.fill import FillConfig
from engine.ops import fill as fill_module
from engine.ops import fill_region
from engine.ops.fill import (MAX_WORK_FACTOR, THIN_HOLE_SHARE, fill, fill_crop, prefill,
                             hole_depth, scaled_prefill, working_scale)
from engine.ops.fill_region import poisson_clone
from engine.ops.fill_masks import centred_box
from engine.ops.inpaint import inpaint
from support.cancelling import run_cancelled_at
from support.ops_models import gan, one_thread, sr_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def fill_model(size=16) -> Model:
    torch.manual_seed(0)
    net = registry.build("fill_gated_unet", FillConfig(width=4, max_width=8, depth=2, dilated=1,
                                                       image_size=size)).eval()
    torch.nn.init.normal_(net.to_rgb.weight, 0.0, 0.1)   # a correction to Telea, as if trained
    return Model(folder=None, config={"kind": "fill", "name": "test-fill", "image_size": size},
                 networks={"fill": net})


def photo(height, width, seed=0):
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def grown(mask, margin):
    return cv2.dilate(mask.astype(np.uint8), np.ones((2 * margin + 1,) * 2, np.uint8)) > 0


@pytest.mark.parametrize("blend", ["poisson", "feather"])
def test_only_the_hole_and_its_margin_change(blend):
    image, hole = photo(16, 16), centred_box(16, 16, 6)
    out = drive(fill(fill_model(), image, hole, blend=blend, margin=2))
    assert out.shape == image.shape and out.dtype == np.uint8
    changed = np.any(out != image, axis=2)
    assert not changed[~grown(hole, 2)].any()
    assert changed[hole].mean() > 0.9


def test_a_large_photo_is_filled_from_a_box_around_the_hole_at_the_model_scale():
    image = photo(120, 200)
    hole = np.zeros((120, 200), bool)
    hole[50:60, 150:162] = True
    seen = []
    out = drive(fill(fill_model(), image, hole), seen.append)
    assert [p.step for p in seen] == [1, 2]
    # the box is 36 px (the hole and its context), filled at 16 px: the preview shows the box
    assert seen[0].preview.shape == (36, 36, 3)
    assert not np.any(out != image, axis=2)[~grown(hole, 8)].any()
    assert np.any(out != image, axis=2)[hole].mean() > 0.9


def test_a_wide_hole_is_shrunk_to_the_model_side_a_thin_one_only_to_its_stroke_width():
    n = 128
    box = centred_box(384, 384, 192)                  # a box: the whole crop into n pixels
    assert working_scale(hole_depth(box), n) == pytest.approx(n / 384)
    line = np.zeros((384, 384), bool)
    line[190:194, :] = True                            # 4 px thick: never shrunk
    assert working_scale(hole_depth(line), n) == 1.0
    wide_line = np.zeros((384, 384), bool)
    wide_line[150:230, :] = True                       # 80 px: shrunk to the training strokes' width
    thickness_after = 80 * working_scale(hole_depth(wide_line), n)
    assert n / 384 < working_scale(hole_depth(wide_line), n) < 1
    assert thickness_after == pytest.approx(THIN_HOLE_SHARE * n, rel=0.1)
    huge = np.zeros((4000, 4000), bool)
    huge[2000:2003, :] = True                          # a long scratch on a huge photo: capped
    assert working_scale(hole_depth(huge), n) == pytest.approx(MAX_WORK_FACTOR * n / 4000)


def test_what_was_in_the_hole_does_not_change_the_fill():
    image, hole = photo(40, 56), centred_box(40, 56, 12)
    other = image.copy()
    other[hole] = 255 - other[hole]
    model = fill_model()
    assert np.array_equal(drive(fill(model, image, hole)), drive(fill(model, other, hole)))


def test_non_multiple_sizes_are_padded_and_cropped_back():
    image, hole = photo(13, 23), centred_box(13, 23, 5)
    out = drive(fill(fill_model(), image, hole, margin=0))
    assert out.shape == (13, 23, 3)
    assert np.array_equal(out[~hole], image[~hole])


def test_inpaint_picks_the_method_from_the_model(gan):
    image, hole = photo(16, 16), centred_box(16, 16, 4)
    model = fill_model()
    assert np.array_equal(drive(inpaint(model, image, hole)), drive(fill(model, image, hole)))
    assert np.array_equal(drive(inpaint(model, image, hole, method="learned", steps=1)),
                          drive(fill(model, image, hole)))
    seen = []
    drive(inpaint(gan, image, hole, steps=3), seen.append)
    assert [p.step for p in seen] == [1, 2, 3]   # the gan's optimisation steps


@pytest.mark.parametrize("method, message", [("gan", "needs a gan model"),
                                             ("learned", "needs a fill model"),
                                             ("magic", "method")])
def test_a_method_that_does_not_fit_the_model_is_refused(gan, method, message):
    model = fill_model() if method != "learned" else gan
    with pytest.raises(UserError, match=message):
        drive(inpaint(model, photo(16, 16), centred_box(16, 16, 4), method=method))


def test_fill_needs_a_fill_model():
    with pytest.raises(UserError, match="fill model"):
        drive(fill(sr_model(), photo(16, 16), centred_box(16, 16, 4)))


@pytest.mark.parametrize("mask, message", [
    (np.zeros((16, 15), bool), "mask"),
    (np.zeros((16, 16), bool), "empty"),
    (np.ones((16, 16), bool), "whole image"),
    (np.full((16, 16), 0.5), "boolean"),
])
def test_bad_masks_are_user_errors(mask, message):
    with pytest.raises(UserError, match=message):
        drive(fill(fill_model(), photo(16, 16), mask))


def test_bad_settings_are_user_errors():
    image, hole = photo(16, 16), centred_box(16, 16, 4)
    with pytest.raises(UserError, match="blend"):
        drive(fill(fill_model(), image, hole, blend="smudge"))
    with pytest.raises(UserError, match="margin"):
        drive(fill(fill_model(), image, hole, margin=-1))
    with pytest.raises(Exception, match="uint8"):
        drive(fill(fill_model(), image.astype(np.float32), hole))


def test_cancel_stops_before_the_blend():
    seen = run_cancelled_at(1, lambda token: fill(fill_model(), photo(16, 16),
                                                  centred_box(16, 16, 4), token=token))
    assert seen == [1]


def test_a_big_hole_is_prefilled_shrunk_and_only_inside_the_hole(monkeypatch):
    image = photo(200, 240)
    hole = centred_box(200, 240, 120)
    full = prefill(image, hole, "telea")
    monkeypatch.setattr(fill_module, "PREFILL_MAX_HOLE_PIXELS", 1_000)   # 14,400 in the hole
    shrunk = scaled_prefill(image, hole, "telea", 0.1)
    assert np.array_equal(shrunk[~hole], image[~hole])
    # Telea inside a big hole is smooth: the enlarged one is close to the full-size one,
    # far closer than a flat fill of the photo's mean colour.
    difference = np.abs(shrunk.astype(int) - full)[hole].mean()
    flat = np.abs(image[~hole].mean(0) - full[hole]).mean()
    assert 0 < difference < 0.5 * flat
    # Never shrunk below the net's own scale, and a small hole is prefilled at full size.
    assert np.array_equal(scaled_prefill(image, hole, "telea", 1.0), full)
    small = centred_box(200, 240, 20)
    assert np.array_equal(scaled_prefill(image, small, "telea", 0.1), prefill(image, small, "telea"))


def test_a_large_poisson_zone_is_solved_shrunk_and_matches_the_full_solve(monkeypatch):
    # Source = target + a constant: same gradients, so the Poisson solution is the target.
    target = photo(120, 160, seed=3)
    source = np.clip(target.astype(int) + 40, 0, 255).astype(np.uint8)
    zone = centred_box(120, 160, 80)
    full = poisson_clone(source, target, zone)
    monkeypatch.setattr(fill_region, "POISSON_MAX_PIXELS", 1_600)   # 6,400 in the zone's box
    shrunk = poisson_clone(source, target, zone)
    assert shrunk.shape == target.shape and shrunk.dtype == np.uint8
    unclipped = (target.astype(int) + 40 <= 255).all(axis=2) & zone
    assert np.abs(shrunk.astype(int) - target)[unclipped].mean() < 4
    assert np.abs(shrunk.astype(int) - full)[unclipped].mean() < 4


def test_prefill_detail_is_kept_at_the_hole_edge_and_faded_deep_inside(monkeypatch):
    # A prefill with a sharp seam down the middle of a wide hole (where Telea's fronts meet):
    # the net sees it shrunk, so only the enlarged answer, no sharp step, is left there.
    crop = np.full((96, 96, 3), 120, np.uint8)
    hole = centred_box(96, 96, 64)                     # rows and columns 16-79
    seamed = crop.copy()
    seamed[16:80, 16:48] = 80
    seamed[16:80, 48:80] = 160
    monkeypatch.setattr(fill_module, "scaled_prefill", lambda c, h, m, s: seamed.copy())
    out = fill_crop(fill_model().networks["fill"], crop, hole, 16).astype(int)
    assert working_scale(hole_depth(hole), 16) < 0.25
    deep_step = np.abs(out[40:56, 48] - out[40:56, 47]).mean()
    assert deep_step < 0.25 * 80                      # the prefill's 80-level step, mostly gone
    # At the hole's edge the prefill's own values stay close (its detail is kept there).
    edge = np.abs(out[16:80, 16] - seamed[16:80, 16]).mean()
    assert edge < np.abs(out[40:56, 47] - seamed[40:56, 47]).mean() + 1
