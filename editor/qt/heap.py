"""Keeps Python's cyclic garbage collector from stalling the GUI thread.

A full (generation 2) collection walks every tracked object while holding the GIL, so
whichever thread runs it, the GUI thread waits. After torch, PySide6 and a model are
loaded there are about 300,000 such objects, and a full collection took 44-167 ms on the
project's 2-core machine: a stall that landed at random during jobs (scripts/bench_editor.py
once saw 53 ms during super-resolution). Nearly all of those objects are modules,
functions and classes that live as long as the program, so once the first model is up they
are moved to the collector's permanent generation (gc.freeze), which collections skip.
Objects made later are collected as usual; frozen ones are still freed by reference
counting when nothing refers to them.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_heap() -> bool:
    """Freeze what is alive now, the first time only; True if this call froze it."""
    global _frozen
    if _frozen:
        return False
    gc.freeze()
    _frozen = True
    return True
