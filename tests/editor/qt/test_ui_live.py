"""Live edits while painting: a real drag shows search results before the mouse is released,
the search on release gives the candidates, and Edit settings turns it off (remembered)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from editor.qt.dialogs.edit_settings import EditSettingsDialog
from ui_helpers import EDIT_TIMEOUT, drag, shown_pixel, wait_loaded, widget_point


class Search(NamedTuple):
    starts: int
    z0: np.ndarray | None
    start: np.ndarray | None
    keep_weight: float


def record_searches(monkeypatch, c) -> tuple[list[Search], list]:
    """Every edit search, live or not (they run on worker threads), and every latent the
    search on release took from the live searches."""
    import engine.ops.edit as edit_op
    calls, taken = [], []
    real_edit, take_warm = edit_op.edit, c.live.take_warm

    def spy(model, constraints, *, z0=None, start=None, settings=None, token=None):
        calls.append(Search(settings.starts, None if z0 is None else np.array(z0),
                            None if start is None else np.array(start), settings.keep_weight))
        return real_edit(model, constraints, z0=z0, start=start, settings=settings, token=token)

    monkeypatch.setattr(edit_op, "edit", spy)
    c.live.take_warm = lambda doc: (taken.append(take_warm(doc)), taken[-1])[1]
    return calls, taken


def test_a_drag_shows_live_results_then_the_candidates_after_release(window, qtbot):
    c, canvas = window.controller, window.canvas
    assert c.live.enabled   # on by default
    before = c.doc.image.copy()
    window.brush.colorChosen.emit((255, 0, 0))
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 1.5, 2.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT) as live:
        qtbot.mouseMove(canvas, widget_point(canvas, 8.5, 2.5))
    shown = live.args[0]
    # Still drawing: nothing is in the document yet, but the pad shows the live result.
    assert c.doc.strokes == () and c.undo_stack.count() == 0
    assert canvas.toolbox.active.active
    assert not np.array_equal(shown, before)
    assert shown_pixel(canvas, 12, 12) == tuple(int(v) for v in shown[12, 12])
    assert window.candidates.list.count() == 0
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled") as ended:
        qtbot.mouseMove(canvas, widget_point(canvas, 14.5, 2.5))
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 14.5, 2.5))
    assert ended.args == ["applied"]
    assert len(c.doc.strokes) == 1 and c.undo_stack.count() == 1
    assert window.candidates.list.count() == c.edit_settings.candidates
    assert shown_pixel(canvas, 12, 12) == tuple(int(v) for v in c.doc.image[12, 12])
    assert not c.live.runner.busy


def test_the_search_on_release_starts_from_the_live_latent(window, qtbot, monkeypatch):
    c, canvas = window.controller, window.canvas
    calls, taken = record_searches(monkeypatch, c)
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 1.5, 8.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT):
        qtbot.mouseMove(canvas, widget_point(canvas, 9.5, 8.5))
    assert calls[0].z0 is None   # the drag's first search: random starts (no Fix)
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled"):
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 9.5, 8.5))
    assert all(call.start is None for call in calls)   # without an anchor warm is the z0
    last = calls[-1]
    assert last.starts == c.edit_settings.starts   # the full search, not a live one
    assert taken == [taken[-1]] and taken[-1] is not None
    assert np.array_equal(last.z0, taken[-1]) and last.keep_weight == 0
    assert c.doc.edit_request(c.edit_settings).z0 is None   # the document has no anchor
    assert c.live.take_warm(c.doc) is None   # used once


def test_with_fix_the_searches_keep_the_anchor_and_try_the_live_latent_first(window, qtbot,
                                                                          monkeypatch):
    c, canvas = window.controller, window.canvas
    qtbot.keyClick(window, Qt.Key_F)
    assert c.doc.state.fixed
    anchor = c.doc.state.z_start
    calls, taken = record_searches(monkeypatch, c)
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 1.5, 8.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT):
        qtbot.mouseMove(canvas, widget_point(canvas, 6.5, 8.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT):
        qtbot.mouseMove(canvas, widget_point(canvas, 11.5, 8.5))
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled") as ended:
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 11.5, 8.5))
    assert ended.args == ["applied"]
    live = [call for call in calls if call.starts != c.edit_settings.starts]
    assert live[0].start is None                   # the drag's first search: cold
    assert all(call.start is not None for call in live[1:])   # later ones warm-start
    last = calls[-1]
    assert last.starts == c.edit_settings.starts    # the full search on release
    assert all(np.array_equal(call.z0, anchor) for call in calls)   # Fix's anchor throughout
    assert taken[-1] is not None and np.array_equal(last.start, taken[-1])


def test_edit_settings_turns_live_edits_off_and_it_is_remembered(make_window, qtbot):
    w = make_window()
    wait_loaded(qtbot, w)
    c = w.controller
    w.actions.edit_settings.trigger()
    dialog = w.findChild(EditSettingsDialog)
    assert dialog.live.isChecked()
    qtbot.mouseClick(dialog.live, Qt.LeftButton, pos=dialog.live.rect().center())
    assert not dialog.live.isChecked()
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok),
                     Qt.LeftButton)
    assert not c.live.enabled
    canvas = w.canvas
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 2, 3))
    qtbot.mouseMove(canvas, widget_point(canvas, 10, 3))
    assert c.live.runner.current is None   # nothing searched while the mouse is down
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled"):
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 10, 3))
    assert c.live.updates == 0 and len(c.doc.strokes) == 1
    c.undo_stack.setClean()
    w.close()
    again = make_window()
    wait_loaded(qtbot, again)
    assert not again.controller.live.enabled
    drag(qtbot, again.canvas, [(2, 3), (10, 3)])
    assert again.controller.live.runner.current is None
