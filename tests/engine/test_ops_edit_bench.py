"""The edit benchmark (engine.ops.edit_bench) and `eval edits`, on the tiny test gan."""

import json

import numpy as np
import pytest
from PIL import Image

from engine.cli import main
from engine.jobs import drive
from engine.ops import edit_prompts as P
from engine.ops.edit_bench import _load_crops, edit_benchmark, format_table, sheet
from engine.ops.project import project
from engine.ops.types import EditSettings
from support.images import write_image_folder
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")

QUICK = EditSettings(starts=4, candidates=2, steps=8, plateau=0)


@pytest.fixture
def data(tmp_path):
    write_image_folder(tmp_path / "holdout64", 12, 32, seed=3)
    write_image_folder(tmp_path / "train64", 20, 32, seed=4)
    return tmp_path


def test_prompts_rasterise_at_any_size_without_overlapping_strokes():
    assert len(P.PROMPTS) >= 8
    for size in (16, 64):
        for prompt in P.PROMPTS:
            constraints, masks = P.rasterize(prompt, size)
            assert all(m.any() for m in masks)
            assert sum(m.sum() for m in masks) == constraints.color_mask.sum()
            for stroke, mask in zip(prompt.strokes, masks):
                assert (constraints.color[mask] == stroke.color).all()


def test_hint_strokes_take_the_crop_colours_and_the_flat_fill_spreads_them():
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, 16:] = (200, 100, 50)
    strokes = P.hint_strokes(image, 6, np.random.default_rng(0))
    assert len(strokes) == 6
    for rgb, mask in strokes:
        assert np.allclose(rgb, image[mask].mean(0), atol=0.5)
    constraints = P.color_constraints(strokes, 32)
    flat = P.flat_fill(constraints)
    assert (flat[constraints.color_mask] == constraints.color[constraints.color_mask]).all()
    assert set(map(tuple, flat.reshape(-1, 3))) <= {tuple(rgb) for rgb, _ in strokes}


def test_benchmark_reports_every_part_and_draws_a_sheet(gan, data):
    seen = []
    result = drive(edit_benchmark(gan, data / "holdout64", data / "train64", QUICK, hints=2,
                                  hint_strokes=6, training_limit=20), seen.append)
    report = result.report
    assert len(report["prompts"]) == len(P.PROMPTS)
    assert seen[-1].step == seen[-1].total == 2 * len(P.PROMPTS) + 2 + len(P.SKETCHES) + len(P.WARPS)
    for row, prompt in zip(report["prompts"], P.PROMPTS):
        for mode in ("random", "fix"):
            misses = row[mode]["misses"]
            assert len(misses) == len(prompt.strokes)
            assert all(0 <= m <= 442 for m in misses)
            assert row[mode]["met"] == pytest.approx(np.mean([m < 40 for m in misses]), abs=1e-3)
            assert np.isfinite(row[mode]["d"]) and row[mode]["nearest"] >= 0
        assert row["fix"]["outside"] <= 1.0   # the blend keeps the fixed image there
    assert len(report["hints"]) == 2 and all(h["flat"] > 0 for h in report["hints"])
    # The closest candidate is at least the returned best; the ceiling is the crop's own projection.
    assert all(h["best_candidate"] >= h["psnr"] for h in report["hints"])
    crops = _load_crops(data / "holdout64", 2, 32)
    assert gan.has("encoder")   # so the ceiling is the hybrid projection
    for row, crop in zip(report["hints"], crops):
        assert row["projection"] == pytest.approx(drive(project(gan, crop, method="hybrid")).psnr, abs=0.01)
    assert all(w["after"] < w["before"] or w["before"] < 2 for w in report["warps"])
    summary = report["summary"]
    assert 0 <= summary["random_met"] <= 1 and summary["fix_outside"] <= 1.0
    table = format_table(report)
    assert "sky over grass" in table and "projection of the crop" in table and "warp" in table
    picture = sheet(result.cells)
    assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[0] > 16 * 10


def test_eval_edits_cli_prints_the_table_and_writes_the_sheet(tiny_gan, data, tmp_path, capsys):
    out = tmp_path / "sheet.png"
    code = main(["eval", "edits", "--model", str(tiny_gan), "--data", str(data), "--hints", "1",
                 "--training-limit", "10", "--sheet", str(out), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["command"] == "eval edits" and report["settings"]["candidates"] == 16
    assert np.asarray(Image.open(out)).ndim == 3


def test_eval_without_images_is_one_clear_error(tiny_gan, capsys):
    assert main(["eval", "--model", str(tiny_gan)]) == 2
    assert "--images" in capsys.readouterr().err
