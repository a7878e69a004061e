import numpy as np
import pytest
import torch

from engine.errors import UserError
from engine.imaging import to_tensor, to_uint8
from engine.jobs import CancelToken, Cancelled, drive
from engine.ops.translate import looks_like_drawing, prepare_input, translate
from engine.ops.upscale import upscale
from support.ops_models import one_thread, sr_model, translator_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def noise(height, width, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def test_tiled_upscale_equals_one_pass_over_the_whole_image():
    model = sr_model(scale=2)
    image = noise(37, 53)
    with torch.inference_mode():
        whole = to_uint8(model.net("sr")(to_tensor(image)))[0]
    seen = []
    tiled = drive(upscale(model, image, tile=16, overlap=2), seen.append)
    assert tiled.shape == (74, 106, 3)
    assert np.array_equal(tiled, whole)
    assert seen[-1].step == seen[-1].total == 12 and seen[-1].preview is not None


def test_upscale_cancel_and_bad_input():
    token, seen = CancelToken(), []

    def on_progress(progress):
        seen.append(progress.step)
        token.cancel()

    with pytest.raises(Cancelled):
        drive(upscale(sr_model(), noise(40, 40), tile=16, token=token), on_progress)
    assert seen == [1]
    with pytest.raises(UserError, match="tile"):
        drive(upscale(sr_model(), noise(8, 8), tile=0))
    with pytest.raises(UserError, match="sr model"):
        drive(upscale(translator_model(), noise(8, 8)))


def test_translate_returns_the_image_size_and_applies_the_network():
    image = noise(20, 30)
    out = drive(translate(translator_model(size=16), image, prepare="none"))
    assert out.shape == image.shape
    # the stand-in network negates the image; resizing blurs it, so compare the means
    assert abs(float(out.mean()) - (255 - float(image.mean()))) < 2


def test_cyclegan_directions_and_pix2pix_refuses_ba():
    image = noise(16, 16)
    cycle = translator_model("cyclegan")
    assert np.array_equal(drive(translate(cycle, image, direction="ba")), 255 - image)
    with pytest.raises(UserError, match="a->b"):
        drive(translate(translator_model("pix2pix"), image, direction="ba"))
    with pytest.raises(UserError, match="pix2pix or cyclegan"):
        drive(translate(sr_model(), image))


def test_drawings_are_recognised_and_left_alone():
    drawing = np.full((16, 16, 3), 255, np.uint8)
    drawing[4:12, 8] = 0
    assert looks_like_drawing(drawing)
    assert not looks_like_drawing(noise(16, 16))
    assert prepare_input(drawing, "edges", "auto") is drawing
    photo = noise(16, 16)
    assert prepare_input(photo, "edges", "none") is photo
    assert prepare_input(photo, "none", "auto") is photo


def test_auto_prepare_turns_a_photo_into_the_models_input():
    pairs = pytest.importorskip("engine.pairs")
    photo = noise(16, 16)
    expected = pairs.make_input("edges", photo)
    assert np.array_equal(prepare_input(photo, "edges", "auto"), expected)


def test_fully_convolutional_translator_runs_near_the_image_size():
    model = translator_model("cyclegan")
    del model.config["image_size"]
    image = noise(40, 70)
    out = drive(translate(model, image))
    assert out.shape == image.shape
    assert abs(float(out.mean()) - (255 - float(image.mean()))) < 2


def test_real_sr_and_unet_networks_through_the_ops(tmp_path):
    from engine import checkpoints, registry
    sr = registry.build("sr_compact", {"scale": 2, "width": 8, "blocks": 2})
    torch.nn.init.normal_(sr.body[-2].weight, 0.0, 0.05)  # make the learned part matter
    folder = checkpoints.save_model(tmp_path / "sr", "sr", {"sr": sr}, extra={"scale": 2})
    model = checkpoints.load_model(folder)
    image = noise(30, 41)
    with torch.inference_mode():
        whole = to_uint8(model.net("sr")(to_tensor(image)))[0]
    tiled = drive(upscale(model, image, tile=12, overlap=6))
    assert tiled.shape == (60, 82, 3)
    assert np.abs(tiled.astype(int) - whole).max() <= 1

    unet = registry.build("unet", {"image_size": 16, "width": 4})
    folder = checkpoints.save_model(tmp_path / "p2p", "pix2pix", {"generator": unet},
                                    extra={"input_transform": "edges"})
    out = drive(translate(checkpoints.load_model(folder), noise(24, 20)))
    assert out.shape == (24, 20, 3) and out.dtype == np.uint8
