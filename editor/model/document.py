"""The document: the current image and its latent, the start it was edited from, the strokes,
the candidates of the last edit, and a revision counter that changes with every change.

States are immutable snapshots (arrays are never modified in place), so undo can restore
the exact pixels and a background job can tell whether its input is still current.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from engine.ops.keep import free_region
from engine.ops.types import EditConstraints, EditSettings

from .photo import PhotoLayer
from .tools import Stroke, rasterize


@dataclass(frozen=True, eq=False)
class Candidate:
    z: np.ndarray       # float32 Z
    image: np.ndarray   # uint8 HxWx3
    cost: float | None = None   # the edit's cost for it (lower is better), when known


@dataclass(frozen=True, eq=False)
class DocState:
    z_current: np.ndarray
    image: np.ndarray
    z_start: np.ndarray
    fixed: bool = False                      # the closeness term pulls edits towards z_start
    z_previous: np.ndarray | None = None     # the image before the last change, for interpolation
    previous_image: np.ndarray | None = None
    strokes: tuple[Stroke, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    chosen: int | None = None                # which candidate is current, if any
    retouched: bool = False                  # image pixels edited (inpainted): not G(z_current)
    photo: PhotoLayer | None = None          # the real photo this document edits, if any

    def replace(self, **changes) -> "DocState":
        return dataclasses.replace(self, **changes)

    def with_current(self, z: np.ndarray, image: np.ndarray, **changes) -> "DocState":
        """The state with a new current image; the old one becomes `previous`."""
        changes.setdefault("retouched", False)
        return self.replace(z_current=z, image=image, z_previous=self.z_current,
                            previous_image=self.image, **changes)


@dataclass
class EditRequest:
    """Everything an edit job needs, snapshotted when it is submitted."""
    constraints: EditConstraints
    z0: np.ndarray | None
    settings: EditSettings
    revision: int
    start: np.ndarray | None = None   # a latent to try first (the last live search's best)

    @property
    def keeps_outside(self) -> bool:
        """The result is blended with the anchor's image: only the free region may change
        (a fixed image, or a warp; engine.ops.keep)."""
        return self.z0 is not None and self.settings.keep_weight > 0


@dataclass(eq=False)  # identity: a job remembers which document it was started for
class Document:
    model_name: str
    image_size: int
    z_dim: int
    state: DocState
    revision: int = 0
    _listeners: list[Callable[["Document"], None]] = field(default_factory=list, repr=False)

    @classmethod
    def start(cls, model_name: str, z: np.ndarray, image: np.ndarray) -> "Document":
        z = np.asarray(z, np.float32).reshape(-1)
        return cls(model_name, int(image.shape[0]), int(z.shape[0]),
                   DocState(z_current=z, image=image, z_start=z))

    # Read-only views of the state.
    @property
    def image(self) -> np.ndarray:
        return self.state.image

    @property
    def photo(self) -> PhotoLayer | None:
        return self.state.photo

    @property
    def strokes(self) -> tuple[Stroke, ...]:
        return self.state.strokes

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.state.candidates

    def subscribe(self, listener: Callable[["Document"], None]) -> None:
        self._listeners.append(listener)

    def restore(self, state: DocState) -> None:
        self.state = state
        self.revision += 1
        for listener in list(self._listeners):
            listener(self)

    def edit_request(self, settings: EditSettings,
                     strokes: tuple[Stroke, ...] | None = None) -> EditRequest | None:
        """The edit the current strokes (or `strokes`, e.g. with one still being drawn) ask
        for, or None when there is nothing to satisfy."""
        constraints = rasterize(self.strokes if strokes is None else strokes, self.image_size)
        if constraints.is_empty():
            return None
        if self.state.fixed:
            z0 = self.state.z_start
        elif constraints.warps:
            z0 = self.state.z_current  # a warp moves a patch of the image the user sees
        else:
            z0 = None
        return EditRequest(constraints, z0, dataclasses.replace(settings), self.revision)

    def free_region(self, settings: EditSettings,
                    strokes: tuple[Stroke, ...] | None = None) -> np.ndarray | None:
        """bool HxW at model resolution: what an edit of these strokes may change when it keeps
        the rest of the image; None when nothing is painted or the whole image may change."""
        request = self.edit_request(settings, strokes)
        if request is None or not request.keeps_outside:
            return None
        return free_region(request.constraints, self.image_size, request.settings.keep_margin)
