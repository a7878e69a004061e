"""Undoable commands over a Document (the editor runs them on a QUndoStack: editor/qt/undo.py).

Each command stores the document state before and after, so undo restores the exact
pixels. An edit result that arrives for the stroke that asked for it merges into that
stroke's command: one drag is one undo entry, whether or not its result has come back.
"""

from __future__ import annotations

import numpy as np

from .document import Candidate, Document, DocState
from .tools import COLOR, WARP, Stroke

STROKE, ERASE, RESULT, CHOOSE, FIX, START, CLEAR, RETOUCH, PROJECTION = (
    "stroke", "erase", "result", "choose", "fix", "start", "clear", "retouch", "projection")
_TAKES_RESULT = (STROKE, ERASE, CLEAR)
# Undo steps kept. Each step holds its before/after states: a new image and candidates, and
# for photo retouching a full-resolution copy of the photo. Older steps are dropped.
UNDO_LIMIT = 200


class Command:
    def __init__(self, text: str, kind: str, before: DocState, after: DocState) -> None:
        self.text = text
        self.kind = kind
        self.before = before
        self.after = after
        self.has_result = False

    def redo(self, doc: Document) -> None:
        doc.restore(self.after)

    def undo(self, doc: Document) -> None:
        doc.restore(self.before)

    def merge(self, other: "Command") -> bool:
        """Absorb `other` (already applied) if it is the edit result of this stroke."""
        if (self.kind in _TAKES_RESULT and other.kind == RESULT and not self.has_result
                and other.before is self.after):
            self.after = other.after
            self.has_result = True
            count = len(other.after.candidates)
            self.text = f"{self.text} \u2192 candidate 1 of {count}" if count else self.text
            return True
        return False

    @property
    def stroke(self) -> Stroke | None:
        """The stroke this command added, if it added one (for its swatch in the history)."""
        if self.kind != STROKE or not self.after.strokes:
            return None
        return self.after.strokes[-1]


def stroke_text(stroke: Stroke) -> str:
    """'Colour stroke #c0392b', 'Sketch stroke', 'Warp 16 px'."""
    if stroke.kind == COLOR:
        return f"{stroke.label} #{''.join(f'{c:02x}' for c in stroke.color)}"
    if stroke.kind == WARP:
        return f"{stroke.label} {stroke.width:g} px"
    return stroke.label


def add_stroke(doc: Document, stroke: Stroke) -> Command:
    after = doc.state.replace(strokes=doc.strokes + (stroke,))
    return Command(stroke_text(stroke), STROKE, doc.state, after)


def erase_strokes(doc: Document, indices) -> Command:
    drop = set(indices)
    kept = tuple(s for i, s in enumerate(doc.strokes) if i not in drop)
    count = len(doc.strokes) - len(kept)
    text = "Erase stroke" if count == 1 else f"Erase {count} strokes"
    return Command(text, ERASE, doc.state, doc.state.replace(strokes=kept))


def clear_strokes(doc: Document) -> Command:
    return Command("Clear strokes", CLEAR, doc.state, doc.state.replace(strokes=()))


def apply_result(doc: Document, zs: np.ndarray, images: np.ndarray,
                 costs: np.ndarray | None = None, blended: bool = False) -> Command:
    """The best result becomes current; all of them become the candidates. `blended`: the
    images were blended with a fixed image (Fix keeps what lies outside the strokes), so
    they are not G(z) and a project must keep their pixels."""
    costs = [None] * len(zs) if costs is None else [float(c) for c in costs]
    candidates = tuple(Candidate(np.asarray(z, np.float32), image, cost)
                       for z, image, cost in zip(zs, images, costs))
    best = candidates[0]
    after = doc.state.with_current(best.z, best.image, candidates=candidates, chosen=0,
                                   retouched=blended)
    return Command(f"Edit result ({len(candidates)} candidates)", RESULT, doc.state, after)


def choose_candidate(doc: Document, index: int) -> Command:
    candidate = doc.candidates[index]
    # candidates come from one edit: blended (retouched) all together or none
    after = doc.state.with_current(candidate.z, candidate.image, chosen=index,
                                   retouched=doc.state.retouched)
    return Command(f"Choose candidate {index + 1} of {len(doc.candidates)}", CHOOSE, doc.state,
                   after)


def fix_current(doc: Document) -> Command:
    """Accept the current image as the start: later edits stay close to it."""
    after = doc.state.replace(z_start=doc.state.z_current, fixed=True)
    return Command("Fix image", FIX, doc.state, after)


def new_start(doc: Document, z: np.ndarray, image: np.ndarray, text: str) -> Command:
    """Start over from another image: strokes and candidates are cleared, nothing is fixed."""
    z = np.asarray(z, np.float32).reshape(-1)
    after = doc.state.with_current(z, image, z_start=z, fixed=False, strokes=(),
                                   candidates=(), chosen=None)
    return Command(text, START, doc.state, after)


def retouch_image(doc: Document, image: np.ndarray, text: str = "Inpaint image") -> Command:
    """New pixels for the current image (inpainted): the latent stays, the image is no longer
    exactly G(z) until the next edit."""
    after = doc.state.replace(image=image, retouched=True)
    return Command(text, RETOUCH, doc.state, after)


def retouch_photo(doc: Document, pixels: np.ndarray, text: str = "Inpaint photo",
                  preview: np.ndarray | None = None) -> Command:
    """`preview`: the pixels' preview if already made (off the GUI thread); else made here."""
    after = doc.state.replace(photo=doc.state.photo.with_pixels(pixels, preview))
    return Command(text, RETOUCH, doc.state, after)


def refine_projection(doc: Document, z: np.ndarray, image: np.ndarray) -> Command:
    """A better projection of the photo replaces the old one: as the start and as the current
    image, where they still are the old projection (not after an edit or another start)."""
    z = np.asarray(z, np.float32).reshape(-1)
    state = doc.state
    old = state.photo.z_projected
    changes = dict(photo=state.photo.with_projection(z, image))
    if np.array_equal(state.z_start, old):
        changes["z_start"] = z
    if np.array_equal(state.z_current, old) and not state.retouched:
        changes.update(z_current=z, image=image)
    return Command("Refine projection", PROJECTION, state, state.replace(**changes))

