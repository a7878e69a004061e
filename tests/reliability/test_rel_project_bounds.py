"""Project files ask for bounded things: manifest size, candidates, zip members (count, size,
only what the manifest names, no duplicates), stroke widths and points, latents in the
prior's range, and a model by name rather than by path."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from editor.model import loading
from editor.model.document import Document
from editor.model.project import (MANIFEST, MAX_CANDIDATES, MAX_MANIFEST_BYTES, MAX_ZIP_MEMBERS,
                                  ProjectError, from_document, load_project, save_project)
from editor.model.tools import COLOR, Stroke
from editor.model.history import add_stroke
from engine.ops.types import EditSettings
from support.undo import apply


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    doc = Document.start("tiny", rng.uniform(-1, 1, 8).astype(np.float32),
                         rng.integers(0, 256, (16, 16, 3), dtype=np.uint8))
    apply(doc, add_stroke(doc, Stroke(COLOR, ((1.0, 2.0), (9.0, 3.0)), 2.0, (255, 0, 0))))
    return save_project(tmp_path / "scene", from_document(doc, EditSettings(), []))


def edit(folder, change):
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def zipped(folder, tmp_path, extra=()):
    """The folder project as a zip, plus extra (name, bytes) members."""
    path = tmp_path / "scene.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(folder.iterdir()):
            archive.writestr(member.name, member.read_bytes())
        for name, payload in extra:
            archive.writestr(name, payload)
    return path


def test_an_oversized_manifest_is_refused_before_parsing(folder, monkeypatch):
    text = (folder / MANIFEST).read_text()
    (folder / MANIFEST).write_text(text[:-2] + ' ' * MAX_MANIFEST_BYTES + "}\n")
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(ProjectError, match="too large for a project manifest"):
        load_project(folder)


def test_too_many_candidates(folder):
    edit(folder, lambda m: m["candidates"].update(z=[m["latents"]["current"]] * (MAX_CANDIDATES + 1)))
    with pytest.raises(ProjectError, match="candidates.z.*limit"):
        load_project(folder)


def test_a_zip_with_too_many_members(folder, tmp_path):
    path = zipped(folder, tmp_path, [(f"junk{i}.txt", b"x") for i in range(MAX_ZIP_MEMBERS)])
    with pytest.raises(ProjectError, match="members"):
        load_project(path)


def test_a_zip_with_two_manifests(folder, tmp_path):
    other = json.loads((folder / MANIFEST).read_text())
    other["model"] = "another"
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = zipped(folder, tmp_path, [(MANIFEST, json.dumps(other).encode())])
    with pytest.raises(ProjectError, match="appears twice"):
        load_project(path)


def test_a_zip_extracts_only_what_the_manifest_names(folder, tmp_path, monkeypatch):
    path = zipped(folder, tmp_path, [("unreferenced.bin", b"\0" * 1_000_000)])
    read = []
    original = zipfile.ZipFile.read
    monkeypatch.setattr(zipfile.ZipFile, "read",
                        lambda self, member, pwd=None: read.append(getattr(member, "filename", member))
                        or original(self, member, pwd))
    data = load_project(path)
    assert data.model == "tiny" and "unreferenced.bin" not in read


def test_a_zip_whose_images_unpack_too_large(folder, tmp_path, monkeypatch):
    from editor.model import project_storage
    monkeypatch.setattr(project_storage, "MAX_ZIP_TOTAL_BYTES", 1000)
    with pytest.raises(ProjectError, match="unpack to"):
        load_project(zipped(folder, tmp_path))


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(width=1e9), "width"),
    (lambda s: s.update(width=-3), "width"),
    (lambda s: s.update(points=[[1e12, 5.0], [2.0, 3.0]]), "within"),
    (lambda s: s.update(points=[[1.0, -1e12]]), "within"),
    (lambda s: s.update(points=[[1.0, 2.0]] * 100_001), "limit"),
])
def test_stroke_bounds(folder, change, message):
    edit(folder, lambda m: change(m["strokes"][0]))
    with pytest.raises(ProjectError, match=message):
        load_project(folder)


@pytest.mark.parametrize("value", [3e38, -1.5, 1e6])
@pytest.mark.parametrize("where", ["current", "start", "candidate"])
def test_latents_outside_the_prior_are_refused(folder, value, where):
    def change(m):
        z = list(m["latents"]["current"])
        z[0] = value
        if where == "candidate":
            m["candidates"]["z"] = [z]
        else:
            m["latents"][where] = z
    edit(folder, change)
    with pytest.raises(ProjectError, match="prior's range"):
        load_project(folder)


@pytest.mark.parametrize("model", ["/etc/models/evil", "../outside", "a/b", "~/m"])
def test_a_model_named_by_path_is_refused(folder, model):
    edit(folder, lambda m: m.update(model=model))
    with pytest.raises(ProjectError, match="not a path"):
        load_project(folder)


def test_an_absolute_model_folder_hint_is_never_loaded(folder, tmp_path, monkeypatch):
    from support.models import build_untrained_gan
    build_untrained_gan(tmp_path / "far" / "tiny")
    edit(folder, lambda m: m.update(model_folder=str(tmp_path / "far" / "tiny")))
    loaded = []
    real = loading.load_gan
    monkeypatch.setattr(loading, "load_gan", lambda p, *a, **k: loaded.append(str(p)) or real(p, *a, **k))
    with pytest.raises(ProjectError, match="cannot be loaded"):
        loading.open_project(folder, "cpu", search_dirs=[tmp_path / "empty"])
    assert loaded == ["tiny"]


def test_a_relative_model_folder_beside_the_project_is_used(folder, tmp_path):
    from support.models import build_untrained_gan
    build_untrained_gan(tmp_path / "models" / "tiny", z_dim=8)
    edit(folder, lambda m: m.update(model_folder="models/tiny"))
    opened = loading.open_project(folder, "cpu", search_dirs=[tmp_path / "empty"])
    assert opened.model.folder == tmp_path / "models" / "tiny"
