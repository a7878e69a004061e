"""One job registry: each runner is registered once with its policy, and a new document,
Stop and close act on the runners that policy names; satellites share a session, not the
controller."""

from __future__ import annotations

import threading

from editor.jobs import JobRegistry, watch
from editor.qt.session import Session

TIMEOUT = 10000


def blocking(started: threading.Event):
    def work(token):
        started.set()
        while True:
            token.raise_if_cancelled()
            yield None
    return work


def run_blocked(qtbot, runner):
    started = threading.Event()
    outcomes = []
    job = watch(runner.submit(blocking(started), runner.name),
                finished=lambda _: outcomes.append("finished"),
                cancelled=lambda: outcomes.append("cancelled"))
    qtbot.waitUntil(started.is_set, timeout=TIMEOUT)
    return job, outcomes


def test_new_document_and_stop_cancel_what_the_policy_says(qtbot):
    jobs = JobRegistry()
    edits = jobs.register("edit", new_document=True, stop=True, busy=True)
    starts = jobs.register("start", new_document=True)
    loads = jobs.register("load")
    busy = []
    jobs.busyChanged.connect(busy.append)
    edit_job, edit_outcomes = run_blocked(qtbot, edits)
    start_job, _ = run_blocked(qtbot, starts)
    load_job, _ = run_blocked(qtbot, loads)
    assert busy == [True] and jobs.busy
    jobs.stop()
    with qtbot.waitSignal(edit_job.ended, timeout=TIMEOUT):
        pass
    assert edit_outcomes == ["cancelled"] and busy == [True, False]
    assert not start_job.token.cancelled and not load_job.token.cancelled
    jobs.new_document()
    qtbot.waitUntil(lambda: start_job.done, timeout=TIMEOUT)
    assert start_job.outcome == "cancelled" and not load_job.token.cancelled
    assert jobs.runners == (edits, starts, loads)
    load_job.cancel()
    jobs.shutdown()
    assert all(not runner.busy or runner.pool.activeThreadCount() == 0 for runner in jobs.runners)


def test_the_editor_registers_every_runner_and_satellites_get_the_session(qtbot):
    from editor.qt.controller import EditorController

    c = EditorController(device="cpu")
    for satellite in (c.photos, c.retouch, c.translation):
        assert isinstance(satellite.c, Session)
        assert not hasattr(satellite.c, "edits") and not hasattr(satellite.c, "photos")
    runners = [c.edits, c.loads, c.starts, c.renders, c.live.runner, c.photos.opening,
               c.photos.projections, c.photos.transfers, c.photos.exports, c.retouch.inpaints,
               c.retouch.upscales, c.translation.sketches, c.translation.applies]
    assert sorted(map(id, c.jobs.runners)) == sorted(map(id, runners))
    c.shutdown()
