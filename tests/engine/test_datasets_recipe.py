"""The outdoor dataset recipe, on fake photos: no download, no dpkg."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.datasets import outdoor
from engine.datasets.__main__ import main as datasets_main
from engine.datasets.outdoor_sources import OUTDOOR_PHOTOS, PACKAGES


def _save_jpeg(path: Path, pixels: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels.astype(np.uint8)).save(path, quality=95)
    return path


@pytest.fixture
def fake_photos(tmp_path: Path) -> list[tuple[Path, bool]]:
    """Two training photos with no red at all, and one all-red held-out photo, so a crop's
    colour tells which kind of photo it came from."""
    rng = np.random.default_rng(1)
    root = tmp_path / "unpacked" / "fake-backgrounds" / "usr/share/backgrounds"
    ramp = np.linspace(0, 255, 480)[None, :, None]
    green_blue = np.concatenate([np.zeros((360, 480, 1)), np.broadcast_to(ramp, (360, 480, 1)),
                                 rng.uniform(0, 255, (360, 480, 1))], axis=2)
    blue_noise = np.zeros((300, 400, 3))
    blue_noise[..., 2] = rng.uniform(0, 255, (300, 400))
    red = np.zeros((320, 420, 3))
    red[..., 0] = 160 + rng.uniform(0, 95, (320, 420))
    return [
        (_save_jpeg(root / "gradient.jpg", green_blue), False),
        (_save_jpeg(root / "noise.jpg", blue_noise), False),
        (_save_jpeg(root / "red.jpg", red), True),
    ]


def _build(photos, out_dir: Path, seed: int = 0, workers: int = 1) -> dict:
    return outdoor.build_crop_sets(photos, out_dir, n64=11, n256=3, n_holdout64=4, seed=seed,
                                   workers=workers, progress=lambda _: None, n_scenes256=2)


def _pngs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.png"))


def _pixels(folder: Path) -> list[bytes]:
    return [np.asarray(Image.open(p)).tobytes() for p in _pngs(folder)]


def test_crop_counts_and_sizes(fake_photos, tmp_path):
    summary = _build(fake_photos, tmp_path / "out")
    out = tmp_path / "out"
    for folder, count, size in (("train64", 11, 64), ("train256", 3, 256), ("scenes256", 2, 256),
                                ("holdout64", 4, 64)):
        files = _pngs(out / folder)
        assert len(files) == count
        for f in files:
            with Image.open(f) as image:
                assert image.size == (size, size) and image.mode == "RGB"
    # 11 crops over 2 training photos: spread evenly.
    per_photo = summary["crop_sets"]["train64"]["photos"]
    assert sorted(p["count"] for p in per_photo.values()) == [5, 6]
    holdout = _pngs(out / "holdout")
    assert [p.name for p in holdout] == ["red.png"]
    assert min(Image.open(holdout[0]).size) == 320  # smaller than 512: kept as is


def test_same_seed_same_crops_other_seed_other_crops(fake_photos, tmp_path):
    _build(fake_photos, tmp_path / "a", seed=3)
    _build(fake_photos, tmp_path / "b", seed=3)
    _build(fake_photos, tmp_path / "c", seed=4)
    for folder in ("train64", "train256", "scenes256", "holdout64"):
        assert _pixels(tmp_path / "a" / folder) == _pixels(tmp_path / "b" / folder)
    assert _pixels(tmp_path / "a" / "train64") != _pixels(tmp_path / "c" / "train64")


def test_worker_count_does_not_change_the_crops(fake_photos, tmp_path):
    _build(fake_photos, tmp_path / "one", workers=1)
    _build(fake_photos, tmp_path / "two", workers=2)
    for folder in ("train64", "train256", "scenes256", "holdout64"):
        assert _pixels(tmp_path / "one" / folder) == _pixels(tmp_path / "two" / folder)


def test_holdout_photos_never_feed_training_crops(fake_photos, tmp_path):
    _build(fake_photos, tmp_path / "out")
    for folder in ("train64", "train256", "scenes256"):
        for f in _pngs(tmp_path / "out" / folder):
            assert np.asarray(Image.open(f))[..., 0].max() < 40, f"red in {f}"
    for f in _pngs(tmp_path / "out" / "holdout64"):
        assert np.asarray(Image.open(f))[..., 0].mean() > 120


def test_rerun_with_fewer_crops_leaves_no_stale_files(fake_photos, tmp_path):
    _build(fake_photos, tmp_path / "out")
    outdoor.build_crop_sets(fake_photos, tmp_path / "out", n64=2, n256=1, n_holdout64=1,
                            progress=lambda _: None)
    assert len(_pngs(tmp_path / "out" / "train64")) == 2


def test_crop_sides_stay_within_bounds():
    assert outdoor.CROPS_64.side_bounds(1000) == (300, 1000)
    assert outdoor.CROPS_256.side_bounds(1600) == (256, 768)
    assert outdoor.CROPS_256.side_bounds(300) == (256, 300)
    assert outdoor.CROPS_256.side_bounds(200) == (200, 200)
    assert outdoor.CROPS_SCENES_256.side_bounds(1600) == (800, 1600)
    rng = np.random.default_rng(0)
    photo = Image.new("RGB", (500, 300))
    for _ in range(50):
        assert outdoor.random_crop(photo, outdoor.CROPS_64, rng).size == (64, 64)


def test_source_list_is_consistent():
    names = [s.name for s in OUTDOOR_PHOTOS]
    assert len(names) == len(set(names))
    assert {s.package for s in OUTDOOR_PHOTOS} <= set(PACKAGES)
    assert 3 <= sum(s.holdout for s in OUTDOOR_PHOTOS) <= 4
    assert all(not s.path.endswith(".svg") and len(s.sha256) == 64 for s in OUTDOOR_PHOTOS)
    assert all(s.author and s.licence for s in OUTDOOR_PHOTOS)


def test_given_debs_folder_without_debs_is_a_one_line_error(tmp_path, capsys):
    code = datasets_main(["outdoor", "--out", str(tmp_path / "out"), "--debs", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: no gnome-backgrounds_*.deb") and err.count("\n") == 1


def test_unwritable_output_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = datasets_main(["outdoor", "--out", str(blocker / "out"), "--debs", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "not writable" in err and err.count("\n") == 1


def test_failed_apt_get_is_a_one_line_error(tmp_path, monkeypatch):
    def fake_run(command, cwd=None):
        class Result:
            returncode = 100
            stdout = ""
            stderr = "E: Unable to locate package gnome-backgrounds\n"
        return Result()

    monkeypatch.setattr(outdoor, "_run", fake_run)
    with pytest.raises(outdoor.DatasetError, match="apt-get download .* failed: E: Unable"):
        outdoor.download_debs(tmp_path / "debs", PACKAGES, progress=lambda _: None)


def test_manifest_from_a_fake_unpacked_tree(tmp_path, monkeypatch):
    """build_outdoor end to end, with the packages replaced by a fake tree."""
    source = OUTDOOR_PHOTOS[0]
    fake = [
        dataclasses.replace(source, name=name, path=f"photos/{name}.jpg", holdout=holdout)
        for name, holdout in (("a", False), ("b", False), ("c", True))
    ]
    unpacked = tmp_path / "unpacked"
    rng = np.random.default_rng(0)
    for s in fake:
        _save_jpeg(unpacked / s.package / s.path, rng.uniform(0, 255, (300, 400, 3)))
    monkeypatch.setattr(outdoor, "OUTDOOR_PHOTOS", tuple(fake))
    monkeypatch.setattr(outdoor, "find_debs", lambda d, pkgs: {p: d / f"{p}_1_all.deb" for p in pkgs})
    monkeypatch.setattr(outdoor, "unpack_debs", lambda debs, root, progress: {
        p: unpacked / p for p in debs})
    monkeypatch.setattr(outdoor, "deb_version", lambda deb: "1")

    out = tmp_path / "out"
    outdoor.build_outdoor(out, n64=6, n256=2, seed=5, debs_dir=tmp_path, progress=lambda _: None,
                          n_holdout64=3, workers=1, n_scenes256=4)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 5
    assert manifest["counts"] == {"train64": 6, "train256": 2, "scenes256": 4, "holdout64": 3,
                                  "holdout": 1}
    assert [s["name"] for s in manifest["sources"]] == ["a", "b", "c"]
    assert all(s["sha256_matches"] is False for s in manifest["sources"])
    assert set(manifest["crop_sets"]["train64"]["photos"]) == {"a", "b"}
    assert manifest["crop_params"]["train64"]["side_fraction_of_shorter_side"] == [0.3, 1.0]
