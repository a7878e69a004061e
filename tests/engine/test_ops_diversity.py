import numpy as np
import pytest

from engine.checkpoints import load_model
from engine.errors import UserError
from engine.ops.diversity import diversity, generate, thumbnails


def blocky(n: int, seed: int) -> np.ndarray:
    """n random 32x32 images made of 16x16 colour cells (so thumbnails keep all of them)."""
    cells = np.random.default_rng(seed).integers(0, 256, (n, 16, 16, 3), dtype=np.uint8)
    return cells.repeat(2, axis=1).repeat(2, axis=2)


def test_collapsed_samples_have_no_spread_and_varied_ones_match_real_images():
    real = blocky(40, 1)
    collapsed = np.repeat(blocky(1, 2), 30, axis=0)
    assert diversity(collapsed, real)["spread_ratio"] == pytest.approx(0.0, abs=1e-3)
    assert diversity(blocky(30, 3), real)["spread_ratio"] == pytest.approx(1.0, abs=0.05)


def test_copying_compares_samples_and_held_out_images_with_the_training_set():
    training, held_out = blocky(50, 4), blocky(20, 5)
    copied = diversity(training[:20], held_out, training)
    assert copied["copying_ratio"] == pytest.approx(0.0, abs=1e-3)
    fresh = diversity(blocky(20, 6), held_out, training)
    assert fresh["copying_ratio"] == pytest.approx(1.0, abs=0.1)
    assert fresh["training_images"] == 50 and fresh["samples"] == 20


def test_thumbnails_need_sides_that_divide_into_16():
    assert thumbnails(blocky(2, 7)).shape == (2, 16 * 16 * 3)
    with pytest.raises(UserError, match="divisible"):
        thumbnails(np.zeros((2, 20, 20, 3), np.uint8))
    with pytest.raises(UserError, match="at least 2"):
        diversity(blocky(1, 8), blocky(5, 9))


def test_generate_is_seeded(untrained_gan):
    model = load_model(untrained_gan)
    a, b = generate(model, 5, seed=1), generate(model, 5, seed=1)
    assert a.dtype == np.uint8 and a.shape[0] == 5 and np.array_equal(a, b)
    assert not np.array_equal(a, generate(model, 5, seed=2))
