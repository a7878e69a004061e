import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine import device
from engine.cli import main
from engine.errors import UserError
from engine.jobs import CancelToken, Cancelled, Progress, drive

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=120)


def test_help_lists_subcommands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "models" in result.stdout and "info" in result.stdout


def test_info_json_reports_versions_and_device(capsys):
    assert main(["info", "--json", "--device", "cpu"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["torch"] == torch.__version__ and data["device"] == "cpu"


def test_models_lists_a_model_from_an_extra_folder(untrained_gan, capsys):
    assert main(["models", "--path", str(untrained_gan.parent), "--json"]) == 0
    listed = {m["name"]: m for m in json.loads(capsys.readouterr().out)}
    assert listed["tiny-untrained"]["kind"] == "gan"
    assert "encoder" in listed["tiny-untrained"]["networks"]


def test_user_error_is_one_line_without_traceback():
    result = run_cli("info", "--device", "tpu")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "unknown device 'tpu'" in result.stderr


def test_device_env_override_and_auto(monkeypatch):
    monkeypatch.setenv(device.DEVICE_ENV, "cpu")
    assert device.resolve_device().type == "cpu"
    monkeypatch.delenv(device.DEVICE_ENV)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and device._mps_available():
        expected = "mps"
    assert device.resolve_device("auto").type == expected
    with pytest.raises(UserError):
        device.resolve_device("quantum")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_asking_for_cuda_without_gpu_is_a_clear_error():
    with pytest.raises(UserError, match="no CUDA GPU"):
        device.resolve_device("cuda")


def test_threads_setting(monkeypatch):
    before = torch.get_num_threads()
    try:
        assert device.configure_threads(1) == 1
        monkeypatch.setenv(device.THREADS_ENV, "zero")
        with pytest.raises(UserError):
            device.configure_threads()
    finally:
        torch.set_num_threads(before)


def counting_op(token, total=10):
    for step in range(1, total + 1):
        token.raise_if_cancelled()
        yield Progress(step, total)
    return "done"


def test_drive_returns_result_and_cancel_stops_within_one_step():
    seen = []
    assert drive(counting_op(CancelToken()), seen.append) == "done" and len(seen) == 10
    token, seen = CancelToken(), []

    def cancel_at_three(progress):
        seen.append(progress.step)
        if progress.step == 3:
            token.cancel()
    with pytest.raises(Cancelled):
        drive(counting_op(token), cancel_at_three)
    assert seen == [1, 2, 3]


def test_engine_never_imports_qt_or_editor():
    code = ("import sys, engine, engine.cli, engine.checkpoints, engine.imaging, engine.nets, "
            "engine.ops.generate; from engine.cli import build_parser; build_parser(); "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'editor', 'shiboken'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
