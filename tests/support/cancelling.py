"""Cancel an operation from its own progress callback, as the GUI's Stop button does."""

from __future__ import annotations

import pytest

from engine.jobs import Cancelled, CancelToken, drive


def run_cancelled_at(step: int, make_op) -> list[int]:
    """Drive make_op(token), cancelling when progress reaches `step`; expects Cancelled and
    returns the steps seen."""
    token, seen = CancelToken(), []

    def on_progress(progress):
        seen.append(progress.step)
        if progress.step == step:
            token.cancel()

    with pytest.raises(Cancelled):
        drive(make_op(token), on_progress)
    return seen
