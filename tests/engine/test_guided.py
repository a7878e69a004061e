import cv2
import numpy as np
import pytest

from engine.ops.guided import (apply_affine, fit_affine, grid_coordinates, guided_filter,
                               guided_upsample, joint_upsample, upsample_planes)


def smooth_noise(height, width, channels=3, seed=0, cell=8):
    rng = np.random.default_rng(seed)
    small = rng.random((max(2, height // cell), max(2, width // cell), channels)).astype(np.float32)
    out = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    return out.reshape(height, width, channels)


def step_image(size=64):
    image = np.full((size, size), 0.2, np.float32)
    image[:, size // 2:] = 0.8
    return image


def test_grey_guided_filter_keeps_an_edge_that_a_box_blur_smears():
    image = step_image()
    rng = np.random.default_rng(1)
    noisy = image + rng.normal(0, 0.03, image.shape).astype(np.float32)
    out = guided_filter(noisy, noisy, radius=4, eps=1e-3)
    box = cv2.blur(noisy, (9, 9), borderType=cv2.BORDER_REFLECT)
    assert out.shape == image.shape and out.dtype == np.float32
    edge = slice(28, 36)
    assert np.abs(out[:, edge] - image[:, edge]).mean() < 0.5 * np.abs(box[:, edge] - image[:, edge]).mean()
    flat = (slice(None), slice(4, 24))
    assert out[flat].std() < 0.5 * noisy[flat].std()  # it does smooth the flat part


def test_large_eps_tends_to_the_box_mean():
    image = smooth_noise(40, 40, 1)[..., 0]
    src = smooth_noise(40, 40, 2, seed=3)
    out = guided_filter(image, src, radius=3, eps=1e4)
    from engine.ops.guided import box_mean
    expected = box_mean(box_mean(src, 3), 3)
    assert out.shape == src.shape
    assert np.abs(out - expected).max() < 1e-3


def test_colour_guide_separates_colours_a_grey_guide_confuses():
    # Two regions with the same grey level but different colours; src follows the colour.
    guide = np.zeros((32, 32, 3), np.float32)
    guide[:, :16] = (0.6, 0.2, 0.2)
    guide[:, 16:] = (0.2, 0.6, 0.2)   # same mean, other hue
    src = np.where(np.arange(32)[None, :] < 16, 1.0, 0.0).astype(np.float32) * np.ones((32, 1), np.float32)
    colour = guided_filter(guide, src, radius=4, eps=1e-4)
    grey = guided_filter(guide.mean(axis=2), src, radius=4, eps=1e-4)
    assert np.abs(colour - src).max() < 0.05
    assert np.abs(grey - src).max() > 0.3


def test_fit_affine_recovers_a_global_colour_transform_and_applies_it_at_full_resolution():
    matrix = np.array([[0.8, 0.3, 0.0], [0.1, 0.5, 0.2], [0.0, -0.2, 1.1]], np.float32)
    offset = np.array([0.05, -0.1, 0.2], np.float32)
    full = smooth_noise(256, 192, cell=6)
    low = cv2.resize(full, (48, 64), interpolation=cv2.INTER_AREA)
    model = fit_affine(low, low @ matrix.T + offset, radius=2, eps=1e-6)
    out = apply_affine(model, full)
    assert out.shape == full.shape
    assert np.abs(out - (full @ matrix.T + offset)).max() < 2e-3


def test_toward_identity_keeps_the_source_detail_where_the_target_is_flat():
    full = smooth_noise(128, 128, cell=4)
    low = cv2.resize(full, (32, 32), interpolation=cv2.INTER_AREA)
    target = np.full_like(low, 0.5)  # a flat new colour
    kept = guided_upsample(low, target, full, radius=2, eps=0.05, toward_identity=True)
    flattened = guided_upsample(low, target, full, radius=2, eps=0.05, toward_identity=False)
    detail = full - cv2.GaussianBlur(full, (0, 0), 3)
    kept_detail = kept - cv2.GaussianBlur(kept, (0, 0), 3)
    assert np.corrcoef(detail.ravel(), kept_detail.ravel())[0, 1] > 0.9
    assert np.abs(kept.mean(axis=(0, 1)) - 0.5).max() < 0.05  # the colour did move
    assert flattened.std() < 0.3 * kept.std()


def test_strips_with_grid_coordinates_equal_the_whole():
    full = smooth_noise(90, 70)
    model = fit_affine(cv2.resize(full, (16, 16), interpolation=cv2.INTER_AREA),
                       smooth_noise(16, 16, seed=5), radius=2, eps=1e-2)
    whole = apply_affine(model, full)
    rows, cols = grid_coordinates(90, 16), grid_coordinates(70, 16)
    top = apply_affine(model, full[:40], rows=rows[:40], cols=cols)
    bottom = apply_affine(model, full[40:], rows=rows[40:], cols=cols)
    assert np.allclose(np.concatenate([top, bottom]), whole, atol=1e-5)


def test_upsampling_matches_opencv_bilinear_resize():
    grid = smooth_noise(12, 9, 2, seed=7, cell=2)
    out = upsample_planes(grid, grid_coordinates(48, 12), grid_coordinates(36, 9))
    expected = cv2.resize(grid, (36, 48), interpolation=cv2.INTER_LINEAR)
    assert np.abs(out - expected).max() < 0.02 * np.ptp(grid)  # remap weights: 1/32 steps


def test_joint_upsample_puts_the_channel_edges_on_the_guides_edges():
    guide = step_image(128)
    chroma = np.stack([0.1 + 0.5 * guide, 0.9 - guide], axis=2)  # a function of the guide
    low = cv2.resize(chroma, (16, 16), interpolation=cv2.INTER_AREA)
    out = joint_upsample(low, guide, radius=1, eps=1e-4)
    bicubic = cv2.resize(low, (128, 128), interpolation=cv2.INTER_CUBIC)
    assert out.shape == chroma.shape
    assert np.abs(out - chroma).mean() < 0.25 * np.abs(bicubic - chroma).mean()
    single = joint_upsample(low[..., 0], guide, radius=1, eps=1e-4)
    assert single.shape == guide.shape and np.allclose(single, out[..., 0], atol=1e-5)


@pytest.mark.parametrize("call", [
    lambda: guided_filter(np.zeros((8, 8, 2), np.float32), np.zeros((8, 8), np.float32), 1, 0.1),
    lambda: fit_affine(np.zeros((8, 8, 3), np.float32), np.zeros((4, 4, 3), np.float32), 1, 0.1),
    lambda: fit_affine(np.zeros((8, 8, 3), np.float32), np.zeros((8, 8, 2), np.float32), 1, 0.1,
                       toward_identity=True),
    lambda: joint_upsample(np.zeros((4, 4), np.float32), np.zeros((8, 8, 3), np.float32)),
])
def test_bad_shapes_raise(call):
    with pytest.raises(ValueError):
        call()
