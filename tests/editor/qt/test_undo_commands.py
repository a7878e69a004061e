"""The document and its commands on the editor's undo stack: exact undo, merging a result into
its stroke, revisions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from editor.model import history
from editor.model.document import Document
from editor.model.photo import PhotoLayer
from editor.model.tools import COLOR, WARP, Stroke
from engine.ops.types import EditSettings
from support.undo import Stack, apply

RED = Stroke(COLOR, ((0.0, 1.0), (8.0, 1.0)), 2.0, (255, 0, 0))


def image(value: int) -> np.ndarray:
    return np.full((8, 8, 3), value, np.uint8)


def new_doc() -> Document:
    return Document.start("m", np.zeros(4, np.float32), image(10))


def result(n: int = 3, base: int = 100):
    zs = np.stack([np.full(4, 0.1 * (i + 1), np.float32) for i in range(n)])
    return zs, np.stack([image(base + i) for i in range(n)])


def test_a_stroke_and_its_result_are_one_undo_entry():
    doc = new_doc()
    stack = Stack(doc)
    stack.push(history.add_stroke(doc, RED))
    stack.push(history.apply_result(doc, *result()))
    assert stack.texts() == ["Colour stroke #ff0000 \u2192 candidate 1 of 3"]
    assert doc.image[0, 0, 0] == 100 and doc.state.z_previous is not None
    stack.undo()
    assert doc.strokes == () and np.array_equal(doc.image, image(10))
    stack.redo()
    assert doc.strokes == (RED,) and np.array_equal(doc.image, image(100))
    assert len(doc.candidates) == 3 and doc.state.chosen == 0


def test_a_second_result_does_not_merge_into_the_same_stroke():
    doc = new_doc()
    stack = Stack(doc)
    stack.push(history.add_stroke(doc, RED))
    stack.push(history.apply_result(doc, *result()))
    stack.push(history.apply_result(doc, *result(base=150)))
    assert len(stack.texts()) == 2


def test_choose_candidate_fix_and_new_start_are_undoable():
    doc = new_doc()
    stack = Stack(doc)
    stack.push(history.add_stroke(doc, RED))
    stack.push(history.apply_result(doc, *result()))
    stack.push(history.choose_candidate(doc, 2))
    assert doc.image[0, 0, 0] == 102 and doc.state.chosen == 2
    assert doc.state.previous_image[0, 0, 0] == 100
    stack.push(history.fix_current(doc))
    assert doc.state.fixed and np.array_equal(doc.state.z_start, doc.state.z_current)
    stack.push(history.new_start(doc, np.ones(4), image(50), "Random start"))
    assert doc.strokes == () and doc.candidates == () and not doc.state.fixed
    for _ in range(3):
        stack.undo()
    assert doc.image[0, 0, 0] == 100 and not doc.state.fixed and doc.state.chosen == 0
    assert stack.texts() == ["Colour stroke #ff0000 \u2192 candidate 1 of 3"]


def test_every_change_bumps_the_revision_and_notifies():
    doc = new_doc()
    seen = []
    doc.subscribe(lambda d: seen.append(d.revision))
    stack = Stack(doc)
    stack.push(history.add_stroke(doc, RED))
    stack.undo()
    stack.redo()
    assert seen == [1, 2, 3]


def test_erase_and_clear():
    doc = new_doc()
    stack = Stack(doc)
    other = Stroke(COLOR, ((0.0, 5.0),), 1.0, (0, 0, 255))
    stack.push(history.add_stroke(doc, RED))
    stack.push(history.add_stroke(doc, other))
    stack.push(history.erase_strokes(doc, [0]))
    assert doc.strokes == (other,) and stack.texts()[-1] == "Erase stroke"
    stack.push(history.clear_strokes(doc))
    assert doc.strokes == ()
    stack.undo()
    stack.undo()
    assert doc.strokes == (RED, other)


def test_edit_request_snapshots_strokes_and_uses_the_fixed_start():
    doc = new_doc()
    settings = EditSettings(steps=3)
    assert doc.edit_request(settings) is None
    stack = Stack(doc)
    stack.push(history.add_stroke(doc, RED))
    request = doc.edit_request(settings)
    assert request.revision == doc.revision and request.z0 is None
    assert request.constraints.color_mask.any()
    settings.steps = 99
    assert request.settings.steps == 3  # a copy: later changes do not leak into a running job
    stack.push(history.fix_current(doc))
    assert doc.edit_request(settings).z0 is doc.state.z_start


def test_a_warp_edits_around_the_image_being_warped():
    doc = new_doc()
    apply(doc, history.add_stroke(doc, Stroke(WARP, ((2.0, 2.0), (5.0, 5.0)), 2.0)))
    assert doc.edit_request(EditSettings()).z0 is doc.state.z_current


def test_saved_steps_round_trip_to_the_same_states():
    from editor.model import saved_history
    doc = new_doc()
    stack = Stack(doc)
    stack.push(history.add_stroke(doc, RED))
    stack.push(history.apply_result(doc, *result(), costs=np.array([0.1, 0.2, 0.3])))
    stack.push(history.choose_candidate(doc, 2))
    stack.push(history.retouch_image(doc, image(77)))
    stack.push(history.choose_candidate(doc, 0))
    steps = saved_history.from_commands(stack.commands, doc.state)
    images = {}

    def add(name, pixels):
        images[f"{name}-{len(images)}"] = pixels
        return f"{name}-{len(images) - 1}"

    raw = saved_history.to_json(steps, add)
    import json
    raw = json.loads(json.dumps(raw))
    back = saved_history.from_json(raw, 4, images.__getitem__)
    assert back.texts == tuple(stack.texts())
    render = lambda zs: np.stack([image(int(round(z[0] * 10)) + 100) for z in zs])  # noqa: E731
    rebuilt = saved_history.rebuild(back, render, doc.state)
    assert [r[0] for r in rebuilt] == stack.texts()
    assert rebuilt[-1][3] is doc.state
    start, stroke = rebuilt[0][2], rebuilt[0][3]
    assert start.strokes == () and stroke.strokes == (RED,)
    chosen = rebuilt[1][3]
    assert chosen.chosen == 2 and [c.cost for c in chosen.candidates] == [0.1, 0.2, 0.3]
    assert np.array_equal(chosen.image, image(103))              # regenerated from its latent
    retouched = rebuilt[2][3]
    assert retouched.retouched and np.array_equal(retouched.image, image(77))   # saved pixels
    raw["states"][1]["current"] = 99
    try:
        saved_history.from_json(raw, 4, images.__getitem__)
    except ValueError as exc:
        assert "steps.states[1].current" in str(exc)
    else:
        raise AssertionError("a bad latent index was accepted")


def test_saved_steps_keep_the_pixels_of_candidates_fix_blended():
    from editor.model import saved_history
    doc = new_doc()
    stack = Stack(doc)
    stack.push(history.fix_current(doc))
    stack.push(history.add_stroke(doc, RED))
    stack.push(history.apply_result(doc, *result(base=50), blended=True))  # not G(z)
    stack.push(history.add_stroke(doc, Stroke(COLOR, ((1.0, 1.0), (2.0, 2.0)), 1.0, (0, 0, 255))))
    images = {}

    def add(name, pixels):
        images[f"{name}-{len(images)}"] = pixels
        return f"{name}-{len(images) - 1}"

    raw = saved_history.to_json(saved_history.from_commands(stack.commands, doc.state), add)
    back = saved_history.from_json(json.loads(json.dumps(raw)), 4, images.__getitem__)
    render = lambda zs: np.stack([image(200) for _ in zs])  # noqa: E731  (G(z) differs)
    rebuilt = saved_history.rebuild(back, render, doc.state)
    assert [r[0] for r in rebuilt] == stack.texts()   # the stroke and its result are one step
    edited = rebuilt[1][3]
    assert [int(c.image[0, 0, 0]) for c in edited.candidates] == [50, 51, 52]   # saved pixels
    assert rebuilt[0][3].candidates == ()
    raw["states"][2]["candidate_images"] = raw["states"][2]["candidate_images"][:1]
    with pytest.raises(ValueError, match=r"steps.states\[2\].candidate_images"):
        saved_history.from_json(raw, 4, images.__getitem__)


def photo_document(pixels: np.ndarray) -> Document:
    z = np.linspace(-0.5, 0.5, 8).astype(np.float32)
    doc = Document.start("tiny", z, np.full((16, 16, 3), 100, np.uint8))
    doc.state = doc.state.replace(fixed=True, photo=PhotoLayer.create(Path("photo.png"), pixels,
                                                                      z, doc.image))
    return doc


def test_inpainting_commands_restore_the_exact_pixels_on_undo():
    pixels = np.random.default_rng(0).integers(0, 255, (56, 40, 3), dtype=np.uint8)
    doc = photo_document(pixels)
    log = Stack(doc)
    filled = pixels.copy()
    filled[10:20, 10:20] = 0
    log.push(history.retouch_photo(doc, filled))
    assert doc.photo.pixels is filled and doc.photo.retouched
    image = doc.image.copy()
    image[:4] = 255
    log.push(history.retouch_image(doc, image))
    assert doc.state.retouched and doc.image is image
    log.undo()
    log.undo()
    assert doc.photo.pixels is pixels and not doc.photo.retouched and not doc.state.retouched
    # A new generated image is no longer retouched.
    after = doc.state.with_current(doc.state.z_current, image)
    assert not after.retouched
