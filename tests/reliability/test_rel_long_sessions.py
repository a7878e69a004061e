"""Long editing sessions: 500 edits keep the undo history, and so memory, bounded.

Each edit is what the editor records for a stroke: the stroke, then its edit result (new
current image and candidates) merged into it. Results are fake (random images), so no
optimisation runs."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest

from editor.model import history
from editor.model.document import Document
from editor.model.history import UNDO_LIMIT
from editor.model.tools import Stroke
from support.undo import Stack

SIZE, CANDIDATES, EDITS = 64, 4, 500


def _edit(doc: Document, rng: np.random.Generator, i: int):
    """The commands of edit i: a stroke and its result (every 5th edit clears the strokes)."""
    if i % 5 == 4:
        yield history.clear_strokes(doc)
        return
    yield history.add_stroke(doc, Stroke("color", ((i % SIZE, 1.0),), 2.0, (i % 256, 0, 0)))
    zs = rng.standard_normal((CANDIDATES, 8)).astype(np.float32)
    images = rng.integers(0, 256, (CANDIDATES, SIZE, SIZE, 3), dtype=np.uint8)
    yield history.apply_result(doc, zs, images)


def _new_doc() -> Document:
    return Document.start("tiny", np.zeros(8, np.float32), np.zeros((SIZE, SIZE, 3), np.uint8))


def _run(push, doc, edits: range, rng) -> int:
    """Apply the edits; returns the traced memory after them (bytes)."""
    for i in edits:
        for command in _edit(doc, rng, i):
            push(command)
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def _assert_flat(push, doc) -> tuple[int, int]:
    rng = np.random.default_rng(0)
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        at_250 = _run(push, doc, range(250), rng)
        at_500 = _run(push, doc, range(250, EDITS), rng)
    finally:
        tracemalloc.stop()
    one_result = CANDIDATES * SIZE * SIZE * 3
    print(f"\n500 edits: {(at_250 - start) / 2**20:.1f} MiB after 250, "
          f"{(at_500 - start) / 2**20:.1f} MiB after 500 (one result {one_result / 1024:.0f} KiB)")
    # The history filled up within the first 250 edits; after that, old steps are dropped as
    # new ones come: growth of less than 5 results' worth (an unbounded history: 250 results).
    assert at_500 - at_250 < 5 * one_result
    return at_250 - start, at_500 - start


def test_500_edits_on_the_editors_undo_stack_stay_bounded(qtbot):
    """Also guards against PySide keeping commands alive after the stack deleted them."""
    from editor.qt.controller import EditorController

    controller = EditorController(device="cpu")
    stack, doc = controller.undo_stack, _new_doc()
    assert stack.undoLimit() == UNDO_LIMIT
    controller.doc = doc  # pushed the way the editor pushes (controller.push)
    _assert_flat(controller.push, doc)
    assert stack.count() == UNDO_LIMIT  # a stroke and its result are one step
    newest = doc.state
    while stack.canUndo():
        stack.undo()
    assert doc.state is stack.command(0).command.before
    while stack.canRedo():
        stack.redo()
    assert doc.state is newest


@pytest.mark.parametrize("limit", [1, 3])
def test_a_small_limit_keeps_exactly_the_newest_steps(limit):
    doc = _new_doc()
    stack = Stack(doc, limit=limit)
    rng = np.random.default_rng(1)
    for i in range(9):  # the last one (i=8) ends with a result
        for command in _edit(doc, rng, i):
            stack.push(command)
    assert len(stack.commands) == limit
    newest = stack.commands[-1]
    assert newest.after is doc.state and newest.has_result  # the last stroke with its result
