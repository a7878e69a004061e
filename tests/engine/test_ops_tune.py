"""Pivotal tuning (engine.ops.tune): a tuned copy of the tiny generator reproduces an
off-manifold photo better, stays close to the original near the pivot, stops on cancel,
round-trips through checkpoints, stands in for the generator in the other ops, and a bad or
foreign file is refused."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from engine import checkpoints, registry
from engine.cli import main
from engine.config import GeneratorConfig
from engine.errors import CheckpointError, UserError
from engine.imaging import save_image
from engine.jobs import drive
from engine.nets.inference import for_inference
from engine.ops.edit import edit
from engine.ops.generate import generate, random_z
from engine.ops.inpaint import inpaint
from engine.ops.metrics import psnr
from engine.ops.project import project
from engine.ops.tune import TuneSettings, load_tuned, save_tuned, tune, with_generator
from engine.ops.types import EditConstraints, EditSettings
from support.cancelling import run_cancelled_at
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def off_manifold_photo(size=16, seed=0):
    """Smooth colours no 16 px sample makes exactly: a diagonal ramp with a bright square."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 1, size)[:, None] + np.linspace(0, 1, size)[None, :]
    photo = np.stack([ramp * 100 + 40, 180 - ramp * 60, ramp * 30 + 90], axis=-1)
    photo[4:9, 8:13] = rng.integers(150, 255, 3)
    return np.clip(photo, 0, 255).astype(np.uint8)


@pytest.fixture
def projected(gan):
    photo = off_manifold_photo()
    return photo, drive(project(gan, photo, method="hybrid", steps=20))


def test_tuning_raises_psnr_and_keeps_the_model(gan, projected):
    photo, start = projected
    before = {k: v.clone() for k, v in gan.generator().state_dict().items()}
    result = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=40)))
    assert result.psnr_before == pytest.approx(start.psnr, abs=0.01)
    assert result.psnr > start.psnr + 3.0
    assert result.psnr == pytest.approx(psnr(generate(result.generator, start.z), photo), abs=1e-6)
    for name, tensor in gan.generator().state_dict().items():  # the model is untouched
        assert torch.equal(tensor, before[name])
    assert type(result.generator) is type(gan.generator())
    assert result.generator.config == gan.generator().config and not result.generator.training


def test_locality_keeps_nearby_latents_closer_to_the_original(gan, projected):
    photo, start = projected
    loose = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=40, locality_weight=0.0)))
    local = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=40, locality_weight=2.0)))
    u = random_z(gan.generator(), 8, seed=11)
    nearby = start.z + 0.3 * (u - start.z)
    original = generate(gan.generator(), nearby)

    def drift(g):
        return np.abs(generate(g, nearby).astype(float) - original).mean()
    assert drift(local.generator) < drift(loose.generator)


def test_progress_and_cancel_within_one_step(gan, projected):
    photo, start = projected
    seen = []
    drive(tune(gan, photo, start.z, settings=TuneSettings(steps=12, preview_every=5)), seen.append)
    assert [p.step for p in seen] == list(range(1, 13))
    assert [p.step for p in seen if p.preview is not None] == [5, 10]
    assert seen[-1].metrics["psnr"] > 0
    steps = run_cancelled_at(3, lambda token: tune(gan, photo, start.z,
                                                   settings=TuneSettings(steps=50), token=token))
    assert steps == [1, 2, 3]


def test_time_budget_stops_early(gan, projected):
    photo, start = projected
    result = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=10_000, time_budget=1e-9)))
    assert result.steps == 1


@pytest.mark.parametrize("changes, message", [
    ({"steps": 0}, "steps"), ({"lr": 0.0}, "lr"), ({"locality_radius": 1.5}, "locality_radius"),
    ({"feature_weight": float("nan")}, "feature_weight"), ({"time_budget": 0}, "time_budget"),
])
def test_bad_settings_are_user_errors(gan, projected, changes, message):
    photo, start = projected
    with pytest.raises(UserError, match=message):
        drive(tune(gan, photo, start.z, settings=TuneSettings(**changes)))


def test_bad_pivot_is_a_user_error(gan, projected):
    photo, _ = projected
    with pytest.raises(UserError, match="pivot"):
        drive(tune(gan, photo, np.zeros(3, np.float32)))


def test_round_trip_through_checkpoints_and_inference_rewrite(gan, projected, tmp_path):
    photo, start = projected
    result = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=10)))
    path = save_tuned(tmp_path / "tuned.safetensors", gan, result)
    loaded, pivot = load_tuned(path, gan)
    np.testing.assert_array_equal(pivot, start.z)
    np.testing.assert_array_equal(generate(loaded, start.z), result.image)
    # the fast inference rewrite (BatchNorm folded) gives the same images from the tuned copy
    z = torch.from_numpy(random_z(loaded, 4, seed=1))
    with torch.no_grad():
        assert torch.allclose(for_inference(loaded)(z), loaded(z), atol=1e-5)


def test_other_ops_use_the_tuned_generator(gan, projected):
    photo, start = projected
    result = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=20)))
    tuned_model = with_generator(gan, result.generator)
    assert tuned_model.generator() is result.generator and gan.generator() is not result.generator
    size = 16
    mask = np.zeros((size, size), bool)
    mask[2:4, 2:14] = True
    color = np.zeros((size, size, 3), np.uint8)
    color[..., 0] = 220
    settings = EditSettings(starts=2, candidates=1, steps=2)
    constraints = EditConstraints(color=color, color_mask=mask)
    # with the strokes' region tiny and few steps, the tuned edit stays near the tuned image
    ours = drive(edit(tuned_model, constraints, z0=start.z, settings=settings)).images[0]
    theirs = drive(edit(gan, constraints, z0=start.z, settings=settings)).images[0]
    assert psnr(ours, photo) > psnr(theirs, photo)
    hole = np.zeros((size, size), bool)
    hole[6:10, 6:10] = True
    filled = drive(inpaint(tuned_model, photo, hole, steps=2, starts=1))
    assert filled.shape == photo.shape


def test_files_from_another_model_or_damaged_are_refused(gan, projected, tmp_path):
    photo, start = projected
    result = drive(tune(gan, photo, start.z, settings=TuneSettings(steps=2)))
    path = save_tuned(tmp_path / "tuned.safetensors", gan, result)
    other = checkpoints.Model(folder=gan.folder, config={**gan.config, "name": "other"},
                              networks=gan.networks)
    with pytest.raises(CheckpointError, match="tuned from model"):
        load_tuned(path, other)
    wider = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=4))
    info = {"kind": "tuned_generator", "base_model": gan.name, "pivot": [0.0] * 8}
    checkpoints.save_network(tmp_path / "wider.safetensors", wider, info)
    with pytest.raises(CheckpointError, match="architecture or config"):
        load_tuned(tmp_path / "wider.safetensors", gan)
    damaged = tmp_path / "damaged.safetensors"
    damaged.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(CheckpointError, match="damaged"):
        load_tuned(damaged, gan)
    pickle = tmp_path / "tuned.pt"
    pickle.write_bytes(b"not loaded")
    with pytest.raises(CheckpointError, match="pickle"):
        load_tuned(pickle, gan)
    plain = tmp_path / "plain.safetensors"
    checkpoints.save_tensors(plain, gan.generator().state_dict())
    with pytest.raises(CheckpointError, match="not a network file"):
        load_tuned(plain, gan)
    nan = registry.build("dcgan_generator", gan.generator().config)
    with torch.no_grad():
        next(nan.parameters()).fill_(float("nan"))
    checkpoints.save_network(tmp_path / "nan.safetensors", nan, info)
    with pytest.raises(CheckpointError, match="NaN"):
        load_tuned(tmp_path / "nan.safetensors", gan)


def test_cli_project_pti_then_edit_with_tuned(tiny_gan, tmp_path, capsys):
    photo = save_image(tmp_path / "photo.png", off_manifold_photo())
    out, tuned = tmp_path / "rec.png", tmp_path / "g.safetensors"
    code = main(["project", str(photo), "--model", str(tiny_gan), "--out", str(out),
                 "--method", "pti", "--steps", "10", "--tune-steps", "20",
                 "--save-tuned", str(tuned), "--json"])
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and tuned.is_file() and out.is_file()
    assert report["method"] == "pti" and report["psnr"] > report["projection_psnr"]
    strokes = np.zeros((16, 16, 4), np.uint8)
    strokes[2:4, 2:14] = (220, 0, 0, 255)
    Image.fromarray(strokes, "RGBA").save(tmp_path / "strokes.png")
    code = main(["edit", "--model", str(tiny_gan), "--tuned", str(tuned), "--strokes",
                 str(tmp_path / "strokes.png"), "--out", str(tmp_path / "edit.png"),
                 "--candidates", "1", "--starts", "2", "--steps", "2"])
    assert code == 0 and (tmp_path / "edit.png").is_file()
    capsys.readouterr()
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\0" * 16)
    code = main(["interpolate", "--model", str(tiny_gan), "--tuned", str(bad), "--z0",
                 str(tmp_path / "none.npy"), "--z1", str(tmp_path / "none.npy"),
                 "--out", str(tmp_path / "frames")])
    assert code == 2
