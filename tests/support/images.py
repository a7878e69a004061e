"""Synthetic images for tests: 'scenes' with a sky colour above a ground colour."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image


def make_scene(size: int, rng: np.random.Generator) -> np.ndarray:
    """A toy outdoor scene: a sky hue above a horizon, a ground hue below, a blob, noise."""
    sky = rng.uniform(0, 255, 3)
    ground = rng.uniform(0, 255, 3)
    horizon = rng.uniform(0.3, 0.7) * size
    ys = np.arange(size)[:, None, None]
    image = np.where(ys < horizon, sky, ground) * np.ones((size, size, 3))
    cy, cx = rng.uniform(0, size, 2)
    radius = rng.uniform(0.08, 0.25) * size
    yy, xx = np.mgrid[:size, :size]
    blob = (yy - cy) ** 2 + (xx - cx) ** 2 < radius ** 2
    image[blob] = rng.uniform(0, 255, 3)
    image += rng.normal(0, 6, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def make_scenes(n: int, size: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([make_scene(size, rng) for _ in range(n)])


def write_image_folder(folder, n: int, size: int, seed: int = 0, suffix: str = ".png"):
    folder.mkdir(parents=True, exist_ok=True)
    for i, image in enumerate(make_scenes(n, size, seed)):
        Image.fromarray(image).save(folder / f"scene_{i:04d}{suffix}")
    return folder


@pytest.fixture
def scene_folder(tmp_path):
    """A folder of 48 synthetic 32x32 PNG scenes."""
    return write_image_folder(tmp_path / "scenes", 48, 32)
