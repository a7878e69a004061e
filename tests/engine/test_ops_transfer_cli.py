"""`transfer --strokes` and `eval-transfer` on the command line."""

import json

import numpy as np
import pytest
from PIL import Image

from engine import checkpoints, registry
from engine.cli import main
from engine.config import GeneratorConfig
from support.images import make_scene
from support.ops_models import one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def cli(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def save(path, array, mode=None):
    Image.fromarray(array, mode).save(path)
    return str(path)


def test_strokes_limit_the_change_to_their_margin(tmp_path, capsys):
    photo = save(tmp_path / "photo.png", make_scene(64, np.random.default_rng(0)))
    before = np.full((16, 16, 3), 100, np.uint8)
    after = np.full((16, 16, 3), 200, np.uint8)        # G changed everywhere
    strokes = np.zeros((16, 16, 4), np.uint8)
    strokes[2:4, 2:4] = (255, 128, 0, 255)              # the user painted the top-left corner
    args = ["transfer", photo, "--before", save(tmp_path / "b.png", before),
            "--after", save(tmp_path / "a.png", after)]
    code, _, _ = cli(capsys, *args, "--strokes", save(tmp_path / "s.png", strokes, "RGBA"),
                     "--margin", 2, "--out", tmp_path / "local.png")
    assert code == 0
    original = np.asarray(Image.open(photo)).astype(int)
    local = np.asarray(Image.open(tmp_path / "local.png")).astype(int)
    assert np.array_equal(local[40:], original[40:])             # beyond the margin
    assert np.abs(local[8:16, 8:16] - original[8:16, 8:16]).mean() > 20
    code, _, _ = cli(capsys, *args, "--out", tmp_path / "all.png")
    everywhere = np.asarray(Image.open(tmp_path / "all.png")).astype(int)
    assert code == 0 and np.abs(everywhere[40:] - original[40:]).mean() > 20


def test_strokes_without_transparency_are_one_clear_error(tmp_path, capsys):
    image = save(tmp_path / "i.png", np.zeros((16, 16, 3), np.uint8))
    code, _, err = cli(capsys, "transfer", image, "--before", image, "--after", image,
                       "--strokes", image, "--out", tmp_path / "o.png")
    assert code == 2 and "transparency" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o.png").exists()


@pytest.fixture
def untrained_gan(tmp_path):
    """A 16 px generator straight from its initialisation: enough to exercise the eval."""
    import torch
    torch.manual_seed(0)
    generator = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=4))
    return checkpoints.save_model(tmp_path / "gan", "gan", {"generator": generator})


def test_eval_transfer_prints_the_numbers_and_writes_the_sheet(untrained_gan, tmp_path, capsys):
    folder = tmp_path / "holdout"
    folder.mkdir()
    save(folder / "photo.png", np.ascontiguousarray(make_scene(48, np.random.default_rng(1))[:, :40]))
    sheet = tmp_path / "sheet.png"
    code, stdout, _ = cli(capsys, "eval-transfer", "--model", untrained_gan, "--images", folder,
                          "--steps", 2, "--repeats", 1, "--large-mp", 0.05, "--sheet", sheet,
                          "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["cases"] == 2 and {c["case"] for c in data["per_case"]} == {"colour", "warp"}
    for key in ("ssim_outside", "structure_inside"):
        assert set(data["mean"][key]) == {"new", "old"}
        assert all(-1 <= v <= 1 for v in data["mean"][key].values())
    assert set(data["mean"]["miss"]) == {"new", "old", "photo", "generated"}
    assert data["large_photo"]["new"]["seconds"] > 0 and data["large_photo"]["old"]["peak_mb"] > 0
    rows = np.asarray(Image.open(sheet))
    assert rows.shape[0] >= 2 * 192 and rows.shape[2] == 3
