"""Live edits while painting: a real drag shows search results before the mouse is released,
the search on release gives the candidates, and Edit settings turns it off (remembered)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from editor.qt.dialogs.edit_settings import EditSettingsDialog
from ui_helpers import EDIT_TIMEOUT, drag, shown_pixel, wait_loaded, widget_point


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
    import engine.ops.edit as edit_op
    c, canvas = window.controller, window.canvas
    calls = []   # (starts, z0, keep_weight) of every search, live or not (worker threads)
    real_edit = edit_op.edit

    def spy(model, constraints, *, z0=None, start=None, settings=None, token=None):
        assert start is None   # without an anchor the warm latent is the search's z0
        calls.append((settings.starts, None if z0 is None else np.array(z0),
                      settings.keep_weight))
        return real_edit(model, constraints, z0=z0, settings=settings, token=token)

    monkeypatch.setattr(edit_op, "edit", spy)
    taken = []
    take_warm = c.live.take_warm
    c.live.take_warm = lambda doc: (taken.append(take_warm(doc)), taken[-1])[1]
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 1.5, 8.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT):
        qtbot.mouseMove(canvas, widget_point(canvas, 9.5, 8.5))
    assert calls[0][1] is None   # the drag's first search: random starts (no Fix)
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled"):
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 9.5, 8.5))
    starts, z0, keep = calls[-1]
    assert starts == c.edit_settings.starts   # the full search, not a live one
    assert taken == [taken[-1]] and taken[-1] is not None
    assert np.array_equal(z0, taken[-1]) and keep == 0
    assert c.doc.edit_request(c.edit_settings).z0 is None   # the document has no anchor
    assert c.live.take_warm(c.doc) is None   # used once


def test_with_fix_the_searches_keep_the_anchor_and_try_the_live_latent_first(window, qtbot,
                                                                          monkeypatch):
    import engine.ops.edit as edit_op
    c, canvas = window.controller, window.canvas
    qtbot.keyClick(window, Qt.Key_F)
    assert c.doc.state.fixed
    anchor = c.doc.state.z_start
    calls = []   # (starts, z0, start) of every search, live or not (worker threads)
    real_edit = edit_op.edit

    def spy(model, constraints, *, z0=None, start=None, settings=None, token=None):
        calls.append((settings.starts, z0, start))
        return real_edit(model, constraints, z0=z0, start=start, settings=settings, token=token)

    monkeypatch.setattr(edit_op, "edit", spy)
    taken = []
    take_warm = c.live.take_warm
    c.live.take_warm = lambda doc: (taken.append(take_warm(doc)), taken[-1])[1]
    qtbot.mousePress(canvas, Qt.LeftButton, pos=widget_point(canvas, 1.5, 8.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT):
        qtbot.mouseMove(canvas, widget_point(canvas, 6.5, 8.5))
    with qtbot.waitSignal(c.live.updated, timeout=EDIT_TIMEOUT):
        qtbot.mouseMove(canvas, widget_point(canvas, 11.5, 8.5))
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled") as ended:
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=widget_point(canvas, 11.5, 8.5))
    assert ended.args == ["applied"]
    live = [call for call in calls if call[0] != c.edit_settings.starts]
    assert live[0][2] is None                      # the drag's first search: cold
    assert all(start is not None for _, _, start in live[1:])   # later ones warm-start
    starts, z0, start = calls[-1]
    assert starts == c.edit_settings.starts         # the full search on release
    assert all(np.array_equal(call[1], anchor) for call in calls)   # Fix's anchor throughout
    assert taken[-1] is not None and np.array_equal(start, taken[-1])


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
