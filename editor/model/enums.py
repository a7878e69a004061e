"""The editor's small vocabularies, each spelled once. They are StrEnums: a member equals its
string, so signals carry them as plain text ("applied") and saved preferences read back."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """How an edit, projection, tuning or inpainting ended."""
    APPLIED = "applied"       # its result is in the document (one undo step)
    DROPPED = "dropped"       # finished, but its input had changed meanwhile
    CANCELLED = "cancelled"   # stopped (Esc, a newer job, a new document)
    FAILED = "failed"         # an error the user was told about


class View(StrEnum):
    """What the pad shows: the model's image, or the edit on the opened photo."""
    IMAGE = "image"
    PHOTO = "photo"


class Start(StrEnum):
    """Where a new start comes from."""
    RANDOM = "random"
    AVERAGE = "average"
    RESTART = "restart"   # back to the document's start image
