"""Training inputs: resume states with wrong types, images smaller than the crop; and the
upscale result bound (64 MP) checked before allocating it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support.images import write_image_folder
from support.ops_models import sr_model

from engine import checkpoints
from engine.errors import UserError
from engine.jobs import drive
from engine.ops.upscale import upscale
from engine.train import TrainOptions, run_training

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def gan(data, out, **changes):
    settings = dict(preset="cpu-quick", size=16, z_dim=8, width=8, batch=8, iters=2, device="cpu")
    return TrainOptions(data=str(data), out=str(out), **{**settings, **changes})


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    data = write_image_folder(root / "scenes", 12, 16)
    run_training("gan", gan(data, root / "m"))
    return data, root / "m"


@pytest.mark.parametrize("change", [
    lambda s: s.update(iteration="abc"), lambda s: s.update(iteration=-4),
    lambda s: s.update(elapsed=[1, 2]), lambda s: s.update(networks=[]),
    lambda s: s.update(data={"real": {"perm": torch.arange(3), "pos": 0, "rng": "{}"}}),
    lambda s: s.update(data={"real": {"perm": torch.arange(12), "pos": 99, "rng": "{}"}}),
    lambda s: s.update(rng=[{"torch": "nope"}]), lambda s: s.update(optimizers={"x": 1}),
])
def test_damaged_resume_state_is_one_clear_error(run, change):
    data, out = run
    path = out / "training" / "state.safetensors"
    original = path.read_bytes()
    try:
        state = checkpoints.load_state(path)
        change(state)
        checkpoints.save_state(path, state)
        with pytest.raises(UserError):
            run_training("gan", gan(data, out, iters=4, resume=True))
    finally:
        path.write_bytes(original)


def test_images_all_smaller_than_the_crop_are_refused(tmp_path):
    data = write_image_folder(tmp_path / "tiny", 12, 1)
    with pytest.raises(UserError, match="smaller than the 16px training crop"):
        run_training("gan", gan(data, tmp_path / "m"))
    assert not (tmp_path / "m" / "config.json").exists()


def test_some_small_images_are_reported(tmp_path):
    data = write_image_folder(tmp_path / "mixed", 10, 16)
    write_image_folder(tmp_path / "mixed" / "small", 2, 4, seed=5)
    news = []
    run_training("gan", gan(data, tmp_path / "m"), progress_fn=lambda p: news.append(p.message))
    assert any("2 of 12" in m and "smaller than the 16px" in m for m in news)


def test_upscale_past_64_megapixels_is_refused_before_allocating():
    image = np.zeros((2100, 2100, 3), np.uint8)   # x4: 70.6 MP
    with pytest.raises(UserError, match="megapixels"):
        drive(upscale(sr_model(4), image))
