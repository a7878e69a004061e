"""The green / warm colour-domain recipe (engine.datasets.domains) on tiny made-up builds."""

import json

import numpy as np
from PIL import Image

from engine.datasets import domains
from engine.datasets.__main__ import main

GREEN, RED, YELLOW, BLUE, GREY = (50, 160, 40), (200, 40, 30), (230, 190, 30), (40, 80, 200), (128, 128, 128)


def plain(rgb, side=16):
    return np.broadcast_to(np.array(rgb, np.uint8), (side, side, 3)).copy()


def test_rule_names_each_colour_family():
    assert domains.domain_of(plain(GREEN)) == "a"
    assert domains.domain_of(plain(RED)) == "b"
    assert domains.domain_of(plain(YELLOW)) == "b"
    assert domains.domain_of(plain(BLUE)) is None
    assert domains.domain_of(plain(GREY)) is None       # no chroma: neither
    half = plain(GREEN)
    half[:8] = RED
    assert domains.domain_of(half) is None               # both families: neither
    mostly = plain(GREEN)
    mostly[:1] = GREY
    assert domains.domain_of(mostly) == "a"
    green, warm = domains.colour_fractions(half)
    assert abs(green - 0.5) < 1e-6 and abs(warm - 0.5) < 1e-6


def fake_build(root):
    """An outdoor build in miniature: train64/ (two photos), holdout64/ and holdout/."""
    (root / "train64").mkdir(parents=True)
    (root / "holdout64").mkdir()
    (root / "holdout").mkdir()
    colours = [GREEN, GREEN, RED, BLUE, YELLOW, GREEN]
    for i, colour in enumerate(colours):
        Image.fromarray(plain(colour)).save(root / "train64" / f"{i:06d}.png")
    for i, colour in enumerate([RED, BLUE]):
        Image.fromarray(plain(colour)).save(root / "holdout64" / f"{i:06d}.png")
    photo = np.zeros((64, 96, 3), np.uint8)
    photo[:, :48] = GREEN
    photo[:, 48:] = RED
    Image.fromarray(photo).save(root / "holdout" / "p.png")
    manifest = {"crop_sets": {
        "train64": {"count": 6, "photos": {"leafy": {"first_index": 0, "count": 3},
                                           "mixed": {"first_index": 3, "count": 3}}},
        "holdout64": {"count": 2, "photos": {"p": {"first_index": 0, "count": 2}}}},
        "holdout_photos": [{"name": "p", "file": "holdout/p.png", "size": [96, 64]}]}
    (root / "manifest.json").write_text(json.dumps(manifest))


def test_build_splits_training_and_held_out_crops(tmp_path, capsys):
    build, out = tmp_path / "outdoor", tmp_path / "domains"
    fake_build(build)
    assert main(["domains", "--outdoor", str(build), "--out", str(out), "--tile", "32"]) == 0
    assert "train a 3, b 2" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "a").iterdir()) == ["000000.png", "000001.png", "000005.png"]
    assert sorted(p.name for p in (out / "b").iterdir()) == ["000002.png", "000004.png"]
    assert [p.name for p in (out / "holdout" / "b").iterdir()] == ["000000.png"]
    assert not list((out / "holdout" / "a").iterdir())
    # tiles of 32 px at stride 16 on a 96x64 photo, green left half, red right half
    manifest = json.loads((out / "manifest.json").read_text())
    tiles = manifest["counts"]["holdout_tiles"]
    assert tiles["a"] >= 2 and tiles["b"] >= 2
    assert manifest["per_photo"]["train"]["leafy"] == {"a": 2, "b": 1, "none": 0}
    assert manifest["per_photo"]["train"]["mixed"] == {"a": 1, "b": 1, "none": 1}
    tile = np.asarray(Image.open(next((out / "holdout_tiles" / "a").iterdir())))
    assert tile.shape == (16, 16, 3)    # shrunk to the training crops' size
    # the same files again: a second run gives the same split and leaves nothing stale
    (out / "a" / "stale.png").write_bytes(b"")
    assert main(["domains", "--outdoor", str(build), "--out", str(out), "--tile", "32"]) == 0
    assert len(list((out / "a").iterdir())) == 3


def test_missing_build_is_one_error_line(tmp_path, capsys):
    assert main(["domains", "--outdoor", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")
