"""`inpaint --method` / the learned fill from the command line, and `eval-fill`."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from engine import checkpoints, registry
from engine.cli import main
from engine.checkpoints import DEFAULT_MODEL
from engine.cli.op_inpaint import model_name
from engine.errors import UserError
from engine.nets.fill import FillConfig
from support.ops_models import one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def fill_dir(tmp_path):
    torch.manual_seed(0)
    net = registry.build("fill_gated_unet", FillConfig(width=4, max_width=8, depth=2, dilated=1,
                                                       image_size=16))
    return checkpoints.save_model(tmp_path / "fill", "fill", {"fill": net}, extra={"image_size": 16})


def save(path, array):
    Image.fromarray(array).save(path)
    return path


def photo(height=24, width=40):
    y, x = np.mgrid[:height, :width]
    return np.stack([x * 6, y * 9, (x + y) * 3], -1).clip(0, 255).astype(np.uint8)


def cli(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_inpaint_fills_with_a_fill_model_and_reports_the_method(fill_dir, tmp_path, capsys):
    image = photo()
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[8:14, 10:20] = 255
    code, out, _ = cli(capsys, "inpaint", save(tmp_path / "p.png", image), "--mask",
                       save(tmp_path / "m.png", mask), "--model", fill_dir, "--out",
                       tmp_path / "o.png", "--json", "--device", "cpu")
    assert code == 0
    report = json.loads(out.strip().splitlines()[-1])
    assert report["method"] == "learned" and report["hole_pixels"] == 60
    result = np.asarray(Image.open(tmp_path / "o.png"))
    changed = np.any(result != image, axis=2)
    assert changed[mask > 0].any() and not changed[:4].any()


def test_a_method_the_model_cannot_do_is_one_clear_error(fill_dir, tmp_path, capsys):
    image = photo()
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[8:14, 10:20] = 255
    code, _, err = cli(capsys, "inpaint", save(tmp_path / "p.png", image), "--mask",
                       save(tmp_path / "m.png", mask), "--model", fill_dir, "--method", "gan",
                       "--out", tmp_path / "o.png")
    assert code == 2 and "needs a gan model" in err and not (tmp_path / "o.png").exists()


def test_default_models_follow_the_method():
    class Args:
        model, method, tuned = None, None, None
    args = Args()
    assert model_name(args) == "fill128"
    args.method = "gan"
    assert model_name(args) == DEFAULT_MODEL
    args.method, args.tuned = None, "g.safetensors"
    assert model_name(args) == DEFAULT_MODEL
    args.method = "learned"
    with pytest.raises(UserError, match="--tuned"):
        model_name(args)


def test_eval_fill_compares_with_telea_and_writes_a_sheet(fill_dir, tmp_path, capsys):
    photos = tmp_path / "holdout"
    photos.mkdir()
    for i in range(2):
        save(photos / f"p{i}.png", np.roll(photo(32, 48), 7 * i, axis=1))
    code, out, _ = cli(capsys, "eval-fill", "--model", fill_dir, "--gan", "none", "--images",
                       photos, "--strokes", 1, "--repeats", 1, "--large-mp", 0.05,
                       "--sheet", tmp_path / "sheet.png", "--json", "--device", "cpu")
    assert code == 0
    report = json.loads(out.strip().splitlines()[-1])
    assert set(report["mean"]) == {"box", "free-form", "all"}
    assert set(report["mean"]["box"]) == {"telea", "learned", "learned_minus_telea"}
    assert len(report["per_case"]) == 4
    assert report["large_photo"]["learned"]["seconds"] > 0
    sheet = np.asarray(Image.open(tmp_path / "sheet.png"))
    assert sheet.shape[1] == 4 * 192 + 5 * 2 and sheet.shape[0] == 4 * 192 + 5 * 2
