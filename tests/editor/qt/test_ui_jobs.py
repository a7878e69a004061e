"""editor.jobs: engine generators run off the GUI thread; results, errors and cancellation
arrive as signals on the GUI thread; the latest job wins."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from editor.jobs import JobRunner
from engine.errors import UserError
from engine.jobs import Progress

TIMEOUT = 10000


@pytest.fixture
def runner(qtbot):
    r = JobRunner("test")
    yield r
    assert r.shutdown()


def counting(n, threads):
    def work(token):
        threads.append(threading.get_ident())
        for step in range(1, n + 1):
            yield Progress(step, n, "counting")
        return "done"
    return work


def test_progress_then_result_on_the_gui_thread(runner, qtbot):
    threads, seen = [], []
    job = runner.submit(counting(3, threads), "count")
    job.progress.connect(lambda p: seen.append((p.step, QThread.currentThread())))
    with qtbot.waitSignal(job.finished, timeout=TIMEOUT) as finished:
        pass
    assert finished.args == ["done"] and job.outcome == "finished"
    assert [step for step, _ in seen] == [1, 2, 3]
    gui = QThread.currentThread()
    assert all(thread is gui or thread == gui for _, thread in seen)
    assert threads[0] != threading.get_ident()  # the work itself ran on the worker thread


def test_plain_functions_and_errors(runner, qtbot):
    job = runner.submit(lambda token: 41 + 1, "add")
    with qtbot.waitSignal(job.finished, timeout=TIMEOUT) as finished:
        pass
    assert finished.args == [42]

    def bad_input(token):
        raise UserError("the file is broken")

    job = runner.submit(bad_input, "load")
    with qtbot.waitSignal(job.failed, timeout=TIMEOUT) as failed:
        pass
    assert failed.args == ["the file is broken"]

    def bug(token):
        return {}["missing"]

    job = runner.submit(bug, "compute")
    with qtbot.waitSignal(job.failed, timeout=TIMEOUT) as failed:
        pass
    assert "KeyError" in failed.args[0] and "compute" in failed.args[0]


def test_a_new_job_cancels_the_running_one(runner, qtbot):
    started = threading.Event()

    def forever(token):
        started.set()
        step = 0
        while True:
            step += 1
            yield Progress(step, 0)

    first = runner.submit(forever, "forever")
    assert started.wait(TIMEOUT / 1000)
    ended = []
    first.ended.connect(lambda: ended.append("first"))
    second = runner.submit(lambda token: "second", "quick")
    second.ended.connect(lambda: ended.append("second"))
    with qtbot.waitSignal(second.finished, timeout=TIMEOUT):
        pass
    assert first.outcome == "cancelled" and second.outcome == "finished"
    assert ended == ["first", "second"]
    qtbot.waitUntil(lambda: not runner.busy)


def test_busy_signal(runner, qtbot):
    states = []
    runner.busyChanged.connect(states.append)
    job = runner.submit(lambda token: 1, "one")
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT):
        pass
    qtbot.waitUntil(lambda: states == [True, False])
