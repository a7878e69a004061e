"""Typed training events: what a training Progress reports besides a plain step.

The trainer reports through `progress_fn(TrainProgress(...))`; `event` says what happened and
`message` is only text (a status line), never an event name. The CLI's JSON lines carry the
same names in their "event" field, which the editor's trainer window reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..jobs import Progress


class TrainEvent(StrEnum):
    STEP = "progress"        # an iteration finished (metrics)
    STATUS = "status"        # setup news (message)
    SAMPLE = "sample"        # a new sample sheet (preview)
    CHECKPOINT = "checkpoint"
    DONE = "done"            # training ended (metrics: wall_seconds)
    ERROR = "error"          # only as a CLI JSON line


@dataclass
class TrainProgress(Progress):
    event: TrainEvent = TrainEvent.STEP


def event_of(progress: Progress) -> TrainEvent:
    """A Progress from the trainer: its event (any other Progress is a plain step)."""
    return getattr(progress, "event", TrainEvent.STEP)
