"""The undo history in a project file (Qt-free): every step's name and the document state
it left, so reopening a project or recovering an autosave brings back History and Undo.

A state is stored by its latents (one table, each latent once, states refer to it by index),
its strokes and flags; the images are regenerated from the latents when the project opens,
as for the current image. Pixels that are not G(z) (an inpainted image, the candidates of an
edit Fix blended with the fixed image) are stored as PNGs.
A photo's retouched full-resolution pixels are stored only once (the project's photo.png),
so the steps saved are those since the photo last changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .document import Candidate, DocState
from .history import Command
from .tools import Stroke, is_finite_number


STEP_PNG = "step.png"   # base name of a step's stored pixels (content-named by project.py)
CANDIDATE_PNG = "candidate.png"   # base name of a blended candidate's stored pixels


@dataclass(frozen=True, eq=False)
class SavedState:
    z_current: np.ndarray
    z_start: np.ndarray
    fixed: bool = False
    z_previous: np.ndarray | None = None
    strokes: tuple[Stroke, ...] = ()
    candidate_z: tuple[np.ndarray, ...] = ()
    costs: tuple[float | None, ...] = ()
    chosen: int | None = None
    image: np.ndarray | None = None       # pixels that are not G(z_current) (retouched)
    candidate_images: tuple[np.ndarray, ...] = ()   # the candidates' pixels when not G(z); () else
    photo_z: np.ndarray | None = None     # the photo's projection at that step


@dataclass(frozen=True, eq=False)
class SavedSteps:
    texts: tuple[str, ...]
    kinds: tuple[str, ...]
    states: tuple[SavedState, ...]        # one more than texts: states[0] is before step 1


# ---------------------------------------------------------------- from the editor

def from_commands(commands: list[Command], current: DocState) -> SavedSteps | None:
    """The applied commands, oldest first, as saved steps (None when there are none)."""
    photo = current.photo
    start = 0
    for i, command in enumerate(commands):   # keep only the steps on the current photo
        if not _same_photo(command.before.photo, photo):
            start = i + 1
    commands = commands[start:]
    if not commands:
        return None
    states = [commands[0].before] + [c.after for c in commands]
    return SavedSteps(tuple(c.text for c in commands), tuple(c.kind for c in commands),
                      tuple(_saved(s) for s in states))


def _same_photo(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a.pixels is b.pixels or (a.path == b.path and not a.retouched and not b.retouched)


def _saved(state: DocState) -> SavedState:
    return SavedState(
        z_current=state.z_current, z_start=state.z_start, fixed=state.fixed,
        z_previous=state.z_previous, strokes=state.strokes,
        candidate_z=tuple(c.z for c in state.candidates),
        costs=tuple(c.cost for c in state.candidates), chosen=state.chosen,
        image=state.image if state.retouched else None,
        candidate_images=tuple(c.image for c in state.candidates) if state.retouched else (),
        photo_z=None if state.photo is None else state.photo.z_projected)


# ---------------------------------------------------------------- to and from JSON

def to_json(steps: SavedSteps | None, add_image: Callable[[str, np.ndarray], str]) -> dict | None:
    """`add_image(base_name, pixels)` stores a PNG and returns its file name."""
    if steps is None:
        return None
    table: list[list[float]] = []
    index: dict[int, int] = {}

    def ref(z: np.ndarray | None) -> int | None:
        if z is None:
            return None
        if id(z) not in index:
            index[id(z)] = len(table)
            table.append([float(v) for v in np.asarray(z, np.float32).reshape(-1)])
        return index[id(z)]

    states = []
    for s in steps.states:
        states.append({
            "current": ref(s.z_current), "start": ref(s.z_start), "previous": ref(s.z_previous),
            "fixed": s.fixed, "strokes": [k.to_json() for k in s.strokes],
            "candidates": [ref(z) for z in s.candidate_z], "costs": list(s.costs),
            "chosen": s.chosen, "photo_z": ref(s.photo_z),
            "image": None if s.image is None else add_image(STEP_PNG, s.image)})
        if s.candidate_images:
            states[-1]["candidate_images"] = [add_image(CANDIDATE_PNG, im) for im in s.candidate_images]
    return {"latents": table, "texts": list(steps.texts), "kinds": list(steps.kinds),
            "states": states}


def from_json(raw: object, z_dim: int, read_image: Callable[[str], np.ndarray]) -> SavedSteps | None:
    """Validate; any problem raises ValueError saying what is wrong."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError("'steps' must be a JSON object or null")
    latents = _read_latents(raw.get("latents"), z_dim)
    texts, kinds, raw_states = raw.get("texts"), raw.get("kinds"), raw.get("states")
    if not (isinstance(texts, list) and all(isinstance(t, str) for t in texts)
            and isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)
            and len(kinds) == len(texts)):
        raise ValueError("'steps.texts' and 'steps.kinds' must be lists of strings of one length")
    if not isinstance(raw_states, list) or len(raw_states) != len(texts) + 1:
        raise ValueError("'steps.states' must hold one state more than there are steps")
    states = [_read_state(s, f"steps.states[{i}]", latents, read_image)
              for i, s in enumerate(raw_states)]
    return SavedSteps(tuple(texts), tuple(kinds), tuple(states))


def _read_latents(table: object, z_dim: int) -> list[np.ndarray]:
    if not isinstance(table, list):
        raise ValueError("'steps.latents' must be a list of latents")
    latents = []
    for i, z in enumerate(table):
        if not isinstance(z, list) or len(z) != z_dim or not all(is_finite_number(v) for v in z):
            raise ValueError(f"'steps.latents[{i}]' must be {z_dim} finite numbers")
        latents.append(np.asarray(z, np.float32))
    return latents


def _read_state(s: object, where: str, latents: list[np.ndarray],
                read_image: Callable[[str], np.ndarray]) -> SavedState:
    """One entry of steps.states; its latents are indices into `latents`."""
    if not isinstance(s, dict):
        raise ValueError(f"'{where}' must be a JSON object")
    raw_strokes, raw_candidates = s.get("strokes", []), s.get("candidates", [])
    costs = s.get("costs", [None] * len(raw_candidates))
    if not isinstance(raw_strokes, list) or not isinstance(raw_candidates, list) \
            or not isinstance(costs, list) or len(costs) != len(raw_candidates) \
            or not all(c is None or is_finite_number(c) for c in costs):
        raise ValueError(f"'{where}': strokes, candidates and costs must be lists "
                         "(one cost per candidate)")
    try:
        strokes = tuple(Stroke.from_json(k) for k in raw_strokes)
    except ValueError as exc:
        raise ValueError(f"'{where}.strokes': {exc}") from None
    chosen = s.get("chosen")
    if chosen is not None and (not isinstance(chosen, int) or isinstance(chosen, bool)
                               or not 0 <= chosen < len(raw_candidates)):
        raise ValueError(f"'{where}.chosen' must be the index of a candidate, or null")
    if not isinstance(s.get("fixed", False), bool):
        raise ValueError(f"'{where}.fixed' must be true or false")
    image = s.get("image")
    candidate_images = s.get("candidate_images", [])
    if not isinstance(candidate_images, list) or \
            (candidate_images and len(candidate_images) != len(raw_candidates)):
        raise ValueError(f"'{where}.candidate_images' must name one image per candidate")

    def latent(value, what, optional=False):
        return _latent_at(latents, value, what, optional)

    return SavedState(
        z_current=latent(s.get("current"), f"{where}.current"),
        z_start=latent(s.get("start"), f"{where}.start"),
        fixed=s.get("fixed", False),
        z_previous=latent(s.get("previous"), f"{where}.previous", optional=True),
        strokes=strokes,
        candidate_z=tuple(latent(z, f"{where}.candidates") for z in raw_candidates),
        costs=tuple(None if c is None else float(c) for c in costs), chosen=chosen,
        image=None if image is None else read_image(image),
        candidate_images=tuple(read_image(name) for name in candidate_images),
        photo_z=latent(s.get("photo_z"), f"{where}.photo_z", optional=True))


def _latent_at(latents: list[np.ndarray], value: object, what: str,
               optional: bool = False) -> np.ndarray | None:
    """latents[value], where `value` must be an index into them (or, if optional, None)."""
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(latents):
        raise ValueError(f"'{what}' must be the index of one of steps.latents")
    return latents[value]


# ---------------------------------------------------------------- back to document states

def rebuild(steps: SavedSteps | None, render: Callable[[np.ndarray], np.ndarray],
            current: DocState) -> list[tuple[str, str, DocState, DocState]]:
    """(text, kind, before, after) for each step, the images regenerated with `render`
    (a batch of latents -> images). The last step ends on `current` itself."""
    if steps is None:
        return []
    wanted: dict[int, np.ndarray] = {}
    for s in steps.states:
        regenerated = () if s.candidate_images else s.candidate_z
        for z in (s.z_current, s.z_previous, *regenerated, s.photo_z):
            if z is not None:
                wanted.setdefault(id(z), z)
    keys = list(wanted)
    images: dict[int, np.ndarray] = {}
    for start in range(0, len(keys), 64):
        chunk = keys[start:start + 64]
        for key, image in zip(chunk, render(np.stack([wanted[k] for k in chunk]))):
            images[key] = image
    photo = current.photo
    states = []
    for s in steps.states:
        layer = photo
        if photo is not None and s.photo_z is not None \
                and not np.array_equal(s.photo_z, photo.z_projected):
            layer = photo.with_projection(s.photo_z, images[id(s.photo_z)])
        states.append(DocState(
            z_current=s.z_current,
            image=s.image if s.image is not None else images[id(s.z_current)],
            z_start=s.z_start, fixed=s.fixed, z_previous=s.z_previous,
            previous_image=None if s.z_previous is None else images[id(s.z_previous)],
            strokes=s.strokes,
            candidates=tuple(Candidate(z, image, c) for z, image, c in zip(
                s.candidate_z, s.candidate_images or [images[id(z)] for z in s.candidate_z], s.costs)),
            chosen=s.chosen, retouched=s.image is not None, photo=layer))
    states[-1] = current
    return [(text, kind, states[i], states[i + 1])
            for i, (text, kind) in enumerate(zip(steps.texts, steps.kinds))]
