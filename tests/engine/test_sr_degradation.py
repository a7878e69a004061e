"""sr training sees the inputs the evaluation gives it; cosine learning rate; tiles that
overlap by the net's receptive field give the one-pass result."""

import numpy as np
import pytest
import torch

from engine import checkpoints, registry
from engine.imaging import resize, to_tensor, to_uint8
from engine.jobs import drive
from engine.ops.upscale import default_overlap, upscale
from engine.train import TrainOptions, run_training
from engine.train.tasks.sr import cosine_lr, downscale
from support.images import write_image_folder

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def photo_like(height, width, seed=0):
    """Smooth colour fields plus a little noise: a stand-in photo with real detail."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / 7.0
    base = np.stack([np.sin(x + c) * np.cos(y * (1 + c)) for c in range(3)], -1)
    image = 127.5 + 100 * base + rng.normal(0, 12, (height, width, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("scale", [2, 4])
def test_sr_training_downscale_matches_the_evaluation_shrink(scale):
    image = photo_like(64, 96, seed=scale)
    # engine.ops.evaluate makes the net's input with engine.imaging.resize (INTER_AREA)
    expected = resize(image, 96 // scale, 64 // scale)
    ours = to_uint8(downscale(to_tensor(image), scale))[0]
    assert ours.shape == expected.shape
    assert np.abs(ours.astype(int) - expected).max() <= 1
    # it is already quantised: exactly the 256 levels of a uint8 image
    lr = downscale(to_tensor(image), scale)
    assert torch.allclose(lr, to_tensor(to_uint8(lr)[0]), atol=1e-6)
    # the old input (antialiased bicubic) was a different, blurrier image
    old = torch.nn.functional.interpolate(to_tensor(image), scale_factor=1 / scale,
                                          mode="bicubic", antialias=True)
    assert np.abs(to_uint8(old)[0].astype(int) - expected).mean() > 1


def test_sr_cosine_lr_schedule():
    assert cosine_lr(1e-3, 0, 100) == pytest.approx(1e-3)
    assert cosine_lr(1e-3, 50, 100) == pytest.approx(5e-4)
    assert cosine_lr(1e-3, 100, 100) == pytest.approx(0.0, abs=1e-12)
    values = [cosine_lr(1.0, i, 40) for i in range(41)]
    assert all(a > b for a, b in zip(values, values[1:]))


def test_sr_training_follows_the_cosine_schedule(tmp_path):
    data = write_image_folder(tmp_path / "data", 8, 32, seed=3)
    folder = run_training("sr", TrainOptions(
        data=str(data), out=str(tmp_path / "sr"), preset="cpu-quick", size=32, scale=4,
        width=4, blocks=1, batch=4, iters=8, lr=1e-3, device="cpu", log_every=1))
    state = checkpoints.load_state(folder / "training" / "state.safetensors")
    groups = state["optimizers"]["sr"]["param_groups"]
    # the last step (iteration 7 of 8) ran at the schedule's last value
    assert groups[0]["lr"] == pytest.approx(cosine_lr(1e-3, 7, 8))
    assert checkpoints.load_model(folder).config["scale"] == 4


def test_sr_tiles_overlap_by_the_receptive_field_by_default(tmp_path):
    sr = registry.build("sr_compact", {"scale": 2, "width": 4, "blocks": 10})
    torch.manual_seed(0)
    for layer in sr.body:
        if isinstance(layer, torch.nn.Conv2d):
            torch.nn.init.normal_(layer.weight, 0.0, 0.3)   # make every layer matter
    assert sr.context == 12 and default_overlap(sr) == 12
    folder = checkpoints.save_model(tmp_path / "sr", "sr", {"sr": sr}, extra={"scale": 2})
    model = checkpoints.load_model(folder)
    image = photo_like(45, 70, seed=1)
    with torch.inference_mode():
        whole = to_uint8(model.net("sr")(to_tensor(image)))[0]
    tiled = drive(upscale(model, image, tile=16))
    assert np.abs(tiled.astype(int) - whole).max() <= 1
    # an overlap smaller than the receptive field leaves seams
    seams = drive(upscale(model, image, tile=16, overlap=2))
    assert np.abs(seams.astype(int) - whole).max() > 1
    assert default_overlap(torch.nn.Identity()) == 8
