"""Progress reporting and cancellation shared by every long engine operation.

Operations are generators: they yield `Progress` every step (with a preview image every
few steps), call `token.raise_if_cancelled()` every step, and `return` their result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Generator

import numpy as np


class Cancelled(Exception):
    """Raised inside an operation when its CancelToken was cancelled."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled")


@dataclass
class Progress:
    step: int
    total: int
    message: str = ""
    preview: np.ndarray | None = None  # uint8 HxWx3 RGB
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.step / self.total)


Operation = Generator[Progress, None, Any]


def drive(op: Operation, on_progress: Callable[[Progress], None] | None = None) -> Any:
    """Run an operation generator to the end and return its result."""
    while True:
        try:
            progress = next(op)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(progress)
