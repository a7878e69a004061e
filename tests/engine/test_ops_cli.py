import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine import checkpoints, registry
from engine.cli import main
from engine.ops.generate import average_latent, generate, random_z
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")

REPO = Path(__file__).resolve().parents[2]


def save(path, array, mode=None):
    Image.fromarray(array, mode).save(path)
    return str(path)


@pytest.fixture
def scene(gan, tmp_path):
    generator = gan.generator()
    return save(tmp_path / "scene.png", generate(generator, random_z(generator, 1, 2)[0]))


def cli(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_project_writes_image_and_latent(tiny_gan, scene, tmp_path, capsys):
    out, z = tmp_path / "rec.png", tmp_path / "z.npy"
    code, stdout, _ = cli(capsys, "project", scene, "--model", tiny_gan, "--out", out,
                          "--steps", 5, "--save-z", z, "--json", "--device", "cpu")
    assert code == 0
    data = json.loads(stdout.strip().splitlines()[-1])
    assert data["psnr"] > 10 and data["steps"] == 5 and data["method"] == "hybrid"
    assert np.asarray(Image.open(out)).shape == (16, 16, 3) and np.load(z).shape == (8,)


def test_edit_from_rgba_strokes_writes_ranked_candidates(tiny_gan, tmp_path, capsys):
    z = tmp_path / "z.npy"
    np.save(z, np.zeros(8, np.float32))
    strokes = np.zeros((32, 32, 4), np.uint8)  # twice the model size: resized
    strokes[:8, :, 0] = 255
    strokes[:8, :, 3] = 255
    strokes_path = save(tmp_path / "strokes.png", strokes, "RGBA")
    out, zs = tmp_path / "edit.png", tmp_path / "all.npy"
    code, stdout, _ = cli(capsys, "edit", "--model", tiny_gan, "--z", z, "--strokes",
                          strokes_path, "--warp", "4,4,8,8,4", "--out", out, "--candidates", 3,
                          "--starts", 4, "--steps", 5, "--save-z", zs, "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["costs"] == sorted(data["costs"]) and len(data["out"]) == 3
    assert out.exists() and (tmp_path / "edit_1.png").exists() and (tmp_path / "edit_2.png").exists()
    assert np.load(zs).shape == (3, 8)


def test_interpolate_writes_frames(tiny_gan, tmp_path, capsys):
    np.save(tmp_path / "a.npy", np.zeros(8, np.float32))
    np.save(tmp_path / "b.npy", np.full(8, 0.5, np.float32))
    code, _, _ = cli(capsys, "interpolate", "--z0", tmp_path / "a.npy", "--z1", tmp_path / "b.npy",
                     "--model", tiny_gan, "--frames", 4, "--mode", "slerp",
                     "--out", tmp_path / "frames")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == \
        ["frame_000.png", "frame_001.png", "frame_002.png", "frame_003.png", "latents.npy"]


def test_generate_writes_the_average_or_seeded_random_images_and_their_latents(tiny_gan, gan,
                                                                              tmp_path, capsys):
    code, _, _ = cli(capsys, "generate", "--average", "--model", tiny_gan, "--out",
                     tmp_path / "avg.png", "--save-z", tmp_path / "avg.npy")
    assert code == 0
    z = np.load(tmp_path / "avg.npy")
    assert z.shape == (1, 8) and np.array_equal(z[0], average_latent(gan))
    assert np.array_equal(np.asarray(Image.open(tmp_path / "avg.png")), generate(gan.generator(), z[0]))

    code, stdout, _ = cli(capsys, "generate", "--seed", 4, "--count", 3, "--model", tiny_gan,
                          "--out", tmp_path / "r.png", "--save-z", tmp_path / "r.npy", "--json")
    assert code == 0
    assert [Path(p).name for p in json.loads(stdout)["images"]] == ["r.png", "r_1.png", "r_2.png"]
    zs = np.load(tmp_path / "r.npy")
    assert np.array_equal(zs, random_z(gan.generator(), 3, 4))
    assert np.array_equal(np.asarray(Image.open(tmp_path / "r_2.png")), generate(gan.generator(), zs[2]))


@pytest.mark.parametrize("out, args, fragment", [
    ("x.png", ["--average", "--count", "2"], "--average gives one image"),
    ("x.png", ["--count", "0"], "--count must be from 1"),
    ("x.txt", [], "unknown image extension"),
])
def test_generate_refuses_bad_requests_and_writes_nothing(tiny_gan, tmp_path, capsys, out, args,
                                                          fragment):
    code, _, err = cli(capsys, "generate", "--model", tiny_gan, "--out", tmp_path / out, *args)
    assert_one_line_error(code, err, fragment)
    assert list(tmp_path.iterdir()) == []


def test_transfer_inpaint_upscale_translate(tiny_gan, scene, tmp_path, capsys):
    photo = save(tmp_path / "photo.png", np.full((30, 50, 3), 120, np.uint8))
    before = np.full((16, 16, 3), 100, np.uint8)
    after = before.copy()
    after[:4] = 200
    code, _, _ = cli(capsys, "transfer", photo, "--before", save(tmp_path / "b.png", before),
                     "--after", save(tmp_path / "a.png", after), "--out", tmp_path / "t.png")
    assert code == 0 and np.asarray(Image.open(tmp_path / "t.png")).shape == (30, 50, 3)

    mask = np.zeros((16, 16), np.uint8)
    mask[5:10, 5:10] = 255
    code, _, _ = cli(capsys, "inpaint", scene, "--mask", save(tmp_path / "m.png", mask), "--model",
                     tiny_gan, "--out", tmp_path / "i.png", "--steps", 3)
    assert code == 0 and (tmp_path / "i.png").exists()

    sr = registry.build("sr_compact", {"scale": 2, "width": 4, "blocks": 1})
    sr_dir = checkpoints.save_model(tmp_path / "sr", "sr", {"sr": sr}, extra={"scale": 2})
    code, _, _ = cli(capsys, "upscale", photo, "--model", sr_dir, "--out", tmp_path / "u.png")
    assert code == 0 and np.asarray(Image.open(tmp_path / "u.png")).shape == (60, 100, 3)

    unet = registry.build("unet", {"image_size": 16, "width": 4})
    p2p_dir = checkpoints.save_model(tmp_path / "p2p", "pix2pix", {"generator": unet},
                                     extra={"input_transform": "edges"})
    code, _, _ = cli(capsys, "translate", photo, "--model", p2p_dir, "--out", tmp_path / "x.png")
    assert code == 0 and np.asarray(Image.open(tmp_path / "x.png")).shape == (30, 50, 3)


def test_eval_json(tiny_gan, scene, tmp_path, capsys):
    folder = tmp_path / "set"
    folder.mkdir()
    os.replace(scene, folder / "scene.png")
    code, stdout, _ = cli(capsys, "eval", "--model", tiny_gan, "--images", folder,
                          "--steps", 3, "--inpaint-steps", 3, "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["images"] == 1 and "hybrid" in data["gan"]["reconstruction_psnr"]


def assert_one_line_error(code, err, *fragments):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    for fragment in fragments:
        assert fragment in lines[0]


def test_refuses_to_overwrite_the_input_image(tiny_gan, scene, capsys):
    before = Path(scene).read_bytes()
    code, _, err = cli(capsys, "project", scene, "--model", tiny_gan, "--out", scene)
    assert_one_line_error(code, err, "refusing to overwrite")
    assert Path(scene).read_bytes() == before
    code, _, err = cli(capsys, "transfer", scene, "--before", scene, "--after", scene,
                       "--out", Path(scene).parent / "." / Path(scene).name)
    assert_one_line_error(code, err, "refusing to overwrite")


def test_bad_inputs_exit_2_with_one_line_and_write_nothing(tiny_gan, scene, tmp_path,
                                                          capsys):
    out = tmp_path / "out.png"
    z_bad = tmp_path / "bad.npy"
    np.save(z_bad, np.zeros(5, np.float32))
    rgb_strokes = save(tmp_path / "rgb.png", np.zeros((16, 16, 3), np.uint8))
    wrong_mask = save(tmp_path / "wrong.png", np.zeros((8, 8), np.uint8))
    empty_mask = save(tmp_path / "empty.png", np.zeros((16, 16), np.uint8))
    cases = [
        (["inpaint", scene, "--mask", wrong_mask], "mask is 8x8"),
        (["inpaint", scene, "--mask", empty_mask], "empty"),
        (["edit", "--z", z_bad, "--strokes", rgb_strokes, "--strokes-mask", scene], "length 8"),
        (["edit", "--strokes", rgb_strokes], "no transparent pixels"),
        (["edit", "--warp", "1,2,3"], "five numbers"),
        (["edit", "--sketch", scene, "--steps", "0"], "steps"),
        (["edit"], "nothing to edit"),
        (["upscale", scene], "needs a sr model"),
        (["project", str(tmp_path / "missing.png")], "file not found"),
    ]
    for args, fragment in cases:
        code, _, err = cli(capsys, *args, "--model", tiny_gan, "--out", out)
        assert_one_line_error(code, err, fragment)
        assert not out.exists(), args
    code, _, err = cli(capsys, "project", scene, "--model", tiny_gan, "--out",
                       tmp_path / "out.xyz")
    assert_one_line_error(code, err, "extension")


def test_subprocess_error_has_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "engine", "transfer", str(tmp_path / "nope.png"),
                             "--before", "b.png", "--after", "a.png", "--out", str(tmp_path / "o.png")],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "file not found" in result.stderr
    assert not (tmp_path / "o.png").exists()
