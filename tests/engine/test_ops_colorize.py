"""Colourisation at the photo's size: lightness kept, chroma from the net, guided by L."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from engine import checkpoints, registry
from engine.checkpoints import Model
from engine.chroma import AB_SCALE, HINT_CHANNELS, hints_from_points, rgb_to_lab, sample_hints
from engine.errors import UserError
from engine.jobs import drive
from engine.ops.translate import translate
from engine.ops.translate_eval import chroma_error, lightness_psnr
from engine.pairs import gray
from support.colorizers import spread_hints, tiny_colorizer  # noqa: F401
from support.ops_models import one_thread, translator_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def scene(height=96, width=160, seed=0):
    """A horizon: bright blue-ish sky over darker green ground, plus noise."""
    rng = np.random.default_rng(seed)
    image = np.zeros((height, width, 3), np.float32)
    image[: height // 2] = (110, 160, 230)
    image[height // 2:] = (50, 120, 40)
    image += rng.normal(0, 6, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


class ChromaFromLightness(nn.Module):
    """Stand-in colouriser: bright -> blue (b < 0), dark -> green (a < 0), or the hints'
    colour near where the hint mask is set (spread_hints), so tests can predict its chroma."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        L = x[:, :1]
        hint_ab, mask = spread_hints(x)
        bright = (L > -0.1).float()
        blue = torch.cat([torch.zeros_like(L), -0.3 * torch.ones_like(L)], 1)
        green = torch.cat([-0.3 * torch.ones_like(L), 0.2 * torch.ones_like(L)], 1)
        ab = bright * blue + (1 - bright) * green
        return mask * hint_ab + (1 - mask) * ab


def lab_model() -> Model:
    net = ChromaFromLightness().eval()
    net.config = type("C", (), {"depth": 3, "image_size": 64})()
    return Model(folder=None, config={"kind": "pix2pix", "name": "test-color",
                                      "input_transform": "gray", "output": "lab_ab",
                                      "hints": True}, networks={"generator": net})


def test_colourised_photo_keeps_its_lightness_and_takes_the_predicted_chroma():
    truth = scene()
    grey = gray(truth)
    out = drive(translate(lab_model(), grey))
    assert out.shape == grey.shape and out.dtype == np.uint8
    assert lightness_psnr(out, grey) >= 45
    lab = rgb_to_lab(out)
    sky, ground = lab[:40], lab[56:]
    assert np.median(sky[..., 2]) < -0.2 * AB_SCALE          # blue
    assert np.median(ground[..., 1]) < -0.2 * AB_SCALE       # green
    assert chroma_error(out, truth) < chroma_error(grey, truth)


def test_colour_edges_follow_the_photos_edge_not_the_working_grid():
    """Chroma predicted at 1/8 size would smear over 8+ pixels if stretched; guided by the
    full-size lightness, the colour switches where the lightness does."""
    truth = scene(256, 256)
    grey = gray(truth)
    out = drive(translate(lab_model(), grey, work_side=32))
    b = rgb_to_lab(out)[..., 2].mean(axis=1)      # row profile of b
    edge = 128
    assert b[edge - 3] < -20 and b[edge + 2] > 10


def test_hints_steer_the_colour_where_they_are():
    grey = gray(scene())
    hints = hints_from_points(96, 160, [(40, 20, 6, (230, 40, 40))])   # red dab in the sky
    out = drive(translate(lab_model(), grey, hints=hints))
    lab = rgb_to_lab(out)
    assert lab[20, 40, 1] > 20                 # red (a > 0) where the hint is
    assert lab[20, 130, 1] < 5                 # the rest of the sky is unchanged
    with pytest.raises(UserError, match="hints must be"):
        drive(translate(lab_model(), grey, hints=hints[:10]))
    with pytest.raises(UserError, match="no colour hints"):
        drive(translate(translator_model(size=16), grey, hints=hints))


def test_an_rgb_colouriser_only_gives_its_chroma():
    """An older RGB -> RGB model's own lightness (blurred, at its small size) is dropped."""
    model = translator_model(size=16, transform="gray")   # negates the image
    grey = gray(scene())
    out = drive(translate(model, grey))
    assert out.shape == grey.shape and lightness_psnr(out, grey) >= 45


def test_a_trained_fully_convolutional_colouriser_runs_at_any_size(tmp_path):
    unet = registry.build("unet", {"image_size": 32, "in_channels": 1 + HINT_CHANNELS,
                                   "out_channels": 2, "width": 4, "depth": 3})
    folder = checkpoints.save_model(tmp_path / "c", "pix2pix", {"generator": unet},
                                    extra={"input_transform": "gray", "output": "lab_ab"})
    grey = gray(scene(50, 77))
    out = drive(translate(checkpoints.load_model(folder), grey))
    assert out.shape == grey.shape and lightness_psnr(out, grey) >= 45
    with pytest.raises(UserError, match="working size"):
        drive(translate(checkpoints.load_model(folder), grey, work_side=4))


def test_training_hints_are_patch_means_of_the_photo():
    flat = scene(96, 160)[:40]          # sky only: a patch's mean is near every pixel of it
    lab = rgb_to_lab(flat)
    counts, rng = [], np.random.default_rng(0)
    for _ in range(200):
        hints = sample_hints(lab, rng)
        mask = hints[..., 2] > 0
        counts.append(mask.any())
        if mask.any():
            # every hinted pixel carries a colour close to the photo's there
            err = np.abs(hints[mask, :2] * AB_SCALE - lab[mask, 1:]).mean()
            assert err < 6
    assert 0.3 < np.mean(counts) < 0.7       # about half the items get no hints at all


def test_the_cli_takes_colour_hints_from_a_transparent_image(tiny_colorizer, tmp_path, capsys):
    """`translate --hints strokes.png`: the opaque pixels' colours steer the colour there."""
    import json
    from PIL import Image
    from engine.cli import main
    photo, out = tmp_path / "grey.png", tmp_path / "out.png"
    Image.fromarray(gray(scene())).save(photo)
    strokes = np.zeros((96, 160, 4), np.uint8)
    strokes[10:30, 30:50] = (230, 40, 40, 255)       # a red patch in the sky
    Image.fromarray(strokes, "RGBA").save(tmp_path / "strokes.png")
    code = main(["translate", str(photo), "--model", str(tiny_colorizer), "--out", str(out),
                 "--hints", str(tmp_path / "strokes.png"), "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["hints"]["pixels"] == 400
    lab = rgb_to_lab(np.asarray(Image.open(out)))
    assert lab[20, 40, 1] > 20 and abs(lab[20, 120, 1]) < 3     # red only where painted
    assert main(["translate", str(photo), "--model", str(tiny_colorizer), "--out", str(out),
                 "--hints", str(photo)]) != 0                  # opaque: refused, says why
    assert "transparent" in capsys.readouterr().err


def test_a_colouriser_over_ab_bins_runs_and_reads_its_colour_out(tmp_path):
    """A bins U-Net (engine.chroma_bins) whose head is steered to one bin: the photo gets
    that bin's colour, lightness kept; a config whose bin count does not match is refused."""
    from engine import chroma_bins
    grid = chroma_bins.bin_centres()
    unet = registry.build("unet", {"image_size": 32, "in_channels": 1 + HINT_CHANNELS,
                                   "out_channels": len(grid), "width": 4, "depth": 3,
                                   "head": "bins"})
    green = int(np.argmin(((grid - np.array([-40.0, 30.0])) ** 2).sum(1)))
    with torch.no_grad():
        unet.to_out.weight.zero_()
        unet.to_out.bias.fill_(-20.0)
        unet.to_out.bias[green] = 20.0
    folder = checkpoints.save_model(tmp_path / "c", "pix2pix", {"generator": unet},
                                    extra={"input_transform": "gray", "output": "lab_ab",
                                           "chroma_bins": chroma_bins.config_entry()})
    grey = gray(scene(50, 77))
    out = drive(translate(checkpoints.load_model(folder), grey))
    assert out.shape == grey.shape and lightness_psnr(out, grey) >= 45
    ab = rgb_to_lab(out)[10:40, 10:60, 1:].reshape(-1, 2)
    assert np.abs(np.median(ab, 0) - grid[green]).max() < 8
    broken = tmp_path / "broken"
    checkpoints.save_model(broken, "pix2pix", {"generator": unet},
                           extra={"input_transform": "gray", "output": "lab_ab",
                                  "chroma_bins": {"spacing": 20.0, "temperature": 0.38,
                                                  "count": len(chroma_bins.bin_centres(20.0))}})
    with pytest.raises(UserError, match="damaged"):
        drive(translate(checkpoints.load_model(broken), grey))


def test_a_painted_stroke_reaches_the_network_as_sparse_dots_and_small_dots_stay_whole():
    """A stroke covering many working pixels becomes one pixel per HINT_CELL cell it touches
    (every such cell keeps one); dots no larger than a training patch are passed as they are."""
    from engine.ops.colorize import HINT_CELL, HINT_PATCH_AREA, sparse_hint_pixels
    hit = np.zeros((60, 80), bool)
    hit[10:22, 5:70] = True                         # a wide stroke
    hit[40:43, 10:13] = True                        # a 3x3 dot, far from it
    hit[50, 20:78:2] = True                         # a row of 29 dots of 1 px, 2 px apart
    ys, xs = sparse_hint_pixels(hit)
    chosen = np.zeros_like(hit)
    chosen[ys, xs] = True
    assert chosen[hit].sum() == len(ys) and not chosen[~hit].any()   # only hinted pixels
    assert chosen[40:43, 10:13].all()                                 # the dot stays whole
    stroke = chosen[10:22, 5:70]
    cells = {(y // HINT_CELL, x // HINT_CELL) for y, x in zip(*np.nonzero(hit[:22]))}
    assert stroke.sum() == len(cells) < 0.1 * hit[10:22, 5:70].sum()
    row = chosen[50, 20:78]
    assert 0 < row.sum() < 29 and row.sum() == len({x // HINT_CELL for x in range(20, 78, 2)})
    assert 9 <= HINT_PATCH_AREA                    # a 3x3 dot is no larger than a patch


def test_a_wide_hint_stroke_gets_its_own_colour_not_an_overshoot():
    """A network that answers every hint pixel with the hint colour, turned up by how dense
    the hints are around it (as a colouriser trained on sparse dots overshoots): the thinned
    stroke comes out near its colour."""
    class DensityEcho(nn.Module):
        def __init__(self):
            super().__init__()
            self.unused = nn.Parameter(torch.zeros(()))

        def forward(self, x):
            hint_ab, mask = x[:, 1:3], x[:, 3:4]
            density = torch.nn.functional.avg_pool2d(mask, 9, 1, 4)
            colour = (hint_ab * mask).sum((2, 3), keepdim=True) / mask.sum((2, 3), keepdim=True).clamp_min(1)
            return (colour * (1 + 8 * density)).clamp(-1, 1) * torch.ones_like(mask)

    net = DensityEcho().eval()
    net.config = type("C", (), {"depth": 3, "image_size": 64})()
    model = Model(folder=None, config={"kind": "pix2pix", "name": "dense", "input_transform": "gray",
                                       "output": "lab_ab", "hints": True},
                  networks={"generator": net})
    from engine.ops.colorize import lightness8, predict_chroma
    grey = gray(scene(128, 192))
    blue = (100, 150, 220)
    hints = hints_from_points(128, 192, [(x, 20, 10, blue) for x in range(20, 170, 4)])
    ab = predict_chroma(model, net, lightness8(grey), grey, hints, None)   # before gamut clipping
    want = rgb_to_lab(np.array([[blue]], np.uint8))[0, 0, 1:]
    got = np.median(ab[15:25, 40:150].reshape(-1, 2), 0)
    assert np.abs(got - want).max() < 0.5 * np.abs(want).max()


def test_training_strokes_are_painted_lines_each_in_the_photos_mean_colour_under_it():
    """train --hint-strokes: some hinted crops get 1-3 strokes of one colour each (the photo's
    mean chroma under the stroke), as a user paints; without it the hints stay dots."""
    from engine.chroma import STROKE_MAX, sample_stroke_hints
    lab = rgb_to_lab(scene(96, 160))
    rng = np.random.default_rng(1)
    for _ in range(30):
        hints = sample_stroke_hints(lab, rng)
        mask = hints[..., 2] > 0
        assert 3 <= mask.sum() and hints[~mask].max() == 0
        colours = np.unique(hints[mask, :2].round(5), axis=0)
        assert 1 <= len(colours) <= STROKE_MAX
        if len(colours) == 1:   # one stroke (or strokes painted over each other): its mean
            assert np.abs(colours[0] * AB_SCALE - lab[mask, 1:].mean(0)).max() < 1e-3
    stroked = [sample_hints(lab, np.random.default_rng(i), strokes=True) for i in range(200)]
    plain = [sample_hints(lab, np.random.default_rng(i)) for i in range(200)]
    def widest_colour(hints):   # pixels of the most used hint colour: a dot's patch is <= 5x5
        mask = hints[..., 2] > 0
        if not mask.any():
            return 0
        _, counts = np.unique(hints[mask, :2].round(5), axis=0, return_counts=True)
        return int(counts.max())

    assert max(widest_colour(h) for h in plain) <= 25
    hinted = sum(h[..., 2].any() for h in stroked)
    painted = sum(widest_colour(h) > 25 for h in stroked)
    assert 0.2 * hinted < painted < 0.7 * hinted     # up to half (thin short strokes are small)
