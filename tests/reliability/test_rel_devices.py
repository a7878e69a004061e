"""Device names: one vocabulary (auto, cpu, cuda, cuda:N, mps) for every command and the
editor; a bad or missing device is one clear `error:` line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from engine import device
from engine.cli import main as cli_main
from engine.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
BAD_NAMES = ["cpu:-1", "cpu:abc", "cpu:0", "cuda:abc", "cuda:-1", "cuda:1:2", "gpu", "mps:0",
             "cuda:99999", "auto:0", " :", "cpu;rm"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_names_are_refused_with_the_vocabulary(name):
    with pytest.raises(UserError, match="unknown device .*choose auto, cpu, cuda, cuda:N"):
        device.parse_device(name)


@pytest.mark.parametrize("name,normal", [("CPU", "cpu"), (" cuda:01 ", "cuda:1"), ("auto", "auto"),
                                         ("mps", "mps"), ("cuda", "cuda")])
def test_good_names_are_normalised(name, normal):
    assert device.parse_device(name) == normal


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without CUDA")
@pytest.mark.parametrize("name", ["cuda", "cuda:0", "cuda:3"])
def test_missing_cuda_is_a_clear_error(name):
    with pytest.raises(UserError, match=f"device '{name}' asked for, but"):
        device.resolve_device(name)
    assert device.unavailable_reason(name).startswith(f"device '{name}' asked for")


def test_cuda_index_beyond_the_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(UserError, match="has 2 CUDA GPUs .cuda:0 to cuda:1"):
        device.resolve_device("cuda:2")
    assert device.menu_devices() == ["auto", "cpu", "cuda", "cuda:0", "cuda:1", "mps"]


def test_menu_offers_the_vocabulary_without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device.menu_devices() == ["auto", "cpu", "cuda", "mps"]
    assert device.unavailable_reason("cpu") is None and device.unavailable_reason("auto") is None


@pytest.mark.parametrize("value", ["cpu:abc", "cpu:-1", "tpu"])
def test_bad_environment_variable_names_itself(monkeypatch, value):
    monkeypatch.setenv(device.DEVICE_ENV, value)
    with pytest.raises(UserError, match=r"^\$MANIFOLD_DEVICE: unknown device"):
        device.resolve_device(None)
    assert device.resolve_device("cpu") == torch.device("cpu")   # an explicit name wins


@pytest.mark.parametrize("threads", [0, -3, 10**12])
def test_thread_counts_out_of_range(threads):
    with pytest.raises(UserError, match="thread count must be between 1 and"):
        device.configure_threads(threads)


@pytest.mark.parametrize("argv", [["info", "--device", "cpu:-1"], ["info", "--device", "cpu:abc"],
                                  ["info", "--device", "cuda:x"], ["info", "--threads", "99999999999"],
                                  ["project", "in.png", "--out", "o.png", "--device", "cpu:-1"]])
def test_cli_gives_one_error_line(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Image.fromarray(np.full((24, 32, 3), 120, np.uint8)).save("in.png")
    assert cli_main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    assert ("--threads must be from 1 to" if "--threads" in argv else "unknown device") in err[0]
    assert not Path("o.png").exists()


def run_cli(args, **env_changes) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_changes)
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_bad_manifold_device_in_a_real_process():
    result = run_cli(["info"], MANIFOLD_DEVICE="cpu:abc")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: $MANIFOLD_DEVICE: unknown device 'cpu:abc': choose auto, cpu, cuda, "
        "cuda:N (N = 0, 1, ...) or mps")


def test_editor_refuses_a_bad_device_before_opening_a_window():
    from editor.app import parse_args
    assert parse_args(["--device", "CUDA:1"]).device == "cuda:1"
    result = subprocess.run([sys.executable, "-m", "editor", "--device", "cpu:-1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "manifold-editor: error: argument --device: unknown device 'cpu:-1': "
        "choose auto, cpu, cuda, cuda:N (N = 0, 1, ...) or mps")
