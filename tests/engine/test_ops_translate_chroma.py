"""A colour-domain translator (config "output": "chroma", e.g. a CycleGAN green <-> warm)
changes a full photo the way colourisation does: colour from the net at a working size,
lightness and detail from the photo."""

import numpy as np
import pytest
import torch
import torch.nn as nn
from PIL import Image

from engine import checkpoints, registry
from engine.checkpoints import Model
from engine.chroma import rgb_to_lab
from engine.cli import main
from engine.errors import UserError
from engine.jobs import drive
from engine.ops.translate import keeps_lightness, translate
from engine.ops.translate_eval import lightness_psnr
from support.ops_models import one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


class SwapRedGreen(nn.Module):
    """Stand-in translator: swaps the red and green channels (green leaves turn red) and
    records the sizes it is run at."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(()))
        self.seen = []

    def forward(self, x):
        self.seen.append(tuple(x.shape[-2:]))
        return x[:, [1, 0, 2]]


def cyclegan(output: str | None = "chroma") -> Model:
    config = {"kind": "cyclegan", "name": "test-green2warm"}
    if output:
        config["output"] = output
    return Model(folder=None, config=config,
                 networks={"generator_ab": SwapRedGreen().eval(),
                           "generator_ba": SwapRedGreen().eval()})


def leaves(height=300, width=500, seed=0):
    """Green foliage with fine light and dark detail (stripes and noise)."""
    rng = np.random.default_rng(seed)
    image = np.zeros((height, width, 3), np.float32)
    image[:] = (60, 150, 50)
    image[:, ::7] *= 1.5         # one-pixel light stripes: detail a small net cannot keep
    image[: height // 3] *= 0.6  # a darker band
    image += rng.normal(0, 8, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def test_colour_model_keeps_the_photos_lightness_and_takes_the_nets_colour():
    model, photo = cyclegan(), leaves()
    out = drive(translate(model, photo, work_side=64))
    assert out.shape == photo.shape and out.dtype == np.uint8
    net = model.net("generator_ab")
    assert max(net.seen[-1]) <= 64          # the net ran at the working size, not the photo's
    assert lightness_psnr(out, photo) > 38  # the photo's lightness and fine detail survive
    a_before = rgb_to_lab(photo)[..., 1].mean()
    a_after = rgb_to_lab(out)[..., 1].mean()
    assert a_before < -20 and a_after > 20  # green -> red, as the net says


def test_lightness_model_and_keep_override_the_config():
    photo = leaves(128, 192)   # multiples of the stride: run at its own size
    rgb = drive(translate(cyclegan(), photo, lightness="model"))
    assert np.array_equal(rgb, photo[..., [1, 0, 2]])   # the net's own RGB at full size
    assert lightness_psnr(rgb, photo) < 25
    plain = cyclegan(output=None)
    assert not keeps_lightness(plain) and keeps_lightness(cyclegan())
    kept = drive(translate(plain, photo, lightness="keep", work_side=48))
    assert lightness_psnr(kept, photo) > 33   # less than exact: bright reds leave the gamut
    assert np.array_equal(drive(translate(plain, photo)), rgb)   # auto: no flag, plain RGB


def test_bad_lightness_and_working_size_are_refused():
    photo = leaves(40, 60)
    with pytest.raises(UserError, match="lightness"):
        drive(translate(cyclegan(), photo, lightness="sometimes"))
    with pytest.raises(UserError, match="working size"):
        drive(translate(cyclegan(), photo, work_side=4))


def test_both_directions_and_a_real_resnet_through_the_cli(tmp_path, capsys):
    net = registry.build("resnet_translator", {"width": 4, "blocks": 1})
    folder = checkpoints.save_model(tmp_path / "g2w", "cyclegan",
                                    {"generator_ab": net, "generator_ba": net},
                                    extra={"output": "chroma"})
    photo = leaves(90, 130)
    Image.fromarray(photo).save(tmp_path / "photo.png")
    for direction in ("ab", "ba"):
        out_path = tmp_path / f"{direction}.png"
        code = main(["translate", str(tmp_path / "photo.png"), "--model", str(folder),
                     "--direction", direction, "--work-size", "64", "--out", str(out_path)])
        capsys.readouterr()
        assert code == 0
        out = np.asarray(Image.open(out_path).convert("RGB"))
        assert out.shape == photo.shape
        assert lightness_psnr(out, photo) > 35


def test_cycle_scores_and_sheet():
    from engine.ops.translate_eval import cycle_scores, cycle_sheet
    model = cyclegan()
    crops = [leaves(32, 32, seed) for seed in range(3)]
    exact = cycle_scores(model, crops, "ab", lightness="model",
                         classify=lambda image: "b", target="b")
    assert exact["images"] == 3 and exact["cycle_psnr"] > 100 and exact["cycle_l1"] == 0
    assert exact["in_target_domain"] == 1.0 and exact["chroma_moved"] > 30
    kept = cycle_scores(model, crops, "ba")
    assert kept["lightness_psnr"] > 33 and "in_target_domain" not in kept
    sheet = cycle_sheet(model, crops[:2], crops[1:], leaves(40, 80), cell=16, photo_height=20)
    assert sheet.dtype == np.uint8 and sheet.shape[0] > 6 * 16 + 20
