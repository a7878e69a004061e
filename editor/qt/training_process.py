"""Runs the trainer as a child process (QProcess), stage after stage, and reports its JSON
lines as signals. A crash of the child cannot take the editor down.

Stop sends SIGTERM: the trainer finishes its step, saves a checkpoint and its model, and
exits. Its signal handler exists only once training has started, so a Stop that comes
earlier waits for the first progress line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from engine.train.events import TrainEvent

from ..model.training import Stage, parse_event, stage_args

PROJECT_ROOT = Path(__file__).resolve().parents[2]   # holds the engine package
KILL_AFTER_MS = 60000     # a stopped trainer that has not exited by then is killed
TAIL_LINES = 20

DONE, STOPPED, FAILED = "done", "stopped", "failed"


class TrainerProcess(QObject):
    event = Signal(dict)              # a JSON event line of the trainer
    output = Signal(str)              # any other line (stderr, plain stdout)
    stageStarted = Signal(int, str)   # index, label
    ended = Signal(str, str)          # DONE | STOPPED | FAILED, a message

    def __init__(self, program: str | None = None, program_args: list[str] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.program = program or sys.executable
        self.program_args = list(program_args) if program_args is not None else ["-m", "engine"]
        self.process: QProcess | None = None
        self.stages: list[Stage] = []
        self.index = 0
        self.last_iteration = 0
        self._stop_wanted = False
        self._started_training = False
        self._error: str | None = None
        self._tail: list[str] = []
        self._buffers = {"out": b"", "err": b""}
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self._kill)

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(self, stages: list[Stage], resume_first: bool = False,
              force_first: bool = False) -> None:
        """Run the stages in order; the first with --resume or --force if asked."""
        if self.running:
            raise RuntimeError("the trainer is already running")
        self.stages = list(stages)
        self._stop_wanted = False
        self._start_stage(0, resume_first, force_first)

    def stop(self) -> None:
        if not self.running:
            return
        self._stop_wanted = True
        if self._started_training:
            self.process.terminate()
            self._kill_timer.start(KILL_AFTER_MS)

    def wait(self, msecs: int) -> bool:
        """Block until the process has exited."""
        return self.process is None or self.process.waitForFinished(msecs)

    def shutdown(self, msecs: int) -> None:
        """The editor is closing: a started run stops with a checkpoint (waiting up to
        `msecs`); one still starting up is killed."""
        if self.process is None:
            return
        if self._started_training:
            self.stop()
            if self.wait(msecs):
                return
        self.process.kill()
        self.wait(msecs)

    # ------------------------------------------------------------ one stage

    def _start_stage(self, index: int, resume: bool, force: bool) -> None:
        self.index = index
        self._started_training = False
        self._error = None
        self._tail = []
        self._buffers = {"out": b"", "err": b""}
        stage = self.stages[index]
        process = QProcess(self)
        process.setWorkingDirectory(str(PROJECT_ROOT))
        env = QProcessEnvironment.systemEnvironment()
        path = env.value("PYTHONPATH", "")
        env.insert("PYTHONPATH", str(PROJECT_ROOT) + (os.pathsep + path if path else ""))
        env.insert("PYTHONUNBUFFERED", "1")
        process.setProcessEnvironment(env)
        process.readyReadStandardOutput.connect(lambda: self._read(process, "out"))
        process.readyReadStandardError.connect(lambda: self._read(process, "err"))
        process.finished.connect(lambda code, status: self._finished(process, code, status))
        process.errorOccurred.connect(lambda error: self._error_occurred(process, error))
        self.process = process
        self.stageStarted.emit(index, stage.label)
        process.start(self.program, self.program_args + stage_args(stage, resume, force))

    def _read(self, process: QProcess, which: str) -> None:
        data = bytes(process.readAllStandardOutput() if which == "out"
                     else process.readAllStandardError())
        lines = (self._buffers[which] + data).split(b"\n")
        self._buffers[which] = lines.pop()
        for raw in lines:
            self._line(raw.decode("utf-8", "replace").rstrip("\r"), which)

    def _line(self, line: str, which: str) -> None:
        event = parse_event(line) if which == "out" else None
        if event is None:
            # progress bars rewrite one line with \r: keep its last state
            line = line.rsplit("\r", 1)[-1].strip()
            if line:
                self._tail = (self._tail + [line])[-TAIL_LINES:]
                self.output.emit(line)
            return
        kind = event["event"]
        if isinstance(event.get("iter"), int):
            self.last_iteration = event["iter"]
        if kind == TrainEvent.STEP:
            if not self._started_training:
                self._started_training = True
                if self._stop_wanted:
                    self.process.terminate()
                    self._kill_timer.start(KILL_AFTER_MS)
        elif kind == TrainEvent.ERROR:
            self._error = str(event.get("message", "unknown error"))
        self.event.emit(event)

    def _flush(self, process: QProcess) -> None:
        self._read(process, "out")
        self._read(process, "err")
        for which in ("out", "err"):
            rest, self._buffers[which] = self._buffers[which], b""
            if rest.strip():
                self._line(rest.decode("utf-8", "replace"), which)

    def _finished(self, process: QProcess, code: int, status) -> None:
        if process is not self.process:
            return
        self._flush(process)
        self._kill_timer.stop()
        self.process = None
        process.deleteLater()
        crashed = status == QProcess.CrashExit
        label = self.stages[self.index].label
        if self._stop_wanted:
            if not crashed and code == 0:
                self.ended.emit(STOPPED, f"Stopped at iteration {self.last_iteration}: a "
                                         f"checkpoint was saved; Resume continues from it.")
            else:
                self.ended.emit(STOPPED, f"Stopped before training had started ({label}); "
                                         "nothing to resume: Start again.")
            return
        if not crashed and code == 0:
            if self.index + 1 < len(self.stages):
                self._start_stage(self.index + 1, False, False)
            else:
                self.ended.emit(DONE, "Training finished.")
            return
        self.ended.emit(FAILED, self._failure(label, code, crashed))

    def _failure(self, label: str, code: int, crashed: bool) -> str:
        why = "crashed" if crashed else f"stopped with exit code {code}"
        detail = self._error or ("\n".join(self._tail[-5:]) if self._tail else "no output")
        return f"The trainer ({label}) {why}:\n{detail}"

    def _error_occurred(self, process: QProcess, error) -> None:
        if error != QProcess.FailedToStart or process is not self.process:
            return  # crashes and exits are reported by finished
        self.process = None
        process.deleteLater()
        self.ended.emit(FAILED, f"The trainer could not be started ({self.program}): "
                                f"{process.errorString()}")

    def _kill(self) -> None:
        if self.process is not None:
            self.process.kill()
