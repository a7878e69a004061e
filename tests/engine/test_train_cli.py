"""`python -m engine train`: bad input gives one clear line and a non-zero exit, never a
folder that looks like a model; JSON events; SIGTERM stops and saves."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine import checkpoints
from engine.cli import main
from support.images import write_image_folder

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = ["--size", "16", "--width", "8", "--z-dim", "8", "--batch", "8", "--iters", "3",
        "--preset", "cpu-quick", "--device", "cpu"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return write_image_folder(tmp_path_factory.mktemp("data") / "scenes", 12, 16)


def run_cli(capsys, *argv):
    code = main(["train", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_failure(code, err, out_dir, *needles):
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], err
    for needle in needles:
        assert needle in errors[0]
    assert not (Path(out_dir) / "config.json").exists()


def test_missing_data_folder(capsys, tmp_path):
    code, _, err = run_cli(capsys, "gan", "--data", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "m"), *TINY)
    assert_clean_failure(code, err, tmp_path / "m", "does not exist", "nope")
    assert not (tmp_path / "m").exists()


def test_empty_folder(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(capsys, "gan", "--data", str(tmp_path / "empty"),
                           "--out", str(tmp_path / "m"), *TINY)
    assert_clean_failure(code, err, tmp_path / "m", "has no images")


def test_no_readable_images(capsys, tmp_path):
    (tmp_path / "bad").mkdir()
    for i in range(3):
        (tmp_path / "bad" / f"{i}.jpg").write_bytes(b"not a jpeg")
    code, _, err = run_cli(capsys, "gan", "--data", str(tmp_path / "bad"),
                           "--out", str(tmp_path / "m"), *TINY)
    assert_clean_failure(code, err, tmp_path / "m", "none of its 3 image files could be read")


def test_fewer_images_than_one_batch(capsys, tmp_path, scenes):
    code, _, err = run_cli(capsys, "gan", "--data", str(scenes), "--out", str(tmp_path / "m"),
                           *TINY, "--batch", "32")
    assert_clean_failure(code, err, tmp_path / "m", "only 12 usable images", "--batch")
    assert not (tmp_path / "m").exists()


def test_mismatched_pairs(capsys, tmp_path, scenes):
    other = write_image_folder(tmp_path / "other", 12, 16, suffix=".jpg")
    (other / "scene_0005.jpg").rename(other / "different.jpg")
    code, _, err = run_cli(capsys, "pix2pix", "--data", str(scenes), "--data-b", str(other),
                           "--pairs", "folder", "--out", str(tmp_path / "m"), *TINY)
    assert_clean_failure(code, err, tmp_path / "m", "mismatched pairs", "scene_0005", "different")


def test_existing_output_is_refused_unless_resume_or_force(capsys, tmp_path, scenes):
    out = tmp_path / "m"
    assert run_cli(capsys, "gan", "--data", str(scenes), "--out", str(out), *TINY)[0] == 0
    before = (out / "generator.safetensors").read_bytes()
    code, _, err = run_cli(capsys, "gan", "--data", str(scenes), "--out", str(out), *TINY)
    assert code == 2 and "already exists" in err and "--resume" in err and "--force" in err
    assert (out / "generator.safetensors").read_bytes() == before
    code, _, _ = run_cli(capsys, "gan", "--data", str(scenes), "--out", str(out), *TINY,
                         "--iters", "5", "--resume")
    assert code == 0 and checkpoints.read_model_config(out)["training"]["iteration"] == 5
    code, _, _ = run_cli(capsys, "gan", "--data", str(scenes), "--out", str(out), *TINY, "--force")
    assert code == 0 and checkpoints.read_model_config(out)["training"]["iteration"] == 3


def test_unwritable_output(capsys, tmp_path, scenes):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run_cli(capsys, "gan", "--data", str(scenes), "--out", str(blocker / "m"), *TINY)
    assert_clean_failure(code, err, blocker, "cannot write to output folder")


@pytest.mark.parametrize("argv,needle", [
    (["pix2pix", "--data", "x", "--out", "o"], "--pairs"),
    (["cyclegan", "--data", "x", "--out", "o"], "--data-b"),
    (["encoder", "--out", "o"], "--model"),
    (["gan", "--data", "x"], "--out"),
    (["gan", "--data", "x", "--out", "o", "--size", "48"], "--size"),
    (["sr", "--data", "x", "--out", "o", "--size", "30"], "multiple of the scale"),
    (["gan", "--data", "x", "--out", "o", "--iters", "0"], "--iters"),
    (["gan", "--data", "x", "--out", "o", "--augment", "blur"], "blur"),
])
def test_bad_settings(capsys, tmp_path, scenes, argv, needle):
    argv = [a if a not in ("x", "o") else str(scenes if a == "x" else tmp_path / "o") for a in argv]
    code, _, err = run_cli(capsys, *argv)
    assert_clean_failure(code, err, tmp_path / "o", needle)


def test_json_mode_reports_errors_and_events_on_stdout(capsys, tmp_path, scenes):
    code, out, _ = run_cli(capsys, "gan", "--data", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "m"), *TINY, "--json")
    assert code == 2
    assert json.loads(out.splitlines()[-1])["event"] == "error"
    code, out, err = run_cli(capsys, "gan", "--data", str(scenes), "--out", str(tmp_path / "m"),
                             *TINY, "--json", "--sample-every", "2")
    events = [json.loads(line) for line in out.splitlines()]
    kinds = [e["event"] for e in events]
    assert code == 0 and err == ""
    assert {"progress", "sample", "checkpoint", "done"} <= set(kinds) and kinds[-1] == "done"
    done = events[-1]
    assert done["model"] == str(tmp_path / "m") and done["iter"] == 3 and not done["stopped"]
    progress = [e for e in events if e["event"] == "progress"]
    assert progress[-1]["iter"] == 3 and "loss_d" in progress[-1]["metrics"]


def _env():
    env = dict(os.environ, OMP_NUM_THREADS="1", MANIFOLD_DEVICE="cpu", MANIFOLD_THREADS="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_sigterm_stops_after_the_step_and_saves_a_resumable_model(tmp_path, scenes):
    out = tmp_path / "m"
    argv = [sys.executable, "-m", "engine", "train", "gan", "--data", str(scenes), "--out", str(out),
            *TINY, "--iters", "100000", "--json"]
    proc = subprocess.Popen(argv, cwd=REPO, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if json.loads(line)["event"] == "progress":
                break
        proc.send_signal(signal.SIGTERM)
        rest, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    done = json.loads(rest.splitlines()[-1])
    assert done["event"] == "done" and done["stopped"] is True
    model = checkpoints.load_model(out)
    assert model.config["training"]["iteration"] == done["iter"] < 100000
    state = checkpoints.load_state(out / "training" / "state.safetensors")
    assert state["iteration"] == done["iter"]


def test_two_process_gloo_run_ends_with_identical_weights(tmp_path, scenes):
    out = tmp_path / "m"
    argv = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
            "-m", "engine", "train", "gan", "--data", str(scenes), "--out", str(out), *TINY,
            "--iters", "5", "--json"]
    result = subprocess.run(argv, cwd=REPO, env=_env(), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    done = [json.loads(line) for line in result.stdout.splitlines()
            if line.startswith("{") and json.loads(line)["event"] == "done"]
    assert sorted(d["rank"] for d in done) == [0, 1]
    assert done[0]["checksum"] == done[1]["checksum"]
    assert all(d["iter"] == 5 for d in done)
    model = checkpoints.load_model(out)
    from engine.train.loop import weights_checksum
    assert weights_checksum(model.networks) == done[0]["checksum"]
    assert "2 processes" in (out / "README.md").read_text()
