import cv2
import numpy as np
import pytest

from engine.errors import UserError
from engine.jobs import drive
from engine.ops.generate import generate, random_z
from engine.ops.inpaint import contextual_weights, crop_box, inpaint
from engine.ops.metrics import psnr
from support.cancelling import run_cancelled_at
from support.ops_models import gan, one_thread, sr_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def on_manifold(model, seed=6):
    generator = model.generator()
    return generate(generator, random_z(generator, 1, seed)[0])


def centred_hole(height, width, side):
    mask = np.zeros((height, width), bool)
    top, left = (height - side) // 2, (width - side) // 2
    mask[top:top + side, left:left + side] = True
    return mask


def grown(mask, margin):
    return cv2.dilate(mask.astype(np.uint8), np.ones((2 * margin + 1,) * 2, np.uint8)) > 0


@pytest.mark.parametrize("blend", ["poisson", "feather"])
def test_only_the_hole_and_its_blend_margin_change(gan, blend):
    truth = on_manifold(gan)
    hole = centred_hole(16, 16, 6)
    damaged = truth.copy()
    damaged[hole] = 0
    out = drive(inpaint(gan, damaged, hole, steps=40, blend=blend, margin=2))
    assert out.shape == truth.shape and out.dtype == np.uint8
    changed = np.any(out != damaged, axis=2)
    assert not changed[~grown(hole, 2)].any()
    assert changed[hole].mean() > 0.9
    filled = psnr(out, truth, mask=hole)
    assert filled > psnr(damaged, truth, mask=hole) + 5


def test_hole_in_a_large_photo_is_filled_from_a_crop_around_it(gan):
    rng = np.random.default_rng(0)
    photo = cv2.resize(rng.integers(0, 256, (12, 20, 3), dtype=np.uint8), (200, 120),
                       interpolation=cv2.INTER_CUBIC)
    hole = np.zeros((120, 200), bool)
    hole[50:60, 150:162] = True
    seen = []
    out = drive(inpaint(gan, photo, hole, steps=10, preview_every=5), seen.append)
    assert out.shape == photo.shape
    assert not np.any(out != photo, axis=2)[~grown(hole, 40)].any()
    assert np.any(out != photo, axis=2)[hole].any()
    assert seen[4].preview.shape == (16, 16, 3)


def test_crop_box_keeps_context_and_stays_inside():
    mask = np.zeros((120, 200), bool)
    mask[50:60, 190:200] = True
    top, left, bottom, right = crop_box(mask, 16, context=1.0)
    assert (bottom - top, right - left) == (30, 30) and right == 200
    assert mask[top:bottom, left:right].sum() == mask.sum()
    assert crop_box(np.ones((16, 16), bool), 16, 1.0) == (0, 0, 16, 16)


def test_contextual_weights_are_highest_next_to_the_hole():
    hole = centred_hole(16, 16, 4)
    weights = contextual_weights(hole)
    assert weights[hole].max() == 0
    assert weights[6, 5] > weights[6, 3] >= weights[0, 0] == 0


def test_cancel_from_progress_callback_stops_within_one_step(gan):
    seen = run_cancelled_at(2, lambda token: inpaint(gan, on_manifold(gan), centred_hole(16, 16, 4),
                                                     token=token))
    assert seen == [1, 2]


@pytest.mark.parametrize("mask, message", [
    (np.zeros((16, 15), bool), "mask"),
    (np.zeros((16, 16), bool), "empty"),
    (np.ones((16, 16), bool), "whole image"),
    (np.full((16, 16), 0.5), "boolean"),
])
def test_bad_masks_are_user_errors(gan, mask, message):
    with pytest.raises(UserError, match=message):
        drive(inpaint(gan, on_manifold(gan), mask))


def test_bad_settings_and_model_kind(gan):
    image, hole = on_manifold(gan), centred_hole(16, 16, 4)
    with pytest.raises(UserError, match="blend"):
        drive(inpaint(gan, image, hole, blend="smudge"))
    with pytest.raises(UserError, match="steps"):
        drive(inpaint(gan, image, hole, steps=0))
    with pytest.raises(UserError, match="gan model"):
        drive(inpaint(sr_model(), image, hole))
