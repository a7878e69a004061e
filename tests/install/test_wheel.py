"""The package as a user installs it: sdist -> wheel -> a fresh venv, run from elsewhere.

The venv reuses this test environment's packages (torch, Qt, ...) through a .pth file,
so nothing is downloaded; the program itself comes only from the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "engine", "editor")


def shipped_models() -> dict[str, list[str]]:
    """name -> files of each model in the checkout's weights/ (what must travel)."""
    return {d.name: sorted(p.name for p in d.iterdir() if p.is_file())
            for d in sorted((ROOT / "weights").iterdir()) if (d / "config.json").is_file()}


def run(cmd, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


def copy_sources(dest: Path) -> None:
    """The checkout's sources, without caches or training state under weights/<name>/."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        src = ROOT / name
        shutil.copytree(src, dest / name, ignore=ignore) if src.is_dir() else shutil.copy2(src, dest)
    for model, files in shipped_models().items():
        (dest / "weights" / model).mkdir(parents=True)
        for file in files:
            shutil.copy2(ROOT / "weights" / model / file, dest / "weights" / model / file)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, sdist members): the sdist built from a copy, the wheel built from the sdist."""
    work = tmp_path_factory.mktemp("install")
    src, dist = work / "src", work / "dist"
    src.mkdir()
    copy_sources(src)
    build = "import sys; from setuptools import build_meta as b; print(b.build_sdist(sys.argv[1]))"
    sdist = dist / run([sys.executable, "-c", build, dist], cwd=src).stdout.split()[-1]
    with tarfile.open(sdist) as tar:
        members = tar.getnames()
        tar.extractall(work / "unpacked", filter="data")
    unpacked = next((work / "unpacked").iterdir())
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", dist, unpacked], cwd=work)
    wheel = next(dist.glob("*.whl"))

    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work)
    site = run([venv / "bin" / "python", "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work).stdout.strip()
    (Path(site) / "_reuse_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps",
         "--no-index", "-q", wheel], cwd=work)
    return venv, members


@pytest.fixture
def user_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MANIFOLD_MODEL_PATH")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               MANIFOLD_DEVICE="cpu", MANIFOLD_THREADS="1", OMP_NUM_THREADS="1")
    return env


def test_sdist_carries_the_models(installed):
    _, members = installed
    top = members[0].split("/")[0]
    for model, files in shipped_models().items():
        for file in files:
            assert f"{top}/weights/{model}/{file}" in members


def test_installed_program_lists_and_loads_the_shipped_models(installed, tmp_path, user_env):
    venv, _ = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = json.loads(run([venv / "bin" / "manifold", "models", "--json"], elsewhere,
                            user_env).stdout)
    by_name = {m["name"]: m for m in listed}
    assert set(shipped_models()) <= set(by_name)
    for name in shipped_models():
        folder = Path(by_name[name]["folder"])
        assert by_name[name]["error"] is None
        assert venv in folder.parents and "manifold_weights" in folder.parts
        assert sorted(p.name for p in folder.iterdir()) == shipped_models()[name]

    # Every listed model loads from the installed package (not from the checkout).
    check = ("import engine, sys\nfrom engine import checkpoints\n"
             "assert engine.__file__.startswith(sys.prefix), engine.__file__\n"
             "for m in checkpoints.list_models():\n"
             "    checkpoints.load_model(m.folder)\n    print(m.name)")
    loaded = run([venv / "bin" / "python", "-c", check], elsewhere, user_env).stdout.split()
    assert set(shipped_models()) <= set(loaded)

    photo = elsewhere / "photo.png"
    Image.fromarray((np.random.default_rng(0).random((40, 48, 3)) * 255).astype(np.uint8)).save(photo)
    out = run([venv / "bin" / "manifold", "project", "photo.png", "--out", "rec.png",
               "--steps", "2", "--json"], elsewhere, user_env)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["command"] == "project" and report["start"] == "encoder"
    rec = np.asarray(Image.open(elsewhere / "rec.png"))
    assert rec.ndim == 3 and rec.shape[2] == 3 and rec.std() > 0


def test_user_models_folder_is_searched_before_the_shipped_ones(installed, tmp_path, user_env):
    venv, _ = installed
    user_models = Path(user_env["XDG_DATA_HOME"]) / "manifold-editor" / "models"
    user_models.mkdir(parents=True)
    shutil.copytree(ROOT / "weights" / "sr-x4", user_models / "sr-x4")
    listed = json.loads(run([venv / "bin" / "manifold", "models", "--json"], tmp_path,
                            user_env).stdout)
    folders = {m["name"]: Path(m["folder"]) for m in listed}
    assert folders["sr-x4"] == user_models / "sr-x4"
    assert "manifold_weights" in folders["landscapes64"].parts


def test_installed_program_installs_its_desktop_entry(installed, tmp_path, user_env):
    venv, _ = installed
    run([venv / "bin" / "manifold-editor", "--install-desktop-entry"], tmp_path, user_env)
    data = Path(user_env["XDG_DATA_HOME"])
    entry = (data / "applications" / "manifold-editor.desktop").read_text()
    assert f"Exec={venv / 'bin' / 'manifold-editor'} %f" in entry.splitlines()
    assert (data / "icons/hicolor/scalable/apps/manifold-editor.svg").read_bytes() == (
        ROOT / "editor/desktop/manifold-editor.svg").read_bytes()
