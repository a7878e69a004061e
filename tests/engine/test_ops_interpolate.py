import numpy as np
import pytest

from engine.errors import UserError
from engine.ops.interpolate import interpolate


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
