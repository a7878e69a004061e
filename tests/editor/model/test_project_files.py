"""Project files: exact round trips (folder and zip) and a clear error for every broken file."""

from __future__ import annotations

import dataclasses
import json
import zipfile

import numpy as np
import pytest

from editor.model import history
from editor.model.document import Document
from editor.model.project import (MANIFEST, ProjectError, export_image, from_document,
                                  load_project, save_project)
from editor.model.tools import COLOR, SKETCH, Stroke
from engine.ops.types import EditSettings
from support.undo import apply

RNG = np.random.default_rng(0)


def sample_document() -> Document:
    z = RNG.uniform(-1, 1, 8).astype(np.float32)
    doc = Document.start("tiny", z, RNG.integers(0, 256, (16, 16, 3), dtype=np.uint8))
    apply(doc, history.add_stroke(doc, Stroke(COLOR, ((0.5, 1.25), (15.0, 1.0)), 2.5, (255, 0, 0))))
    apply(doc, history.add_stroke(doc, Stroke(SKETCH, ((8.0, 2.0), (8.0, 14.0)), 1.0)))
    zs = RNG.uniform(-1, 1, (3, 8)).astype(np.float32)
    images = RNG.integers(0, 256, (3, 16, 16, 3), dtype=np.uint8)
    apply(doc, history.apply_result(doc, zs, images))
    apply(doc, history.choose_candidate(doc, 1))
    apply(doc, history.fix_current(doc))
    return doc


@pytest.fixture
def saved(tmp_path):
    doc = sample_document()
    data = from_document(doc, EditSettings(steps=7, lr=0.05), ["Colour stroke", "Fix image"])
    return save_project(tmp_path / "scene", data), doc


@pytest.mark.parametrize("name", ["scene", "scene.manifold", "scene.zip"])
def test_round_trip_is_exact(tmp_path, name):
    doc = sample_document()
    path = save_project(tmp_path / name, from_document(doc, EditSettings(steps=7), ["a", "b"]))
    assert path.name.endswith((".manifold", ".zip"))
    data = load_project(path)
    state = doc.state
    assert data.model == "tiny" and data.image_size == 16 and data.z_dim == 8
    assert np.array_equal(data.z_current, state.z_current) and data.z_current.dtype == np.float32
    assert np.array_equal(data.z_start, state.z_start)
    assert np.array_equal(data.z_previous, state.z_previous)
    assert data.fixed and data.chosen == 1
    assert data.strokes == state.strokes
    assert np.array_equal(data.candidate_z, np.stack([c.z for c in state.candidates]))
    assert data.settings.steps == 7 and data.history == ["a", "b"]
    assert np.array_equal(data.current_image, state.image)
    assert np.array_equal(data.previous_image, state.previous_image)


def test_the_loaded_project_gives_back_the_documents_state(tmp_path):
    from editor.model.project_schema import to_state
    doc = sample_document()
    state = doc.state
    data = load_project(save_project(tmp_path / "scene", from_document(doc, EditSettings(), [])))
    made = {state.z_current.tobytes(): state.image, state.z_previous.tobytes(): state.previous_image,
            **{c.z.tobytes(): c.image for c in state.candidates}}
    shifted = lambda zs: np.stack([made[z.astype(np.float32).tobytes()] // 2 for z in zs])  # noqa
    back, difference = to_state(data, shifted, None)
    assert difference == int(np.abs(state.image.astype(int) - state.image // 2).max())
    assert np.array_equal(back.image, state.image // 2)   # regenerated, not the saved PNG
    assert np.array_equal(back.previous_image, state.previous_image // 2)
    assert [c.image.tolist() for c in back.candidates] == [(c.image // 2).tolist()
                                                           for c in state.candidates]
    assert back.strokes == state.strokes and back.fixed and back.chosen == state.chosen
    assert np.array_equal(back.z_start, state.z_start) and back.photo is None
    retouched = dataclasses.replace(data, retouched=True)
    assert np.array_equal(to_state(retouched, shifted, None)[0].image, state.image)  # saved pixels


def fix_blended_document() -> Document:
    """A fixed image edited: the result's images are blended with it, so they are not G(z)."""
    z = RNG.uniform(-1, 1, 8).astype(np.float32)
    doc = Document.start("tiny", z, RNG.integers(0, 256, (16, 16, 3), dtype=np.uint8))
    apply(doc, history.fix_current(doc))
    apply(doc, history.add_stroke(doc, Stroke(COLOR, ((2.0, 2.0), (9.0, 2.0)), 2.0, (255, 0, 0))))
    zs = RNG.uniform(-1, 1, (3, 8)).astype(np.float32)
    images = RNG.integers(0, 256, (3, 16, 16, 3), dtype=np.uint8)
    apply(doc, history.apply_result(doc, zs, images, blended=True))
    apply(doc, history.choose_candidate(doc, 2))
    return doc


def test_the_candidates_of_a_fix_blended_edit_come_back_as_they_were_shown(tmp_path):
    from editor.model.project_schema import to_state
    doc = fix_blended_document()
    data = load_project(save_project(tmp_path / "fixed", from_document(doc, EditSettings(), [])))
    regenerate = lambda zs: np.zeros((len(zs), 16, 16, 3), np.uint8)  # noqa: E731  G(z) differs
    back, _ = to_state(data, regenerate, None)
    assert [c.image.tolist() for c in back.candidates] == [c.image.tolist()
                                                           for c in doc.state.candidates]
    assert np.array_equal(back.image, doc.image) and back.chosen == 2


@pytest.mark.parametrize("change, message", [
    (lambda m: m["candidates"].update(images=m["candidates"]["images"][:2]), "one image per"),
    (lambda m: m["candidates"].update(images="candidate.png"), "one image per"),
    (lambda m: m["candidates"]["images"].__setitem__(0, "../x.png"), "plain file name"),
    (lambda m: m["candidates"]["images"].__setitem__(1, "gone.png"), "missing"),
])
def test_broken_candidate_images_give_a_clear_error(tmp_path, change, message):
    path = save_project(tmp_path / "fixed", from_document(fix_blended_document(), EditSettings(), []))
    edit_manifest(path, change)
    with pytest.raises(ProjectError, match=message):
        load_project(path)


def test_saving_again_replaces_the_project_and_json_is_written_last(saved):
    path, doc = saved
    before = (path / MANIFEST).stat().st_mtime_ns
    save_project(path, from_document(doc, EditSettings(), []))
    assert (path / MANIFEST).stat().st_mtime_ns >= before
    assert not [p for p in path.iterdir() if p.name.endswith(".tmp")]


def test_refuses_to_save_into_a_folder_that_is_not_a_project(tmp_path):
    folder = tmp_path / "photos.manifold"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(ProjectError, match="not empty"):
        save_project(folder, from_document(sample_document(), EditSettings(), []))
    assert (folder / "holiday.jpg").read_bytes() == b"precious"


def edit_manifest(path, change):
    manifest = json.loads((path / MANIFEST).read_text())
    change(manifest)
    (path / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(format_version=2), "newer version"),
    (lambda m: m.update(format_version="1"), "format_version"),
    (lambda m: m.update(format="something-else"), "not a manifold-editor-project"),
    (lambda m: m.update(model=7), "'model'"),
    (lambda m: m["latents"].update(current=[1, "x"]), "latents.current"),
    (lambda m: m["latents"].update(start=[0.0, 1.0]), "latents.start"),
    (lambda m: m["latents"].update(current=[float("nan")] * 8), "latents.current"),
    (lambda m: m.update(strokes={"a": 1}), "'strokes' must be a list"),
    (lambda m: m["strokes"][0].update(width="wide"), r"strokes\[0\]"),
    (lambda m: m["candidates"].update(chosen=9), "candidates.chosen"),
    (lambda m: m["settings"].update(steps="many"), "settings.steps"),
    (lambda m: m["settings"].update(steps=10 ** 400), "settings.steps"),
    (lambda m: m["settings"].update(lr=1e300), "settings.lr"),
    (lambda m: m["strokes"][0].update(color=[300, 0, 0]), r"strokes\[0\]"),
    (lambda m: m.update(fixed="yes"), "'fixed'"),
    (lambda m: m["images"].update(current="../outside.png"), "plain file name"),
    (lambda m: m["images"].update(current="/etc/passwd"), "plain file name"),
    (lambda m: m["images"].update(current="gone.png"), "missing"),
    (lambda m: m.update(image_size=32), "is 16x16"),
    (lambda m: m.update(images=[]), "'images'"),
])
def test_broken_manifests_give_a_clear_error(saved, change, message):
    path, _ = saved
    edit_manifest(path, change)
    with pytest.raises(ProjectError, match=message) as error:
        load_project(path)
    assert str(path) in str(error.value)


def test_malformed_json_and_missing_manifest(saved, tmp_path):
    path, _ = saved
    (path / MANIFEST).write_text("{ not json")
    with pytest.raises(ProjectError, match="not valid JSON"):
        load_project(path)
    (path / MANIFEST).unlink()
    with pytest.raises(ProjectError, match="project.json is missing"):
        load_project(path)
    with pytest.raises(ProjectError, match="no such project"):
        load_project(tmp_path / "nowhere.manifold")


def current_image_name(path) -> str:
    return json.loads((path / MANIFEST).read_text())["images"]["current"]


def test_a_damaged_image_is_reported(saved):
    path, _ = saved
    name = current_image_name(path)
    (path / name).write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(ProjectError, match=name):
        load_project(path)


def test_an_image_symlinked_outside_the_project_is_refused(saved, tmp_path):
    path, _ = saved
    outside = tmp_path / "outside.png"
    name = current_image_name(path)
    (path / name).rename(outside)
    (path / name).symlink_to(outside)
    with pytest.raises(ProjectError, match="outside the project"):
        load_project(path)


def test_zip_members_escaping_the_folder_are_refused(tmp_path, saved):
    path, _ = saved
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(MANIFEST, (path / MANIFEST).read_text())
        z.writestr("../current.png", (path / current_image_name(path)).read_bytes())
    with pytest.raises(ProjectError, match="not a plain file name"):
        load_project(archive)
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ProjectError):
        load_project(tmp_path / "junk.zip")


def test_export_never_overwrites_without_asking_nor_writes_into_the_project(saved, tmp_path):
    path, doc = saved
    target = export_image(tmp_path / "out.png", doc.image)
    with pytest.raises(ProjectError, match="already exists"):
        export_image(target, doc.image)
    export_image(target, doc.image, overwrite=True)
    with pytest.raises(ProjectError, match="opened project"):
        export_image(path / "current.png", doc.image, protected=(path,), overwrite=True)


def test_saving_again_replaces_the_images_and_leaves_no_stale_ones(saved):
    path, doc = saved
    first = current_image_name(path)
    changed = doc.image.copy()
    changed[0, 0] = 255 - changed[0, 0]
    data = load_project(path)
    data.current_image = changed
    save_project(path, data)
    second = current_image_name(path)
    assert second != first and not (path / first).exists()
    assert np.array_equal(load_project(path).current_image, changed)
    assert sorted(p.name for p in path.glob("current*.png")) == [second]
