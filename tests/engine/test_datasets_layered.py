"""Synthesised layered landscapes (engine.datasets.layered) on plain-colour regions."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.datasets import layered
from engine.datasets.outdoor_sources import OUTDOOR_PHOTOS


def _plain(rgb, h=40, w=120):
    return np.broadcast_to(np.array(rgb, np.uint8), (h, w, 3)).copy()


@pytest.fixture
def pools():
    return {"sky": [_plain((0, 0, 255))], "water": [_plain((0, 255, 255))],
            "land": [_plain((255, 0, 0))]}


def test_regions_name_only_training_photos():
    training = {p.name for p in OUTDOOR_PHOTOS if not p.holdout}
    for region in layered.SKY_REGIONS + layered.WATER_REGIONS + layered.LAND_REGIONS:
        assert region.photo in training, region


def test_sky_on_top_land_at_the_bottom(pools, monkeypatch):
    monkeypatch.setattr(layered, "PROCEDURAL_SKY_SHARE", 0.0)
    monkeypatch.setattr(layered, "WATER_SHARE", 0.0)
    rng = np.random.default_rng(3)
    for _ in range(10):
        image = layered.compose(pools, 64, rng)
        assert image.shape == (64, 64, 3) and image.dtype == np.uint8
        top, bottom = image[:4].reshape(-1, 3).mean(0), image[-4:].reshape(-1, 3).mean(0)
        assert top[2] > 200 and top[0] < 40      # the sky's blue
        assert bottom[0] > 200 and bottom[2] < 40  # the land's red


def test_water_band_lies_between_sky_and_land(pools, monkeypatch):
    monkeypatch.setattr(layered, "PROCEDURAL_SKY_SHARE", 0.0)
    monkeypatch.setattr(layered, "WATER_SHARE", 1.0)
    image = layered.compose(pools, 64, np.random.default_rng(0)).astype(int)
    cyan_rows = [y for y in range(64) if (image[y, :, 1] > 200).mean() > 0.9]
    red_rows = [y for y in range(64) if (image[y, :, 0] > 200).mean() > 0.9]
    assert cyan_rows and red_rows and max(cyan_rows) < max(red_rows)
    assert image[0, :, 2].mean() > 200 and image[0, :, 1].mean() < 40


def test_procedural_sky_without_photo_skies(pools, monkeypatch):
    monkeypatch.setattr(layered, "WATER_SHARE", 0.0)
    pools["sky"] = []
    image = layered.compose(pools, 32, np.random.default_rng(1))
    assert image.shape == (32, 32, 3)
    assert image[-2:, :, 0].mean() > 200  # land still at the bottom


def test_write_is_seeded_and_leaves_other_files_alone(pools, tmp_path):
    mine = tmp_path / "holiday.png"
    Image.fromarray(_plain((1, 2, 3), 8, 8)).save(mine)
    layered.write_layered(pools, tmp_path, 3, size=32, seed=7, progress=lambda _: None)
    first = [np.asarray(Image.open(tmp_path / f"layered_{i:06d}.png")) for i in range(3)]
    layered.write_layered(pools, tmp_path, 2, size=32, seed=7, progress=lambda _: None)
    assert mine.exists()
    assert sorted(p.name for p in tmp_path.glob("layered_*.png")) == [
        "layered_000000.png", "layered_000001.png"]
    again = [np.asarray(Image.open(tmp_path / f"layered_{i:06d}.png")) for i in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))


def test_recoloured_ground_is_snow_or_sand(pools, monkeypatch):
    monkeypatch.setattr(layered, "PROCEDURAL_SKY_SHARE", 0.0)
    monkeypatch.setattr(layered, "WATER_SHARE", 0.0)
    rng = np.random.default_rng(4)
    grounds = set()
    for _ in range(12):
        bottom = layered.compose(pools, 64, rng, layered.Extras(grounds=1.0))[-4:].reshape(-1, 3).mean(0)
        distances = {kind: np.abs(bottom - np.array(colour)).max()
                     for kind, (colour, _) in layered.GROUND_COLOURS.items()}
        kind = min(distances, key=distances.get)
        assert distances[kind] < 30, bottom  # not the land's red any more
        grounds.add(kind)
    assert grounds == {"snow", "sand"}


def _objects_only(monkeypatch, cloud_share):
    monkeypatch.setattr(layered, "PROCEDURAL_SKY_SHARE", 0.0)
    monkeypatch.setattr(layered, "WATER_SHARE", 0.0)
    monkeypatch.setattr(layered, "CLOUD_SHARE", cloud_share)


def test_object_blob_sits_on_the_ground_in_its_colour(pools, monkeypatch):
    _objects_only(monkeypatch, 0.0)
    rng = np.random.default_rng(5)
    for _ in range(6):
        image = layered.compose(pools, 64, rng, layered.Extras(objects=1.0)).astype(int)
        # Neither the sky's blue nor the land's red: the blob.
        blob = (np.abs(image - [0, 0, 255]).max(2) > 60) & (np.abs(image - [255, 0, 0]).max(2) > 60)
        rows = np.nonzero(blob.any(1))[0]
        assert 4 <= blob.sum() < 0.1 * 64 * 64
        # Below the sky: no blob row above the highest hilltop.
        land_rows = [y for y in range(64) if (image[y, :, 0] > 200).any()]
        assert rows.min() >= min(land_rows) - 2


def test_cloud_is_white_and_in_the_sky(pools, monkeypatch):
    _objects_only(monkeypatch, 1.0)
    image = layered.compose(pools, 64, np.random.default_rng(6), layered.Extras(objects=1.0)).astype(int)
    white = image.min(2) > 200
    assert white.sum() >= 4
    land_rows = [y for y in range(64) if (image[y, :, 0] > 200).mean() > 0.9 and image[y, :, 1].mean() < 60]
    assert np.nonzero(white.any(1))[0].max() < min(land_rows)


class _CountingRng:
    """A numpy Generator that counts the draws made from it."""

    def __init__(self, seed):
        self.rng, self.draws = np.random.default_rng(seed), 0

    def __getattr__(self, name):
        method = getattr(self.rng, name)

        def counted(*args, **kwargs):
            self.draws += 1
            return method(*args, **kwargs)
        return counted


def test_no_grounds_or_objects_draw_no_random_numbers(pools, monkeypatch):
    """A share of 0 takes nothing from the random stream, so the recipe without them (the
    shipped landscapes64's) still gives the same crops; any other share takes one draw each."""
    monkeypatch.setattr(layered, "PROCEDURAL_SKY_SHARE", 0.0)  # a photo sky: blue_skies draws
    off, tiny = _CountingRng(9), _CountingRng(9)
    plain = layered.compose(pools, 32, off, layered.Extras())
    layered.compose(pools, 32, tiny, layered.Extras(1e-12, 1e-12, 1e-12, 1e-12))
    assert tiny.draws == off.draws + 4
    assert np.array_equal(plain, layered.compose(pools, 32, np.random.default_rng(9)))


def test_object_scene_fills_the_frame_with_ground_and_puts_strong_blobs_anywhere(pools, monkeypatch):
    monkeypatch.setattr(layered, "OBJECT_SCENE_SKY_SHARE", 0.0)
    rng = np.random.default_rng(8)
    centres, hues = [], set()
    for _ in range(16):
        image = layered.compose(pools, 64, rng, layered.Extras(object_scenes=1.0)).astype(int)
        land = np.abs(image - [255, 0, 0]).max(2) < 40
        assert not (image[..., 2] > 200).all(1).any()  # no sky band
        blob = np.abs(image - [255, 0, 0]).max(2) > 80
        assert 4 <= blob.sum() and land.mean() > 0.6
        ys, xs = np.nonzero(blob)
        centres.append(ys.mean())
        core = image[blob].mean(0)
        hues.add(int(np.argmax(core)))
    assert min(centres) < 20 and max(centres) > 44  # high and low, not only under a horizon
    assert len(hues) >= 2  # more than one hue


def test_object_scene_on_a_sky_has_white_clouds(pools, monkeypatch):
    monkeypatch.setattr(layered, "OBJECT_SCENE_SKY_SHARE", 1.0)
    monkeypatch.setattr(layered, "PROCEDURAL_SKY_SHARE", 0.0)
    image = layered.compose(pools, 64, np.random.default_rng(2), layered.Extras(object_scenes=1.0)).astype(int)
    assert (image[..., 0] > 200).mean() < 0.2  # no land
    assert (image.min(2) > 200).sum() >= 4


def test_strong_colours_are_saturated_and_span_the_hues():
    rng = np.random.default_rng(0)
    colours = np.array([layered._strong_colour(rng) for _ in range(200)])
    assert ((colours.max(1) - colours.min(1)) / colours.max(1)).min() > 0.65
    assert {int(np.argmax(c)) for c in colours} == {0, 1, 2}


def test_blue_sky_keeps_the_texture_as_white_clouds_on_blue(monkeypatch):
    # a sky patch: dark grey with one bright soft cloud in the middle
    rows, cols = np.mgrid[0:64, 0:64]
    cloud = np.exp(-((rows - 32) ** 2 + (cols - 32) ** 2) / 60.0)
    sky = (np.full((64, 64), 70.0) + 150 * cloud).astype(np.float32)
    out = layered._blue_sky(np.repeat(sky[..., None], 3, 2), np.random.default_rng(0))
    centre, corner = out[32, 32], out[2, 2]
    assert centre.min() > 190                        # the cloud is white
    assert corner[2] > corner[0] + 60               # the clear sky is blue
    grain = np.random.default_rng(1).normal(0, 2, (64, 64, 3)).astype(np.float32)
    flat = layered._blue_sky(np.full((64, 64, 3), 120, np.float32) + grain, np.random.default_rng(0))
    assert flat.std(axis=(0, 1)).max() < 40          # grain is not stretched into clouds
