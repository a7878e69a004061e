"""The editor freezes its start-up heap once, when the first model is up, so that later
full garbage collections (which hold the GIL) skip it and cannot stall the GUI thread."""

from __future__ import annotations

from editor.qt import heap


def test_heap_is_frozen_once_after_the_first_model_loads(make_window, qtbot, monkeypatch):
    freezes = []
    monkeypatch.setattr(heap, "_frozen", False)
    monkeypatch.setattr(heap.gc, "freeze", lambda: freezes.append(True))
    window = make_window()
    assert freezes == []  # nothing yet: the model loads in a worker
    with qtbot.waitSignal(window.controller.modelChanged, timeout=60_000):
        pass
    assert freezes == [True]
    model = window.controller.model
    with qtbot.waitSignal(window.controller.modelChanged, timeout=60_000):
        window.controller.load_model(model.folder)
    assert freezes == [True]  # a second model load does not freeze again
