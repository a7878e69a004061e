"""The core loop through the real window: strokes with the mouse -> background edit ->
candidates -> undo / redo; stop; the GUI thread never blocks."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer

from editor.model.tools import COLOR, SKETCH, WARP
from engine.ops.generate import average_z
from ui_helpers import EDIT_TIMEOUT, drag, paint_and_wait, shown_pixel, widget_point


def redness(image: np.ndarray) -> float:
    image = image.astype(np.float64)
    return float((image[..., 0] - (image[..., 1] + image[..., 2]) / 2).mean())


def test_red_stroke_makes_the_top_redder(window, qtbot):
    c = window.controller
    c.edit_settings.steps = 40
    c.edit_settings.starts = 16
    c.edit_settings.keep_weight = 4.0  # the tiny 8-latent GAN entangles sky and ground
    window.brush.colorChosen.emit((255, 0, 0))
    qtbot.keyClick(window, Qt.Key_F)  # fix the start image: edits stay close to it
    before = c.doc.image.copy()
    size = c.doc.image_size
    top = slice(0, size // 4)
    bottom = slice(size // 2, size)
    outcomes = paint_and_wait(qtbot, window, [(x, 1.5) for x in np.linspace(0.5, size - 0.5, 12)])
    assert outcomes[-1] == "applied"
    after = c.doc.image
    assert len(c.doc.strokes) == 1 and c.doc.strokes[0].kind == COLOR
    assert c.doc.strokes[0].color == (255, 0, 0)
    top_change = np.abs(after[top].astype(int) - before[top]).mean()
    bottom_change = np.abs(after[bottom].astype(int) - before[bottom]).mean()
    print(f"redness top {redness(before[top]):.1f} -> {redness(after[top]):.1f}, bottom "
          f"{redness(before[bottom]):.1f} -> {redness(after[bottom]):.1f}; "
          f"mean change top {top_change:.1f}, bottom {bottom_change:.1f}")
    assert redness(after[top]) > redness(before[top]) + 10
    assert bottom_change < top_change  # Fix's keep term holds the unpainted part
    red = np.array([255, 0, 0])
    assert np.abs(after[top].reshape(-1, 3).mean(0) - red).sum() < \
        np.abs(before[top].reshape(-1, 3).mean(0) - red).sum() - 30
    # The candidates panel shows the K best; the chosen one is the current image.
    assert window.candidates.list.count() == c.edit_settings.candidates
    assert np.array_equal(c.doc.candidates[0].image, after)


def test_undo_restores_the_exact_image_and_redo_reapplies_it(window, qtbot):
    c = window.controller
    before = c.doc.image.copy()
    paint_and_wait(qtbot, window, [(2, 3), (8, 3), (14, 3)])
    edited = c.doc.image.copy()
    assert not np.array_equal(edited, before)
    assert c.undo_stack.count() == 1  # the stroke and its result are one undo entry
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert np.array_equal(c.doc.image, before) and c.doc.strokes == ()
    assert shown_pixel(window.canvas, 5, 9) == tuple(int(v) for v in before[9, 5])
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert np.array_equal(c.doc.image, edited) and len(c.doc.strokes) == 1


def test_clicking_a_candidate_makes_it_current_and_is_undoable(window, qtbot):
    c = window.controller
    paint_and_wait(qtbot, window, [(2, 12), (14, 12)])
    first = c.doc.image.copy()
    item = window.candidates.list.item(2)
    rect = window.candidates.list.visualItemRect(item)
    qtbot.mouseClick(window.candidates.list.viewport(), Qt.LeftButton, pos=rect.center())
    assert c.doc.state.chosen == 2
    assert np.array_equal(c.doc.image, c.doc.candidates[2].image)
    assert c.undo_stack.text(c.undo_stack.index() - 1) == \
        f"Choose candidate 3 of {len(c.doc.candidates)}"
    c.undo_stack.undo()
    assert np.array_equal(c.doc.image, first) and c.doc.state.chosen == 0


def test_sketch_stroke_changes_the_image(window, qtbot):
    c = window.controller
    qtbot.keyClick(window, Qt.Key_K)
    assert c.toolbox.active_name == SKETCH
    before = c.doc.image.copy()
    outcomes = paint_and_wait(qtbot, window, [(8, 1), (8, 8), (8, 15)])
    assert outcomes[-1] == "applied"
    assert c.doc.strokes[0].kind == SKETCH
    assert np.abs(c.doc.image.astype(int) - before).mean() > 1


def test_warp_changes_the_image(window, qtbot):
    c = window.controller
    qtbot.keyClick(window, Qt.Key_W)
    assert c.toolbox.active_name == WARP
    before = c.doc.image.copy()
    outcomes = paint_and_wait(qtbot, window, [(4, 4), (8, 8), (12, 12)])
    assert outcomes[-1] == "applied"
    (x0, y0), (x1, y1) = c.doc.strokes[0].points
    assert (round(x0), round(y0), round(x1), round(y1)) == (4, 4, 12, 12)
    assert np.abs(c.doc.image.astype(int) - before).mean() > 1


def test_eraser_removes_the_stroke_it_touches(window, qtbot):
    c = window.controller
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    paint_and_wait(qtbot, window, [(2, 12), (14, 12)])
    qtbot.keyClick(window, Qt.Key_E)
    drag(qtbot, window.canvas, [(8, 2), (8, 4)])
    assert [round(s.points[0][1]) for s in c.doc.strokes] == [12]
    assert c.undo_stack.text(c.undo_stack.index() - 1).startswith("Erase")


def test_stop_cancels_the_running_edit(window, qtbot):
    c = window.controller
    c.edit_settings.steps = 100000
    before = c.doc.image.copy()
    with qtbot.waitSignal(c.editProgress, timeout=EDIT_TIMEOUT):
        drag(qtbot, window.canvas, [(2, 3), (14, 3)])
    assert window.actions.stop.isEnabled()
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT) as ended:
        qtbot.keyClick(window, Qt.Key_Escape)
    assert ended.args == ["cancelled"]
    qtbot.waitUntil(lambda: not c.edits.busy)
    assert np.array_equal(c.doc.image, before)   # nothing applied
    assert len(c.doc.strokes) == 1               # the stroke stays
    assert not window.actions.stop.isEnabled()


def test_a_newer_stroke_supersedes_the_running_edit(window, qtbot):
    c = window.controller
    c.edit_settings.steps = 100000
    outcomes = []
    c.editEnded.connect(outcomes.append)
    with qtbot.waitSignal(c.editProgress, timeout=EDIT_TIMEOUT):
        drag(qtbot, window.canvas, [(2, 3), (14, 3)])
    first_job = c.edits.current
    c.edit_settings.steps = 10
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome == "applied"):
        drag(qtbot, window.canvas, [(2, 12), (14, 12)])
    assert first_job.outcome == "cancelled"
    assert outcomes == ["cancelled", "applied"]
    assert len(c.doc.strokes) == 2


def test_the_gui_thread_keeps_running_during_an_edit(window, qtbot):
    c = window.controller
    c.edit_settings.steps = 60
    events: list[str] = []
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: events.append("tick"))
    c.editProgress.connect(lambda step, total: events.append("progress"))
    heartbeat.start()
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    heartbeat.stop()
    first = events.index("progress")
    last = len(events) - 1 - events[::-1].index("progress")
    assert "tick" in events[first:last], "the GUI thread was blocked while the edit ran"


def test_fix_then_edit_stays_close_to_the_fixed_image(window, qtbot):
    c = window.controller
    qtbot.keyClick(window, Qt.Key_F)
    assert c.doc.state.fixed and np.array_equal(c.doc.state.z_start, c.doc.state.z_current)
    request = c.doc.edit_request(c.edit_settings)
    assert request is None  # no strokes yet
    drag(qtbot, window.canvas, [(2, 3), (14, 3)])
    assert c.edits.current is not None
    qtbot.waitUntil(lambda: not c.edits.busy, timeout=EDIT_TIMEOUT)
    assert c.doc.edit_request(c.edit_settings).z0 is c.doc.state.z_start


def test_the_editor_opens_on_the_average_image_and_random_and_average_starts_are_undoable(window, qtbot):
    c = window.controller
    # the most typical of the samples the discriminator rates most real (average_z), not z = 0
    average_latent = average_z(c.model.generator(), critic=c.model.net("discriminator"))
    assert np.array_equal(c.doc.state.z_current, average_latent)
    average = c.doc.image.copy()
    with qtbot.waitSignal(c.documentChanged, timeout=EDIT_TIMEOUT):
        qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    assert not np.array_equal(c.doc.image, average)
    randomly = c.doc.image.copy()
    with qtbot.waitSignal(c.documentChanged, timeout=EDIT_TIMEOUT):
        qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier)
    assert np.array_equal(c.doc.state.z_current, average_latent)
    c.undo_stack.undo()
    assert np.array_equal(c.doc.image, randomly)
    c.undo_stack.undo()
    assert np.array_equal(c.doc.image, average)


def test_interpolation_slider_shows_frames_between_previous_and_current(window, qtbot):
    c = window.controller
    previous = c.doc.image.copy()
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    current = c.doc.image.copy()
    slider = window.interpolation.slider
    assert slider.isEnabled()
    with qtbot.waitSignal(c.framesReady, timeout=EDIT_TIMEOUT):
        slider.setValue(0)
    assert np.array_equal(c.display_image(), previous)
    slider.setValue(slider.maximum())
    assert np.array_equal(c.display_image(), current)
    # Play animates through the frames with a QTimer.
    seen = set()
    c.displayChanged.connect(lambda: seen.add(c.frame_index))
    window.interpolation.play.setChecked(True)
    qtbot.waitUntil(lambda: len(seen) >= 4, timeout=EDIT_TIMEOUT)
    window.interpolation.play.setChecked(False)


def test_after_a_fix_edit_the_frames_change_only_what_the_edit_may_change(window, qtbot):
    c = window.controller
    qtbot.keyClick(window, Qt.Key_F)
    fixed = c.doc.image.copy()
    paint_and_wait(qtbot, window, [(2, 3), (6, 3)])
    free = c.doc.free_region(c.edit_settings)
    assert c.doc.state.retouched and free is not None and not free.all()   # a blend, not G(z)
    slider = window.interpolation.slider
    with qtbot.waitSignal(c.framesReady, timeout=EDIT_TIMEOUT):
        slider.setValue(0)
    assert np.array_equal(c.display_image(), fixed)
    for value in range(slider.maximum()):
        slider.setValue(value)
        assert np.abs(c.display_image()[~free].astype(int) - fixed[~free]).max() <= 1
    slider.setValue(slider.maximum())
    assert np.array_equal(c.display_image(), c.doc.image)


def test_brush_size_keys_wheel_and_colour_pick(window, qtbot):
    c = window.controller
    canvas = window.canvas
    size = c.toolbox.active.size
    qtbot.keyClick(window, Qt.Key_BracketRight)
    assert c.toolbox.active.size > size
    qtbot.keyClick(window, Qt.Key_BracketLeft)
    qtbot.keyClick(window, Qt.Key_BracketLeft)
    assert c.toolbox.active.size < size
    assert window.brush.size.value() == c.toolbox.active.size
    qtbot.mouseClick(canvas, Qt.RightButton, pos=widget_point(canvas, 5.5, 9.5))
    assert c.toolbox.color == tuple(int(v) for v in c.doc.image[9, 5])


def test_undo_during_an_edit_cancels_it_and_applies_nothing(window, qtbot):
    c = window.controller
    c.edit_settings.steps = 100000
    before = c.doc.image.copy()
    with qtbot.waitSignal(c.editProgress, timeout=EDIT_TIMEOUT):
        drag(qtbot, window.canvas, [(2, 3), (14, 3)])
    with qtbot.waitSignal(c.editEnded, timeout=EDIT_TIMEOUT) as ended:
        qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert ended.args == ["cancelled"]
    assert c.doc.strokes == () and np.array_equal(c.doc.image, before)
    assert np.array_equal(c.display_image(), before)  # the preview is gone too


def test_history_panel_lists_the_steps_and_goes_back_to_one(window, qtbot):
    c = window.controller
    before = c.doc.image.copy()
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])
    qtbot.keyClick(window, Qt.Key_F)
    view = window.history.view
    model = view.model()
    rows = [model.index(i, 0).data() for i in range(model.rowCount())]
    assert rows[0] == "Start" and rows[1].startswith("Colour stroke #") and rows[2] == "Fix image"
    rect = view.visualRect(model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())
    assert c.undo_stack.index() == 0
    assert np.array_equal(c.doc.image, before) and not c.doc.state.fixed
