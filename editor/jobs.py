"""Runs engine operations off the GUI thread and reports them as Qt signals on the GUI thread.

An operation is `work(token)`: either an engine generator (yielding `Progress`, returning
its result) or a plain function. A `JobRunner` runs one job at a time on its own worker
thread; submitting a new job cancels the ones before it, so the latest wins (the Qt
mandelbrot example's `restart`). Every job ends with exactly one of finished, failed or
cancelled, then `ended`.
"""

from __future__ import annotations

import inspect
import itertools
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from engine.errors import UserError
from engine.jobs import CancelToken, Cancelled, Progress

Work = Callable[[CancelToken], Any]
_ids = itertools.count(1)


class _Relay(QObject):
    """Carries events from the worker thread; connected to the Job with queued connections."""
    progress = Signal(object)
    outcome = Signal(str, object)


class Job(QObject):
    progress = Signal(object)    # engine.jobs.Progress
    finished = Signal(object)    # the operation's result
    failed = Signal(str)         # a message for the user
    cancelled = Signal()
    ended = Signal()             # after any of the three above

    def __init__(self, work: Work, label: str, tag: Any = None, parent: QObject | None = None):
        super().__init__(parent)
        self.id = next(_ids)
        self.work = work
        self.label = label
        self.tag = tag
        self.token = CancelToken()
        self.started_at: float | None = None
        self.outcome: str | None = None   # "finished" | "failed" | "cancelled"
        self.result: Any = None
        self.relay = _Relay()
        self.relay.progress.connect(self._on_progress, Qt.QueuedConnection)
        self.relay.outcome.connect(self._on_outcome, Qt.QueuedConnection)

    @property
    def done(self) -> bool:
        return self.outcome is not None

    @property
    def elapsed(self) -> float:
        return 0.0 if self.started_at is None else time.monotonic() - self.started_at

    def cancel(self) -> None:
        self.token.cancel()

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        if not self.token.cancelled:
            self.progress.emit(progress)

    @Slot(str, object)
    def _on_outcome(self, outcome: str, value: Any) -> None:
        if outcome == "finished" and self.token.cancelled:
            outcome, value = "cancelled", None  # cancelled after its last step: still cancelled
        self.outcome, self.result = outcome, value
        if outcome == "finished":
            self.finished.emit(value)
        elif outcome == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.ended.emit()

    def run_here(self) -> None:
        """Run the work on the calling (worker) thread; events reach the GUI thread queued."""
        self.started_at = time.monotonic()
        try:
            self.token.raise_if_cancelled()
            op = self.work(self.token)
            if inspect.isgenerator(op):
                op = self._iterate(op)
            self.relay.outcome.emit("finished", op)
        except Cancelled:
            self.relay.outcome.emit("cancelled", None)
        except UserError as exc:
            self.relay.outcome.emit("failed", str(exc))
        except MemoryError:
            self.relay.outcome.emit("failed", f"{self.label}: out of memory")
        except Exception as exc:  # a bug: report it, never swallow it
            traceback.print_exc()
            self.relay.outcome.emit("failed", f"{self.label} failed: {type(exc).__name__}: {exc}")

    def _iterate(self, op) -> Any:
        while True:
            self.token.raise_if_cancelled()
            try:
                progress = next(op)
            except StopIteration as stop:
                return stop.value
            if isinstance(progress, Progress):
                self.relay.progress.emit(progress)


class _Runnable(QRunnable):
    def __init__(self, job: Job):
        super().__init__()
        self.job = job
        self.setAutoDelete(False)

    def run(self) -> None:
        self.job.run_here()


class JobRunner(QObject):
    """One worker thread; each submit cancels the jobs before it (latest wins)."""
    busyChanged = Signal(bool)
    jobStarted = Signal(object)   # the Job, when submitted

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._live: list[tuple[Job, _Runnable]] = []
        # Runnables whose run() may still be returning on the worker thread: kept alive
        # until the pool is idle, so Python never frees one that Qt still uses.
        self._retired: list[_Runnable] = []

    @property
    def busy(self) -> bool:
        return bool(self._live)

    @property
    def current(self) -> Job | None:
        """The latest job not yet ended."""
        return self._live[-1][0] if self._live else None

    def submit(self, work: Work, label: str, tag: Any = None) -> Job:
        self.cancel()
        if self.pool.activeThreadCount() == 0:
            self._retired.clear()
        job = Job(work, label, tag)
        runnable = _Runnable(job)
        was_busy = self.busy
        self._live.append((job, runnable))
        job.ended.connect(lambda: self._forget(job))
        self.pool.start(runnable)
        self.jobStarted.emit(job)
        if not was_busy:
            self.busyChanged.emit(True)
        return job

    def cancel(self) -> None:
        for job, _ in self._live:
            job.cancel()

    def _forget(self, job: Job) -> None:
        self._retired += [r for j, r in self._live if j is job]
        self._live = [(j, r) for j, r in self._live if j is not job]
        if not self._live:
            self.busyChanged.emit(False)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel everything and wait for the worker thread (on close)."""
        self.cancel()
        return self.pool.waitForDone(timeout_ms)


class JobRegistry(QObject):
    """Every runner of the editor, registered once with its policy: cancelled when the
    document is replaced (`new_document`), by Esc / Stop (`stop`), and whether it running
    enables Stop and the progress bar (`busy`). All of them are waited for on close."""
    busyChanged = Signal(bool)   # whether any `busy` runner runs

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._runners: list[tuple[JobRunner, bool, bool, bool]] = []

    def register(self, name: str, *, new_document: bool = False, stop: bool = False,
                 busy: bool = False, parent: QObject | None = None) -> JobRunner:
        runner = JobRunner(name, parent or self)
        self._runners.append((runner, new_document, stop, busy))
        if busy:
            runner.busyChanged.connect(lambda _: self.busyChanged.emit(self.busy))
        return runner

    @property
    def runners(self) -> tuple[JobRunner, ...]:
        return tuple(runner for runner, *_ in self._runners)

    @property
    def busy(self) -> bool:
        return any(runner.busy for runner, _, _, busy in self._runners if busy)

    def new_document(self) -> None:
        for runner, on_new, _, _ in self._runners:
            if on_new:
                runner.cancel()

    def stop(self) -> None:
        for runner, _, on_stop, _ in self._runners:
            if on_stop:
                runner.cancel()

    def shutdown(self) -> None:
        for runner in self.runners:
            runner.shutdown()


def watch(job: Job, *, progress=None, finished=None, failed=None, cancelled=None) -> Job:
    """Connect the given handlers to a job's signals (each gets the signal's value; none for
    `cancelled`); returns the job."""
    for signal, handler in ((job.progress, progress), (job.finished, finished),
                            (job.failed, failed), (job.cancelled, cancelled)):
        if handler is not None:
            signal.connect(handler)
    return job
