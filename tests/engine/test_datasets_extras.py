"""The extra held-out photos read from Python wheels: built from wheels already on disk (no
download in tests), credited in the manifest, and a broken wheel is one clear error."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from engine.datasets import extras
from engine.datasets.__main__ import main
from engine.datasets.extras import WHEEL_PHOTOS, build_extras


def jpeg(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (12, 20, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def fake_wheels(folder, leave_out: str | None = None) -> None:
    """One wheel file per pinned distribution, holding its photos (tiny JPEGs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in dict.fromkeys(p.wheel for p in WHEEL_PHOTOS):
        name, version = spec.split("==")
        with zipfile.ZipFile(folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl", "w") as whl:
            for i, photo in enumerate(WHEEL_PHOTOS):
                if photo.wheel == spec and photo.path != leave_out:
                    whl.writestr(photo.path, jpeg(i))


def test_builds_the_held_out_folder_and_credits_every_photo(tmp_path, monkeypatch):
    fake_wheels(tmp_path / "src")
    monkeypatch.setattr(extras.subprocess, "run", lambda *a, **k: pytest.fail("downloaded"))
    lines = []
    manifest = build_extras(tmp_path, progress=lines.append)
    names = sorted(p.name for p in (tmp_path / "holdout").iterdir())
    assert names == sorted(f"{p.name}.png" for p in WHEEL_PHOTOS)
    image = Image.open(tmp_path / "holdout" / names[0])
    assert image.mode == "RGB" and image.size == (20, 12)          # kept at its own size
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert on_disk == manifest and on_disk["use"] == "evaluation only, never training"
    assert all(r["author"] and r["licence"] for r in on_disk["photos"])
    # the fake photos are not the recorded ones: said, not fatal
    assert sum("differs from the recorded one" in line for line in lines) == len(WHEEL_PHOTOS)


def test_a_wheel_without_its_photo_is_one_error_line(tmp_path, capsys):
    fake_wheels(tmp_path / "src", leave_out=WHEEL_PHOTOS[0].path)
    assert main(["extras", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and WHEEL_PHOTOS[0].path in err[0]
    assert not (tmp_path / "manifest.json").exists()
