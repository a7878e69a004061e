import numpy as np
import pytest
from PIL import Image

from engine.errors import UserError
from engine.jobs import drive
from engine.ops.evaluate import evaluate, list_images
from engine.ops.generate import generate, random_z
from engine.ops.metrics import MAX_PSNR, psnr
from support.ops_models import gan, one_thread, sr_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def test_psnr_values_border_and_mask():
    a = np.zeros((8, 8, 3), np.uint8)
    b = a.copy()
    assert psnr(a, b) == MAX_PSNR
    b[0, 0] = 255  # one pixel off by 255: mse = 255^2 / 64
    assert psnr(a, b) == pytest.approx(10 * np.log10(64))
    assert psnr(a, b, border=1) == MAX_PSNR
    mask = np.zeros((8, 8), bool)
    mask[:2, :2] = True
    assert psnr(a, b, mask=mask) == pytest.approx(10 * np.log10(4))
    with pytest.raises(UserError):
        psnr(a, b[:4])


def write_folder(folder, images):
    folder.mkdir()
    for i, image in enumerate(images):
        Image.fromarray(image).save(folder / f"{i}.png")
    return folder


def test_evaluate_reports_every_method(gan, tmp_path):
    generator = gan.generator()
    folder = write_folder(tmp_path / "images", generate(generator, random_z(generator, 2, 9)))
    seen = []
    report = drive(evaluate(gan, folder, sr_model=sr_model(2), steps=5,
                            inpaint_steps=5), seen.append)
    gan = report["gan"]
    assert set(gan["reconstruction_psnr"]) == {"encoder", "hybrid", "optimize", "pti"}
    assert gan["reconstruction_psnr"]["hybrid"] >= gan["reconstruction_psnr"]["encoder"]
    assert set(gan["inpainting_psnr"]) == {"ours", "telea"}
    assert set(report["sr"]["psnr"]) == {"model", "bicubic"} and report["images"] == 2
    assert gan["diversity"]["samples"] == 256 and gan["diversity"]["real_images"] == 2
    assert gan["diversity"]["spread_ratio"] > 0
    assert seen and seen[-1].total == 2


def test_evaluate_bad_inputs(gan, tmp_path):
    with pytest.raises(UserError, match="no images"):
        drive(evaluate(gan, tmp_path))
    with pytest.raises(UserError, match="not a folder"):
        drive(evaluate(gan, tmp_path / "missing"))
    with pytest.raises(UserError, match="gan model, an sr model"):
        drive(evaluate(None, tmp_path))
    with pytest.raises(UserError, match="hole"):
        drive(evaluate(gan, tmp_path, hole=1.5))
    images = write_folder(tmp_path / "images", [np.zeros((16, 16, 3), np.uint8)] * 2)
    with pytest.raises(UserError, match="not a folder"):
        drive(evaluate(gan, images, training_dir=tmp_path / "no-training"))
    with pytest.raises(UserError, match="samples"):
        drive(evaluate(gan, images, samples=1))


def test_image_limit_spreads_over_the_whole_folder(tmp_path):
    # Crops written photo by photo: 3 photos x 10 crops; 6 images must cover all 3 photos.
    for photo in range(3):
        for crop in range(10):
            Image.new("RGB", (4, 4)).save(tmp_path / f"{photo * 10 + crop:06d}.png")
    chosen = list_images(tmp_path, 6)
    assert [p.name for p in chosen] == sorted(p.name for p in chosen)
    assert len(set(chosen)) == 6
    assert {int(p.stem) // 10 for p in chosen} == {0, 1, 2}
    assert list_images(tmp_path, 30) == list_images(tmp_path, 100) == sorted(tmp_path.iterdir())
