"""Every CLI subcommand on hostile inputs: one clean `error:` line, never a traceback.

Hostile inputs: PostScript named .png, a folder, a symlink loop, /dev/zero, a model folder
whose config is absurdly nested, a latent of 3e38, and option values past their bounds."""

from __future__ import annotations

import argparse
import os

import numpy as np
import pytest
from support.models import build_untrained_gan

from engine import checkpoints
from engine.cli import build_parser, main

pytestmark = pytest.mark.usefixtures("one_torch_thread")
HUGE = "99999999999"
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n{ } loop\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    w = {"gan": str(build_untrained_gan(root / "gan")), "out": str(root / "out.png"),
         "dir_out": str(root / "frames")}
    (root / "eps.png").write_bytes(EPS)
    (root / "folder.png").mkdir()
    os.symlink(root / "loop.png", root / "loop.png")
    broken = root / "models" / "broken"
    broken.mkdir(parents=True)
    (broken / "config.json").write_text("[" * 100_000 + "]" * 100_000)
    np.save(root / "huge.npy", np.full(8, 3e38, np.float32))
    evil_data = root / "evil-data"
    evil_data.mkdir()
    for i in range(3):
        (evil_data / f"{i}.png").write_bytes(EPS)
    w.update(eps=str(root / "eps.png"), folder=str(root / "folder.png"),
             loop=str(root / "loop.png"), zero="/dev/zero", broken=str(broken),
             z=str(root / "huge.npy"), evil_data=str(evil_data), models=str(root / "models"))
    return w


IMAGES = ("eps", "folder", "loop", "zero")
# command -> argv builders (w: the hostile world; x: one hostile image path)
IMAGE_COMMANDS = {
    "edit": lambda w, x: ["edit", "--model", w["gan"], "--strokes", x, "--out", w["out"]],
    "inpaint": lambda w, x: ["inpaint", x, "--mask", x, "--model", w["gan"], "--out", w["out"]],
    "project": lambda w, x: ["project", x, "--model", w["gan"], "--out", w["out"]],
    "transfer": lambda w, x: ["transfer", x, "--before", x, "--after", x, "--out", w["out"]],
    "translate": lambda w, x: ["translate", x, "--model", w["gan"], "--out", w["out"]],
    "upscale": lambda w, x: ["upscale", x, "--model", w["gan"], "--out", w["out"]],
    "eval-transfer": lambda w, x: ["eval-transfer", "--images", x],
    "eval-fill": lambda w, x: ["eval-fill", "--images", x, "--gan", "none"],
    "train": lambda w, x: ["train", "gan", "--data", x, "--out", w["dir_out"], "--device", "cpu"],
}
OTHER_CASES = [
    ("edit", lambda w: ["edit", "--model", w["broken"], "--out", w["out"]]),
    ("edit", lambda w: ["edit", "--model", w["gan"], "--z", w["z"], "--out", w["out"]]),
    ("edit", lambda w: ["edit", "--model", w["gan"], "--starts", HUGE, "--out", w["out"]]),
    ("edit", lambda w: ["edit", "--model", w["gan"], "--threads", HUGE, "--out", w["out"]]),
    ("interpolate", lambda w: ["interpolate", "--z0", w["z"], "--z1", w["z"], "--model", w["gan"],
                               "--out", w["dir_out"]]),
    ("interpolate", lambda w: ["interpolate", "--z0", w["loop"], "--z1", w["zero"],
                               "--model", w["gan"], "--out", w["dir_out"]]),
    ("interpolate", lambda w: ["interpolate", "--z0", w["z"], "--z1", w["z"], "--frames", HUGE,
                               "--model", w["gan"], "--out", w["dir_out"]]),
    ("generate", lambda w: ["generate", "--average", "--model", w["broken"], "--out", w["out"]]),
    ("generate", lambda w: ["generate", "--model", w["gan"], "--count", HUGE, "--out", w["out"]]),
    ("generate", lambda w: ["generate", "--model", w["gan"], "--seed", "-1", "--out", w["out"]]),
    ("generate", lambda w: ["generate", "--model", w["gan"], "--out", w["folder"]]),
    ("generate", lambda w: ["generate", "--model", w["gan"], "--out", w["out"], "--save-z", w["loop"]]),
    ("project", lambda w: ["project", w["eps"], "--model", w["broken"], "--out", w["out"]]),
    ("translate", lambda w: ["translate", w["eps"], "--model", w["broken"], "--out", w["out"]]),
    ("upscale", lambda w: ["upscale", w["eps"], "--model", w["zero"], "--out", w["out"]]),
    ("eval", lambda w: ["eval", "--model", w["broken"], "--threads", HUGE]),
    ("eval", lambda w: ["eval", "--model", w["broken"], "--images", w["evil_data"]]),
    ("eval-tune", lambda w: ["eval-tune", "--images", w["eps"], "--model", w["broken"]]),
    ("eval-tune", lambda w: ["eval-tune", "--images", w["evil_data"], "--max-images", HUGE]),
    ("eval-fill", lambda w: ["eval-fill", "--images", w["evil_data"], "--model", w["broken"]]),
    ("eval-fill", lambda w: ["eval-fill", "--images", w["evil_data"], "--strokes", HUGE]),
    ("bench", lambda w: ["bench", "--threads", HUGE]),
    ("bench", lambda w: ["bench", "--repeats", "-1"]),
    ("train", lambda w: ["train", "gan", "--data", w["evil_data"], "--out", w["dir_out"],
                         "--device", "cpu"]),
    ("train", lambda w: ["train", "encoder", "--model", w["broken"], "--device", "cpu"]),
    ("train", lambda w: ["train", "gan", "--data", w["evil_data"], "--out", w["dir_out"],
                         "--z-dim", "1000000000"]),
]


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_every_subcommand_is_covered():
    covered = set(IMAGE_COMMANDS) | {c for c, _ in OTHER_CASES} | {"models", "info"}
    assert subcommands() <= covered, subcommands() - covered


def one_clean_error(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code in (2, 3), (argv, code, err)
    assert "Traceback" not in out + err
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], (argv, err)
    return errors[0]


@pytest.mark.parametrize("image", IMAGES)
@pytest.mark.parametrize("command", sorted(IMAGE_COMMANDS))
def test_hostile_images(capsys, world, command, image):
    message = one_clean_error(capsys, IMAGE_COMMANDS[command](world, world[image]))
    assert world[image] in message or command in ("train", "eval-transfer")


@pytest.mark.parametrize("case", range(len(OTHER_CASES)), ids=[c for c, _ in OTHER_CASES])
def test_hostile_models_latents_and_options(capsys, world, case):
    one_clean_error(capsys, OTHER_CASES[case][1](world))


@pytest.mark.parametrize("command", ["models", "info"])
def test_listing_commands_survive_a_broken_model(capsys, world, monkeypatch, command):
    monkeypatch.setenv(checkpoints.MODEL_PATH_ENV, world["models"])
    code = main([command])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
