import cv2
import numpy as np
import pytest

from engine.errors import UserError
from engine.jobs import CancelToken, Cancelled, drive
from engine.ops.transfer import EXTEND, MAX_MOTION, transfer
from engine.ops.types import EditConstraints, Warp


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


def square_photo():
    photo = np.zeros((64, 64, 3), np.uint8)
    photo[24:40, 16:32] = 255
    return photo


def centre_column(image):
    column = image[24:40].mean(axis=(0, 2))
    return (column * np.arange(image.shape[1])).sum() / column.sum()


def test_a_warp_moves_the_photo_where_the_user_warped():
    photo = square_photo()
    before = cv2.resize(photo, (32, 32), interpolation=cv2.INTER_AREA)
    after = np.roll(before, 4, axis=1)  # the square moves 4 model pixels right (8 photo px)
    warp = EditConstraints(warps=[Warp(12, 16, 16, 16, 10)])
    out = drive(transfer(photo, before, after, constraints=warp))
    assert 28 < centre_column(out) < 33  # started at 23.5
    assert np.abs(out[24:40, 34:37].astype(int) - 255).max() < 60  # a solid square, not a smear


def test_without_a_warp_the_photos_thin_lines_stay_put():
    # Cables over a smooth background; the generator shifted its blurry version sideways.
    photo = smooth_image(128, 128, seed=8) // 2 + 100
    lines = np.arange(6, 128, 12)
    photo[:, lines] = 10
    before = cv2.resize(photo, (32, 32), interpolation=cv2.INTER_AREA)
    after = np.clip(np.roll(before, 3, axis=1).astype(int) + [30, 0, -20], 0, 255).astype(np.uint8)
    out = drive(transfer(photo, before, after))
    grey = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(int)
    for row in (20, 64, 100):
        profile = grey[row]
        darkest = [int(np.argmin(profile[c - 5:c + 6])) + c - 5 for c in lines[1:-1]]
        assert darkest == list(lines[1:-1])
        assert (profile[lines[1:-1]] < profile[lines[1:-1] + 3] - 30).all()  # still dark lines


def test_warps_are_bounded():
    photo = square_photo()
    before = cv2.resize(photo, (32, 32), interpolation=cv2.INTER_AREA)
    far = EditConstraints(warps=[Warp(12, 16, 31, 16, 10)])  # 19 model px = 0.59 of the side
    out = drive(transfer(photo, before, before.copy(), constraints=far))
    assert centre_column(out) - 23.5 < MAX_MOTION * 64 + 2


def stroke(n, top, bottom, left, right, colour):
    mask = np.zeros((n, n), bool)
    mask[top:bottom, left:right] = True
    image = np.zeros((n, n, 3), np.uint8)
    image[mask] = colour
    return EditConstraints(color=image, color_mask=mask)


def test_outside_the_strokes_margin_the_photo_is_untouched():
    photo = smooth_image(128, 128, seed=4)
    before = cv2.resize(photo, (32, 32), interpolation=cv2.INTER_AREA)
    after = np.clip(before.astype(int) + [80, -40, 20], 0, 255).astype(np.uint8)  # G changed all
    constraints = stroke(32, 4, 8, 4, 12, (255, 128, 0))
    out = drive(transfer(photo, before, after, constraints=constraints, margin=4, tile=16))
    # margin 4 model px = 16 photo px beyond the stroke (photo rows 16-32, cols 16-48) + one grid step
    assert np.array_equal(out[56:], photo[56:]) and np.array_equal(out[:, 72:], photo[:, 72:])
    assert (out[16:32, 16:48].astype(int) - photo[16:32, 16:48]).mean(axis=(0, 1))[0] > 40


def test_stroke_reaches_the_edited_colour_and_keeps_the_photos_edges():
    rng = np.random.default_rng(3)
    photo = np.full((256, 256, 3), 90, np.uint8)
    photo[:, 128:] = 160                                   # an edge inside the stroke
    photo = np.clip(photo + rng.normal(0, 6, photo.shape), 0, 255).astype(np.uint8)
    before = np.full((32, 32, 3), 60, np.uint8)            # the projection missed the photo
    after = before.copy()
    after[8:24, 8:24] = (250, 130, 10)                     # G(z1) met an orange stroke
    constraints = stroke(32, 10, 22, 10, 22, (255, 128, 0))
    out = drive(transfer(photo, before, after, constraints=constraints))
    under = out[88:168, 88:168].reshape(-1, 3).mean(axis=0)
    assert np.linalg.norm(under - (250, 130, 10)) < 40
    grey = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(float)
    profile = grey[88:168].mean(axis=0)
    assert int(np.argmax(np.abs(np.diff(profile[100:156])))) + 100 in (126, 127, 128)
    # the photo's noise (its texture) is still there under the stroke
    assert out[100:120, 100:120, 1].std() > 0.5 * photo[100:120, 100:120, 1].std()


def test_strips_give_the_same_result_as_one_pass():
    photo = smooth_image(100, 150, seed=6)
    before = smooth_image(24, 24, seed=7)
    after = np.clip(before.astype(int) + 50, 0, 255).astype(np.uint8)
    constraints = stroke(24, 5, 15, 5, 12, (0, 0, 255))
    constraints.warps.append(Warp(12, 12, 15, 14, 6))
    whole = drive(transfer(photo, before, after, constraints=constraints, tile=1000))
    strips = drive(transfer(photo, before, after, constraints=constraints, tile=7))
    assert np.array_equal(whole, strips)


def test_an_edit_at_the_squares_edge_fades_out_past_it_without_streaks():
    # A 256x128 photo: the square is columns 64-192, one grid cell is 4 photo pixels.
    photo = np.full((128, 256, 3), 100, np.uint8)
    before = np.full((32, 32, 3), 100, np.uint8)
    after = before.copy()
    after[:, :8, 0] = np.where(np.arange(32) % 2 == 0, 220, 160)[:, None]  # G's rows alternate
    out = drive(transfer(photo, before, after))
    change = out[..., 0].astype(float) - photo[..., 0]
    reach = int(np.ceil(EXTEND * 128))
    assert np.array_equal(out[:, :64 - reach - 1], photo[:, :64 - reach - 1])
    assert change[:, 63].mean() > 40          # it fades out, it is not cut at the edge
    inside, outside = change[16:112, 66], change[16:112, 64 - reach // 2]
    assert outside.mean() > 5
    # the edge's row-to-row detail is not repeated outwards as streaks
    assert outside.std() / outside.mean() < 0.3 * inside.std() / inside.mean()


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
    with pytest.raises(UserError, match="margin"):
        drive(transfer(image, image[:4, :4], image[:4, :4], margin=-1))
    with pytest.raises(UserError, match="stroke mask"):
        drive(transfer(image, image[:4, :4], 255 - image[:4, :4],
                       constraints=EditConstraints(color_mask=np.ones((8, 8), bool))))


def test_stroke_reaches_the_painted_colour_where_the_generator_fell_short():
    rng = np.random.default_rng(5)
    photo = np.clip(np.full((256, 256, 3), 100) + rng.normal(0, 6, (256, 256, 3)), 0, 255).astype(np.uint8)
    before = np.full((32, 32, 3), 100, np.uint8)
    after = before.copy()
    after[8:24, 8:24] = (170, 120, 80)                     # G(z1) went only part of the way
    painted = (255, 128, 0)
    constraints = stroke(32, 10, 22, 10, 22, painted)
    out = drive(transfer(photo, before, after, constraints=constraints, margin=4))
    under = out[88:168, 88:168].reshape(-1, 3).mean(axis=0)
    assert np.linalg.norm(under - painted) < 40
    assert np.linalg.norm(after[10:22, 10:22].reshape(-1, 3).mean(0) - painted) > 80
    # the photo's texture stays, and far from the stroke nothing changes
    assert out[100:120, 100:120, 1].std() > 0.5 * photo[100:120, 100:120, 1].std()
    assert np.array_equal(out[:40], photo[:40])


def test_pull_scales_the_lean_to_the_painted_colour():
    rng = np.random.default_rng(5)
    photo = np.clip(np.full((256, 256, 3), 100) + rng.normal(0, 6, (256, 256, 3)), 0, 255).astype(np.uint8)
    before = np.full((32, 32, 3), 100, np.uint8)
    after = before.copy()
    after[8:24, 8:24] = (170, 120, 80)
    painted = (255, 128, 0)
    constraints = stroke(32, 10, 22, 10, 22, painted)
    misses = [np.linalg.norm(drive(transfer(photo, before, after, constraints=constraints, pull=p))
                             [88:168, 88:168].reshape(-1, 3).mean(0) - painted)
              for p in (0.0, 0.5, 1.0)]
    assert misses[0] > misses[1] > misses[2] and misses[2] < 40 < misses[0]
    with pytest.raises(UserError, match="pull"):
        drive(transfer(photo, before, after, constraints=constraints, pull=1.5))
