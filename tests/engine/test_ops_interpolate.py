import numpy as np
import pytest

from engine.errors import UserError
from engine.ops.interpolate import anchor_frames, interpolate


@pytest.mark.parametrize("mode", ["linear", "slerp"])
def test_endpoints_are_exactly_the_inputs(mode):
    rng = np.random.default_rng(0)
    z0, z1 = rng.uniform(-1, 1, (2, 12)).astype(np.float32)
    path = interpolate(z0, z1, frames=16, mode=mode)
    assert path.shape == (16, 12) and path.dtype == np.float32
    assert np.array_equal(path[0], z0) and np.array_equal(path[-1], z1)
    assert np.abs(path).max() <= 1


def test_linear_frames_are_evenly_spaced():
    path = interpolate(np.zeros(3, np.float32), np.ones(3, np.float32), frames=5)
    assert np.allclose(path[:, 0], [0, 0.25, 0.5, 0.75, 1])


def test_slerp_follows_the_arc_and_blends_lengths():
    z0 = np.array([1.0, 0.0], np.float32)
    z1 = np.array([0.0, 1.0], np.float32)
    middle = interpolate(z0, z1, frames=3, mode="slerp")[1]
    assert np.allclose(middle, [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-6)
    assert np.linalg.norm(middle) == pytest.approx(1.0, abs=1e-6)


def test_slerp_of_opposite_or_zero_vectors_falls_back_to_linear():
    z = np.array([0.5, -0.5], np.float32)
    assert np.allclose(interpolate(z, -z, frames=3, mode="slerp")[1], 0)
    assert np.allclose(interpolate(np.zeros(2, np.float32), z, frames=3, mode="slerp")[1], z / 2)


@pytest.mark.parametrize("z0, z1, kwargs, message", [
    (np.zeros(4), np.zeros(5), {}, "differ in length"),
    (np.zeros((2, 4)), np.zeros(4), {}, "1-D"),
    (np.full(4, np.nan), np.zeros(4), {}, "NaN"),
    (np.zeros(4), np.zeros(4), {"frames": 1}, "frames"),
    (np.zeros(4), np.zeros(4), {"mode": "cubic"}, "mode"),
])
def test_bad_inputs_are_user_errors(z0, z1, kwargs, message):
    with pytest.raises(UserError, match=message):
        interpolate(z0, z1, **kwargs)


def test_anchored_frames_start_and_end_on_the_images_shown():
    rng = np.random.default_rng(1)
    generated = rng.integers(108, 148, (6, 8, 8, 3)).astype(np.uint8)   # no clipping below
    first, last = rng.integers(108, 148, (2, 8, 8, 3)).astype(np.uint8)
    frames = anchor_frames(generated, first, last)
    assert frames.dtype == np.uint8 and frames.shape == generated.shape
    assert np.array_equal(frames[0], first) and np.array_equal(frames[-1], last)
    # in between, the generator's own change along the path is kept
    step = frames[3].astype(int) - frames[2]
    expected = generated[3].astype(int) - generated[2] + (last.astype(int) - generated[-1]
                                                          - first + generated[0]) / 5
    assert np.abs(step - expected).max() <= 2


def test_where_the_generator_had_no_share_the_frames_cross_fade():
    generated = np.zeros((5, 4, 4, 3), np.uint8)
    generated[2] = 255                           # G(z_t) wanders off midway
    first = np.full((4, 4, 3), 100, np.uint8)
    last = first.copy()
    last[:2] = 200
    share = np.zeros((4, 4), np.float32)
    share[:2] = 1
    frames = anchor_frames(generated, first, last, share)
    assert (frames[:, 2:] == 100).all()          # kept by Fix: nothing moves there
    assert frames[2, :2].min() > 200             # the generator's part follows G(z_t)
    with pytest.raises(UserError):
        anchor_frames(generated[:1], first, last)
