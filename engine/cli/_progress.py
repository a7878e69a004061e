"""Human-readable progress on stderr for every command and the trainer, drawn by tqdm.

On a terminal: one tqdm bar (steps, rate, ETA, the latest metrics as postfix).
Otherwise (a log file, a pipe): the same numbers as plain lines, at most one every
`plain_every_s` seconds plus the first and the last, so a log never fills with `\\r`.
JSON output (--json) is the callers' business: it never goes through here.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

PLAIN_EVERY_S = 5.0
PLAIN_FORMAT = "{desc}{n_fmt}/{total_fmt} {percentage:3.0f}% [{elapsed}<{remaining}, {rate_fmt}{postfix}]"


def format_metrics(metrics: dict | None) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in (metrics or {}).items())


class ProgressBar:
    """update(step, total, desc, metrics) as often as you like; write(text) for a message line."""

    def __init__(self, stream=None, unit: str = "step", interactive: bool | None = None,
                 plain_every_s: float = PLAIN_EVERY_S):
        self.stream = stream or sys.stderr
        self.unit = unit
        isatty = getattr(self.stream, "isatty", None)
        self.interactive = bool(isatty and isatty()) if interactive is None else interactive
        self.plain_every_s = plain_every_s
        self.bar: tqdm | None = None
        self.phase: tuple[str, int] | None = None     # (desc, total) of the current run of steps
        self.start = 0.0
        self.initial = 0                               # rates count from the first step seen
        self.last_line = 0.0
        self.step = 0

    def update(self, step: int, total: int, desc: str = "", metrics: dict | None = None) -> None:
        postfix = format_metrics(metrics)
        new_phase = self.phase != (desc, total) or step < self.step
        self.step = step
        if new_phase:
            self.close()
            self.phase, self.start, self.initial = (desc, total), time.perf_counter(), step
        if self.interactive:
            self._update_bar(step, total, desc, postfix)
        else:
            self._plain_line(step, total, desc, postfix, force=new_phase)

    def write(self, text: str) -> None:
        """A line of its own (a status, a saved file) that leaves the bar intact."""
        text = text.rstrip("\n")
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self.phase = None

    def _update_bar(self, step: int, total: int, desc: str, postfix: str) -> None:
        if self.bar is None:
            self.bar = tqdm(total=total, initial=step, desc=desc or None, unit=self.unit,
                            file=self.stream, dynamic_ncols=True, mininterval=0.2, leave=True)
        self.bar.set_postfix_str(postfix, refresh=False)
        self.bar.update(step - self.bar.n)
        if step >= total:
            self.close()

    def _plain_line(self, step: int, total: int, desc: str, postfix: str, force: bool) -> None:
        now = time.perf_counter()
        if not (force or step >= total or now - self.last_line >= self.plain_every_s):
            return
        self.last_line = now
        line = tqdm.format_meter(step, total, now - self.start, prefix=f"{desc}: " if desc else "",
                                 unit=self.unit, postfix=postfix or None, initial=self.initial,
                                 bar_format=PLAIN_FORMAT)
        self.stream.write(line + "\n")
        self.stream.flush()
        if step >= total:
            self.phase = None
