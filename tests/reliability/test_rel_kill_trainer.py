"""A trainer killed with SIGKILL (no chance to save) resumes from its last checkpoint."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.images import write_image_folder

from engine import checkpoints

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
TINY = ["--size", "16", "--width", "8", "--z-dim", "8", "--batch", "8", "--preset", "cpu-quick",
        "--device", "cpu", "--threads", "1", "--json", "--sample-every", "1000000"]


def _train(data, out, *extra):
    env = dict(os.environ, OMP_NUM_THREADS="1", MANIFOLD_DEVICE="cpu", MANIFOLD_THREADS="1",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    argv = [sys.executable, "-m", "engine", "train", "gan", "--data", str(data), "--out", str(out),
            *TINY, *extra]
    return subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_sigkilled_training_resumes_after_its_checkpoint(tmp_path):
    data = write_image_folder(tmp_path / "scenes", 12, 16)
    out = tmp_path / "m"
    proc = _train(data, out, "--iters", "100000", "--checkpoint-every", "0.5")
    try:
        checkpoint = None
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "checkpoint":
                checkpoint = event
                break
        assert checkpoint is not None, proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    saved = checkpoints.load_state(out / "training" / "state.safetensors")["iteration"]
    assert saved >= checkpoint["iter"] > 0  # a later checkpoint may have landed before the kill

    resumed = _train(data, out, "--iters", str(saved + 4), "--resume")
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr[-2000:]
    events = [json.loads(line) for line in stdout.splitlines()]
    progress = [e["iter"] for e in events if e["event"] == "progress"]
    assert progress and progress[0] > saved
    assert events[-1]["event"] == "done" and events[-1]["iter"] == saved + 4
    model = checkpoints.load_model(out)
    assert model.config["training"]["iteration"] == saved + 4
    model.net("generator")
