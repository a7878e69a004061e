"""Hostile project files: whatever project.json (or the zip) holds, load_project either
returns a project or raises ProjectError naming the problem, never any other exception."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.model.project import (
    MANIFEST,
    ProjectData,
    ProjectError,
    load_project,
    save_project,
)
from editor.model.tools import Stroke

FUZZ = settings(max_examples=50, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

json_scalars = st.none() | st.booleans() | st.floats(allow_nan=True) | st.text(max_size=8) \
    | st.integers(min_value=-(10 ** 400), max_value=10 ** 400) | st.sampled_from(
        ["../x.png", "/etc/passwd", "current.png", "a\\b", "C:x", "", ".", ".."])
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@pytest.fixture
def project(tmp_path):
    """A valid saved project folder (8x8 images, 4-value latents, a stroke, candidates, photo)."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    z = rng.standard_normal(4).astype(np.float32)
    data = ProjectData(model="tiny", image_size=8, z_current=z, z_start=z, z_previous=z,
                       strokes=(Stroke("color", ((1.0, 2.0), (3.0, 4.0)), 2.0, (10, 20, 30)),),
                       candidate_z=np.stack([z, z]), chosen=1, history=["Edit"],
                       current_image=image, previous_image=image, photo_path="photo.jpg",
                       photo_z=z, photo_pixels=image[:4])
    folder = save_project(tmp_path / "p", data)
    load_project(folder)  # the starting point is valid
    (tmp_path / "original.json").write_bytes((folder / MANIFEST).read_bytes())
    return folder


def _original(project):
    """The valid manifest (hypothesis reuses the fixture's folder for every example)."""
    return json.loads((project.parent / "original.json").read_text())


def _paths(value, prefix=()):
    """Every key path into a JSON value (the value itself included)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


def _mutate(manifest, path, new, delete):
    if not path:
        return new
    parent = manifest
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return manifest


def _loads_or_project_error(folder):
    try:
        data = load_project(folder)
    except ProjectError as exc:
        assert str(exc)
        return None
    return data


@FUZZ
@given(data=st.data())
def test_mutated_manifest_loads_or_raises_project_error(project, data):
    manifest = _original(project)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = list(_paths(manifest)) if isinstance(manifest, (dict, list)) else [()]
        path = data.draw(st.sampled_from(paths), label="path")
        delete = bool(path) and data.draw(st.booleans(), label="delete")
        manifest = _mutate(manifest, path, data.draw(json_values, label="value"), delete)
    (project / MANIFEST).write_text(json.dumps(manifest))
    loaded = _loads_or_project_error(project)
    if loaded is not None:
        assert loaded.current_image.shape == (loaded.image_size, loaded.image_size, 3)
        assert np.isfinite(loaded.z_current).all() and loaded.z_start.shape == loaded.z_current.shape


@FUZZ
@given(payload=st.binary(max_size=2000))
def test_random_bytes_as_manifest_raise_project_error(project, payload):
    (project / MANIFEST).write_bytes(payload)
    with pytest.raises(ProjectError):
        load_project(project)


@FUZZ
@given(text=st.text(alphabet='{}[]",:0123456789.eE-+ truefalsn\\u', max_size=300))
def test_json_like_garbage_raises_project_error(project, text):
    (project / MANIFEST).write_text(text)
    assert _loads_or_project_error(project) is None


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,             # nesting deep enough to exhaust the recursion limit
    '{"format_version": ' + "9" * 5000 + "}",  # an integer too long for Python to parse
    '{"format": "manifold-editor-project", "format_version": 1e999}',
    "\ufeff{}",                                # a byte-order mark
], ids=["deep-nesting", "huge-int-literal", "infinite-version", "bom"])
def test_pathological_json_raises_project_error(project, text):
    (project / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError):
        load_project(project)


@pytest.mark.parametrize("field,value", [
    (("latents", "current", 0), 10 ** 400),
    (("settings", "lr"), 10 ** 400),
    (("strokes", 0, "width"), 10 ** 400),
    (("strokes", 0, "points", 0, 0), -(10 ** 400)),
], ids=["huge-latent", "huge-setting", "huge-stroke-width", "huge-stroke-point"])
def test_integers_too_large_for_a_float_raise_project_error(project, field, value):
    manifest = _original(project)
    (project / MANIFEST).write_text(json.dumps(_mutate(manifest, field, value, False)))
    with pytest.raises(ProjectError):
        load_project(project)


@FUZZ
@given(payload=st.binary(max_size=2000))
def test_random_bytes_as_a_zip_project_raise_project_error(tmp_path, payload):
    path = tmp_path / "p.zip"
    path.write_bytes(b"PK\x03\x04" + payload)
    with pytest.raises(ProjectError):
        load_project(path)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_truncated_zip_project_raises_project_error_or_loads(project, tmp_path, cut):
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for member in sorted(project.iterdir()):
            z.write(member, member.name)
    payload = archive.read_bytes()
    target = tmp_path / "cut.zip"
    target.write_bytes(payload[:cut % max(1, len(payload))])
    with pytest.raises(ProjectError):
        load_project(target)
