import cv2
import numpy as np
import pytest

from engine.errors import UserError
from engine.jobs import CancelToken, Cancelled, drive
from engine.ops.transfer import transfer


def smooth_image(height, width, seed=0):
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(2, height // 8), max(2, width // 8), 3), dtype=np.uint8)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def test_before_equal_after_returns_the_photo_unchanged():
    photo = smooth_image(50, 70)
    before = smooth_image(16, 16, seed=1)
    out = drive(transfer(photo, before, before.copy()))
    assert out.shape == photo.shape and np.array_equal(out, photo)
    assert out is not photo


def test_colour_change_is_carried_to_the_photo_at_its_size():
    photo = smooth_image(96, 128)
    before = cv2.resize(photo[:, 16:112], (32, 32), interpolation=cv2.INTER_AREA)
    after = before.copy()
    after[:8] = np.clip(after[:8].astype(int) + [60, -30, -30], 0, 255).astype(np.uint8)
    out = drive(transfer(photo, before, after, tile=17))
    assert out.shape == photo.shape
    delta = out.astype(int) - photo
    top, bottom = delta[:12, 32:96], delta[60:, 32:96]
    assert top[..., 0].mean() > 30 and top[..., 1].mean() < -10
    assert np.abs(bottom).mean() < 3


def test_motion_is_carried_to_the_photo():
    photo = np.zeros((64, 64, 3), np.uint8)
    photo[24:40, 16:32] = 255
    before = cv2.resize(photo, (32, 32), interpolation=cv2.INTER_AREA)
    after = np.roll(before, 4, axis=1)  # the square moves 4 model pixels right (8 photo px)
    out = drive(transfer(photo, before, after))
    column = out[24:40].mean(axis=(0, 2))
    centre = (column * np.arange(64)).sum() / column.sum()
    assert 27 < centre < 33  # started at 23.5


def test_region_other_than_centre_square():
    photo = smooth_image(40, 80)
    before = smooth_image(16, 16, seed=2)
    after = np.clip(before.astype(int) + 40, 0, 255).astype(np.uint8)
    out = drive(transfer(photo, before, after, region=(0, 0, 40, 40)))
    assert (out[:, :40].astype(int) - photo[:, :40]).mean() > 25
    assert np.array_equal(out[:, 60:], photo[:, 60:])  # beyond the fade margin


def test_cancel_between_strips():
    photo = smooth_image(64, 64)
    before = smooth_image(16, 16)
    token, seen = CancelToken(), []

    def on_progress(progress):
        seen.append(progress.step)
        token.cancel()

    with pytest.raises(Cancelled):
        drive(transfer(photo, before, 255 - before, token=token, tile=8), on_progress)
    assert seen == [1]


def rgb(height, width, dtype=np.uint8):
    return np.zeros((height, width, 3), dtype)


@pytest.mark.parametrize("args, message", [
    ((np.zeros((8, 8), np.uint8), rgb(4, 4), rgb(4, 4)), "photo"),
    ((rgb(8, 8), rgb(4, 4), rgb(8, 8)), "differ"),
    ((rgb(8, 8), rgb(4, 6), rgb(4, 6)), "square"),
    ((rgb(8, 8), rgb(4, 4, np.float32), rgb(4, 4)), "before"),
])
def test_bad_inputs_are_user_errors(args, message):
    with pytest.raises(UserError, match=message):
        drive(transfer(*args))


def test_bad_region_and_tile():
    image = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(UserError, match="region"):
        drive(transfer(image, image[:4, :4], image[:4, :4], region=(4, 4, 8, 8)))
    with pytest.raises(UserError, match="tile"):
        drive(transfer(image, image[:4, :4], image[:4, :4], tile=0))
