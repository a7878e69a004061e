"""`train --force` never deletes what the trainer did not write, validates everything before
touching the output folder, and keeps the previous model loadable until the new one is done."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.images import write_image_folder

from engine import checkpoints
from engine.cli import main
from engine.train.tasks import base as task_base
from engine.train.output import MANIFEST_NAME

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("one_torch_thread")
TINY = ["--size", "16", "--width", "8", "--z-dim", "8", "--batch", "8", "--iters", "3",
        "--preset", "cpu-quick", "--device", "cpu"]
ENCODER = ["--width", "8", "--batch", "8", "--iters", "2", "--preset", "cpu-quick",
           "--device", "cpu"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return write_image_folder(tmp_path_factory.mktemp("data") / "scenes", 12, 16)


def train(capsys, *argv):
    code = main(["train", *argv])
    _, err = capsys.readouterr()
    return code, err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (but the decode cache) with a digest of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "cache" not in p.parts}


@pytest.fixture
def trained(capsys, tmp_path, scenes):
    out = tmp_path / "model"
    assert train(capsys, "gan", "--data", str(scenes), "--out", str(out), *TINY)[0] == 0
    return out


def one_error(code, err, *needles):
    assert code == 2, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    for needle in needles:
        assert needle in errors[0], err


def test_force_with_empty_data_keeps_the_trained_model(capsys, tmp_path, trained):
    (tmp_path / "empty").mkdir()
    before = snapshot(trained)
    code, err = train(capsys, "gan", "--data", str(tmp_path / "empty"), "--out", str(trained),
                      *TINY, "--force")
    one_error(code, err, "has no images")
    assert snapshot(trained) == before
    checkpoints.load_model(trained)


@pytest.mark.parametrize("bad", [["--iters", "0"], ["--size", "48"], ["--data-b", "x"]])
def test_force_with_bad_options_keeps_the_trained_model(capsys, tmp_path, trained, scenes, bad):
    before = snapshot(trained)
    argv = ["cyclegan" if bad[0] == "--data-b" else "gan", "--data", str(scenes),
            "--out", str(trained), *TINY, *bad, "--force"]
    if bad[0] == "--data-b":
        argv[argv.index("x")] = str(tmp_path / "missing-b")
    code, err = train(capsys, *argv)
    assert code == 2, err
    assert snapshot(trained) == before


def test_encoder_force_with_missing_data_removes_nothing(capsys, tmp_path, trained):
    folder = tmp_path / "mine"
    (folder / "training").mkdir(parents=True)
    (folder / "holiday.jpg").write_bytes(b"user photo")
    (folder / "training" / "notes.txt").write_text("user notes")
    before = snapshot(folder)
    code, err = train(capsys, "encoder", "--model", str(trained), "--data",
                      str(tmp_path / "missing"), "--out", str(folder), *ENCODER, "--force")
    one_error(code, err, "does not exist")
    assert snapshot(folder) == before


def test_force_refuses_to_replace_the_users_own_files(capsys, tmp_path, scenes):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "README.md").write_text("# my notes\n")
    (folder / "config.json").write_text('{"my": "settings"}\n')
    before = snapshot(folder)
    code, err = train(capsys, "gan", "--data", str(scenes), "--out", str(folder), *TINY, "--force")
    one_error(code, err, "not written by the trainer")
    assert snapshot(folder) == before


def test_force_over_a_model_keeps_every_file_the_user_added(capsys, trained, scenes):
    (trained / "notes.txt").write_text("mine")
    (trained / "training" / "my-plot.png").write_bytes(b"mine too")
    (trained / "generator-old.safetensors").write_bytes(b"a user's weights")
    old = checkpoints.read_model_config(trained)
    code, err = train(capsys, "gan", "--data", str(scenes), "--out", str(trained), *TINY,
                      "--iters", "2", "--force")
    assert code == 0, err
    assert (trained / "notes.txt").read_text() == "mine"
    assert (trained / "training" / "my-plot.png").read_bytes() == b"mine too"
    assert (trained / "generator-old.safetensors").read_bytes() == b"a user's weights"
    new = checkpoints.read_model_config(trained)
    assert new["training"]["iteration"] == 2 and old["training"]["iteration"] == 3
    checkpoints.load_model(trained)
    # the superseded weights went, and only those: every remaining weight file is named
    named = {e["file"] for e in new["networks"].values()}
    weights = {p.name for p in trained.glob("*.safetensors")}
    assert weights == named | {"generator-old.safetensors"}
    written = set(json.loads((trained / MANIFEST_NAME).read_text()))
    assert "notes.txt" not in written and "training/my-plot.png" not in written


def test_a_failed_forced_run_leaves_the_previous_model(capsys, monkeypatch, trained, scenes):
    from engine.train.tasks.gan import GanTask
    before = snapshot(trained)
    calls = []

    def failing_step(self, iteration):
        calls.append(iteration)
        raise RuntimeError("simulated crash in a training step")

    monkeypatch.setattr(GanTask, "step", failing_step)
    with pytest.raises(RuntimeError, match="simulated"):
        main(["train", "gan", "--data", str(scenes), "--out", str(trained), *TINY, "--force"])
    capsys.readouterr()
    assert calls == [0]
    after = snapshot(trained)
    for name in ("config.json", "README.md", *[e["file"] for e in
                 checkpoints.read_model_config(trained)["networks"].values()]):
        assert after[name] == before[name]
    checkpoints.load_model(trained)


def test_a_killed_forced_run_leaves_the_previous_model_loadable(tmp_path, trained, scenes):
    before = snapshot(trained)
    env = dict(os.environ, OMP_NUM_THREADS="1", MANIFOLD_DEVICE="cpu", MANIFOLD_THREADS="1",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    argv = [sys.executable, "-m", "engine", "train", "gan", "--data", str(scenes),
            "--out", str(trained), *TINY[:-6], "--iters", "100000", "--preset", "cpu-quick",
            "--device", "cpu", "--threads", "1", "--json", "--checkpoint-every", "0.3",
            "--sample-every", "1", "--force"]
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if json.loads(line)["event"] == "checkpoint":
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    after = snapshot(trained)
    for name in ("config.json", "README.md", *[e["file"] for e in
                 checkpoints.read_model_config(trained)["networks"].values()]):
        assert after[name] == before[name], name
    checkpoints.load_model(trained)
    # ... and the killed run resumes from its own checkpoint into the new model
    assert checkpoints.load_state(trained / "training" / "state.safetensors")["iteration"] > 0


def test_encoder_force_in_place_replaces_only_its_own_files(capsys, trained, scenes):
    args = ["encoder", "--model", str(trained), "--data", str(scenes), *ENCODER]
    assert train(capsys, *args)[0] == 0
    first = checkpoints.read_model_config(trained)["networks"]["encoder"]["file"]
    (trained / "encoder_training" / "mine.txt").write_text("user file")
    code, err = train(capsys, *args, "--force")
    assert code == 0, err
    second = checkpoints.read_model_config(trained)["networks"]["encoder"]["file"]
    assert second != first and not (trained / first).exists()   # superseded, and it was ours
    assert (trained / "encoder_training" / "mine.txt").read_text() == "user file"
    assert checkpoints.load_model(trained).has("encoder")


def test_resume_of_another_kind_is_refused_before_decoding(capsys, monkeypatch, trained, scenes):
    decoded = []
    real = task_base.load_image_set
    monkeypatch.setattr(task_base, "load_image_set",
                        lambda *a, **k: decoded.append(a) or real(*a, **k))
    code, err = train(capsys, "sr", "--data", str(scenes), "--out", str(trained),
                      "--size", "32", "--width", "8", "--batch", "4", "--iters", "5",
                      "--preset", "cpu-quick", "--device", "cpu", "--resume")
    one_error(code, err, "trained a gan model, not sr")
    assert decoded == []
