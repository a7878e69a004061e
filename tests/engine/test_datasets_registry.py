"""The registry photo set: files out of Qt resource files, the recipe on fake packages."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import PySide6
import pytest
from PIL import Image

from engine.datasets import registry
from engine.datasets.qt_resources import QtResources, ResourceError
from engine.datasets.registry_sources import PACKAGES, REGISTRY_PHOTOS, RegistryPhoto

QT_RCC = Path(PySide6.__file__).parent / "Qt" / "libexec" / "rcc"   # Qt's own resource compiler


def compile_resources(folder: Path, files: dict[str, bytes], *options: str) -> Path:
    """A binary .rcc made by Qt's rcc from `files` (path -> bytes) under the prefix /pre."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    entries = "".join(f"<file>{name}</file>" for name in files)
    (folder / "r.qrc").write_text(f'<RCC><qresource prefix="/pre">{entries}</qresource></RCC>')
    subprocess.run([str(QT_RCC), "--binary", *options, "r.qrc", "-o", "r.rcc"], cwd=folder,
                   check=True, capture_output=True)
    return folder / "r.rcc"


def test_reads_stored_and_zlib_compressed_members(tmp_path):
    noise = np.random.default_rng(0).bytes(3000)
    text = b"a repetitive text compresses well " * 200
    rcc = compile_resources(tmp_path, {"img/noise.bin": noise, "img/deep/text.txt": text},
                            "--compress-algo", "zlib")
    assert QtResources(rcc).read("pre/img/noise.bin") == noise
    assert QtResources(rcc).read("/pre/img/deep/text.txt") == text
    assert rcc.stat().st_size < len(noise) + len(text) // 2    # the text was compressed
    with pytest.raises(ResourceError, match="no 'missing.png'"):
        QtResources(rcc).read("pre/img/missing.png")
    with pytest.raises(ResourceError, match="is a folder"):
        QtResources(rcc).read("pre/img")


def test_damaged_or_foreign_files_give_one_clear_error(tmp_path):
    rcc = compile_resources(tmp_path, {"a.txt": b"hello " * 100}, "--no-compress")
    cut = tmp_path / "cut.rcc"
    cut.write_bytes(rcc.read_bytes()[:60])
    with pytest.raises(ResourceError, match="cut.rcc"):
        QtResources(cut).read("pre/a.txt")
    jpeg = tmp_path / "photo.rcc"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    with pytest.raises(ResourceError, match="not a Qt resource file"):
        QtResources(jpeg).read("pre/a.txt")


def test_zstd_members_are_refused_by_name(tmp_path):
    rcc = compile_resources(tmp_path, {"a.txt": b"zstd likes repeats " * 300},
                            "--compress-algo", "zstd")
    with pytest.raises(ResourceError, match="zstd"):
        QtResources(rcc).read("pre/a.txt")


def _photo(path: Path, colour, size=(300, 280)) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.zeros((size[1], size[0], 3), np.uint8) + np.array(colour, np.uint8)
    Image.fromarray(pixels).save(path, format="WEBP" if path.suffix == ".webp" else "PNG",
                                 lossless=True)
    return path.read_bytes()


def test_recipe_copies_members_out_checks_sums_and_keeps_held_out_photos_apart(
        tmp_path, monkeypatch):
    unpacked = tmp_path / "unpacked"
    green = _photo(tmp_path / "src" / "img" / "green.webp", (20, 160, 30))
    rcc = compile_resources(tmp_path / "src", {"img/green.webp": green}, "--no-compress")
    (unpacked / "pkg-a" / "rcc").mkdir(parents=True)
    rcc.rename(unpacked / "pkg-a" / "rcc" / "photos.rcc")
    blue = _photo(unpacked / "pkg-b" / "blue.png", (30, 60, 200))
    _photo(unpacked / "pkg-b" / "red.png", (200, 20, 20))

    def entry(name, package, path, member, data, holdout=False):
        return RegistryPhoto(name, package, path, member, "A", 300, 280, "", "credit", "CC0-1.0",
                             hashlib.sha256(data).hexdigest() if data else "0" * 64, holdout)
    sources = (entry("green", "pkg-a", "rcc/photos.rcc", "pre/img/green.webp", green),
               entry("blue", "pkg-b", "blue.png", "", blue),
               entry("red", "pkg-b", "red.png", "", None, holdout=True),     # sum differs
               entry("gone", "pkg-b", "gone.png", "", None))                # not shipped
    monkeypatch.setattr(registry, "find_debs", lambda folder, packages: {
        p: tmp_path / f"{p}.deb" for p in packages})
    monkeypatch.setattr(registry, "unpack_debs", lambda debs, root, progress: {
        p: unpacked / p for p in debs})
    monkeypatch.setattr(registry, "make_manifest", lambda debs, records, summary, seed: {
        "sources": records, "counts": {k: v["count"] for k, v in summary["crop_sets"].items()}})
    messages = []
    out = tmp_path / "out"
    manifest = registry.build_registry(out, n64=6, n256=2, n_holdout64=3, debs_dir=tmp_path,
                                       progress=messages.append, workers=1, sources=sources)

    assert (out / "src" / "photos" / "green.webp").read_bytes() == green
    assert [p.name for p in (out / "holdout").iterdir()] == ["red.png"]
    train = [np.asarray(Image.open(p)) for p in sorted((out / "train64").glob("*.png"))]
    assert len(train) == 6 and all(crop[..., 0].max() < 100 for crop in train)   # no red
    assert len(list((out / "holdout64").glob("*.png"))) == 3
    matches = {r["name"]: r["sha256_matches"] for r in manifest["sources"]}
    assert matches == {"green": True, "blue": True, "red": False}
    assert any("gone" in m and "skipped" in m for m in messages)
    assert any("red differs" in m for m in messages)
    assert json.loads((out / "manifest.json").read_text())["recipe"] == "registry"

    # Run again: the vetted copy is used as it is, the resource file is not read again.
    (unpacked / "pkg-a" / "rcc" / "photos.rcc").write_bytes(b"damaged")
    registry.build_registry(out, n64=6, n256=2, n_holdout64=3, debs_dir=tmp_path,
                            progress=messages.append, workers=1, sources=sources)
    assert (out / "src" / "photos" / "green.webp").read_bytes() == green


def test_the_list_is_consistent_and_its_held_out_scenes_follow_the_rule():
    names = [p.name for p in REGISTRY_PHOTOS]
    assert len(names) == len(set(names))
    assert {p.package for p in REGISTRY_PHOTOS} == set(PACKAGES)
    assert not any("lomiri" in p.package for p in REGISTRY_PHOTOS)
    assert all(min(p.width, p.height) >= 400 and len(p.sha256) == 64 for p in REGISTRY_PHOTOS)
    scenes = sorted(p.name for p in REGISTRY_PHOTOS if p.kind in "AC")
    assert sorted(p.name for p in REGISTRY_PHOTOS if p.holdout) == scenes[::6]
