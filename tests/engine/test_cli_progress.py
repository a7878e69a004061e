"""CLI progress: one tqdm-drawn implementation for the operations and the trainer; plain
lines (no carriage returns) when stderr is not a terminal; nothing but JSON with --json."""

from __future__ import annotations

import io
import json

from engine.cli._common import ProgressPrinter
from engine.cli._progress import ProgressBar
from engine.cli.train import Reporter
from engine.jobs import Progress
from engine.train import TrainEvent, TrainProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_without_a_terminal_first_and_last_and_throttled():
    stream = io.StringIO()
    bar = ProgressBar(stream, plain_every_s=1e9)
    for step in range(1, 101):
        bar.update(step, 100, "projecting", {"loss": 1.0 / step})
    text = stream.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("projecting: 1/100") and "loss=1" in lines[0]
    assert lines[1].startswith("projecting: 100/100 100%") and "loss=0.01" in lines[1]
    assert "it/s" in lines[1] or "step/s" in lines[1] or "s/step" in lines[1]


def test_plain_lines_every_interval():
    stream = io.StringIO()
    bar = ProgressBar(stream, plain_every_s=0.0)
    for step in range(1, 6):
        bar.update(step, 5)
    assert [line.split()[0] for line in stream.getvalue().splitlines()] == [
        "1/5", "2/5", "3/5", "4/5", "5/5"]


def test_a_terminal_gets_a_tqdm_bar_with_rate_eta_and_postfix():
    stream = FakeTerminal()
    bar = ProgressBar(stream)
    assert bar.interactive
    for step in range(1, 21):
        bar.update(step, 20, "editing", {"cost": 0.5})
    text = stream.getvalue()
    assert "\r" in text and "20/20" in text and "cost=0.5" in text and "100%" in text
    assert bar.bar is None   # closed at the last step


def test_a_new_phase_starts_a_new_line():
    stream = io.StringIO()
    bar = ProgressBar(stream, plain_every_s=1e9)
    bar.update(1, 3, "encoder")
    bar.update(1, 10, "optimise")
    assert [line.split(":")[0] for line in stream.getvalue().splitlines()] == ["encoder", "optimise"]


def test_operations_print_only_json_lines_with_json():
    stream = io.StringIO()
    printer = ProgressPrinter(as_json=True, stream=stream)
    for step in range(1, 4):
        printer(Progress(step, 3, "projecting", metrics={"loss": 0.1}))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["step"] for line in lines] == [1, 2, 3]
    assert all(line["event"] == "progress" and line["metrics"] == {"loss": 0.1} for line in lines)


def test_trainer_text_uses_the_shared_bar_and_keeps_status_lines(capsys):
    stream = io.StringIO()
    reporter = Reporter(as_json=False, stream=stream)
    reporter.bar.plain_every_s = 1e9
    reporter(TrainProgress(0, 4, "caching 12 images", event=TrainEvent.STATUS))
    for step in range(1, 5):
        reporter(Progress(step, 4, "", metrics={"loss_d": 1.25, "loss_g": 0.75}))
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0] == "caching 12 images"
    assert lines[1].startswith("train: 1/4") and lines[-1].startswith("train: 4/4 100%")
    assert "loss_d=1.25, loss_g=0.75" in lines[-1]
    assert capsys.readouterr().out == ""   # text mode writes nothing on stdout


def test_trainer_json_mode_writes_json_only_on_stdout(capsys):
    reporter = Reporter(as_json=True)
    reporter(Progress(1, 2, "", metrics={"loss_g": 0.5}))
    reporter(Progress(2, 2, "", metrics={"loss_g": 0.25}))
    out, err = capsys.readouterr()
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["iter"] for e in events] == [1, 2] and events[-1]["metrics"] == {"loss_g": 0.25}
    assert err == ""
