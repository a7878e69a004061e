"""The photo's pivotal-tuned generator (engine.ops.tune) as part of the document (Qt-free).

Tuning runs after the photo's projection; the result belongs to that photo layer (a new
projection or another model drops it). While it is there, every op on the document uses
it in place of the model's generator (`model_for`). In a project it is one file,
`tuned-<hash>.safetensors` (written and validated by engine.checkpoints), named in
project.json's "photo" entry.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch.nn as nn

from engine import checkpoints
from engine.checkpoints import Model
from engine.errors import UserError
from engine.ops._common import device_of
from engine.ops.tune import TUNED_KIND, check_tuned, tuned_info, with_generator

from .tools import is_finite_number

FILE_PATTERN = re.compile(r"^tuned-[0-9a-f]{12}\.safetensors$")


@dataclass(frozen=True, eq=False)
class TunedGenerator:
    generator: nn.Module   # never modified after tuning: the layer is an immutable snapshot
    pivot: np.ndarray      # float32 Z: the projection it was tuned at
    psnr: float | None     # of G'(pivot) against the photo's crop, dB
    base_model: str        # the model folder's name it was tuned from

    @functools.cached_property
    def payload(self) -> bytes:
        """The .safetensors bytes (made once: autosave writes them on the GUI thread)."""
        info = tuned_info(self.base_model, self.pivot, self.psnr)
        return checkpoints.network_bytes(self.generator, info)

    def on(self, device) -> nn.Module:
        """The generator on `device` (a copy, made once, when it lives elsewhere)."""
        if device_of(self.generator) == device:
            return self.generator
        copies = self.__dict__.setdefault("_copies", {})
        if device not in copies:
            copies[device] = copy.deepcopy(self.generator).to(device).eval()
        return copies[device]

    @property
    def file_name(self) -> str:
        return f"tuned-{hashlib.sha256(self.payload).hexdigest()[:12]}.safetensors"


def model_for(model: Model | None, photo) -> Model | None:
    """The model the document's ops use: with the photo's tuned generator when it has one."""
    tuned = None if photo is None else photo.tuned
    if model is None or tuned is None:
        return model
    return with_generator(model, tuned.on(device_of(model.generator())))


def read_file(path: Path) -> TunedGenerator:
    """A tuned generator from a project's file, validated (ValueError says why). Whether it
    fits the project's model is checked once the model is loaded (`fit`)."""
    try:
        net, info = checkpoints.load_network(path)
    except UserError as exc:
        raise ValueError(f"tuned generator: {exc}") from None
    pivot, base, psnr = info.get("pivot"), info.get("base_model"), info.get("psnr")
    if info.get("kind") != TUNED_KIND or not isinstance(base, str) or \
            not isinstance(pivot, list) or not all(is_finite_number(v) for v in pivot):
        raise ValueError(f"tuned generator {path.name}: not a tuned generator file")
    return TunedGenerator(net, np.asarray(pivot, np.float32),
                          float(psnr) if is_finite_number(psnr) else None, base)


def fit(tuned: TunedGenerator | None, model: Model, source: str,
        pivot: np.ndarray | None) -> tuple[TunedGenerator | None, str | None]:
    """(the tuned generator on the model's device, None), or (None, why it was dropped):
    it must be a tuned copy of this model's generator, tuned at the photo's projection."""
    if tuned is None:
        return None, None
    if pivot is None or not np.array_equal(tuned.pivot, np.asarray(pivot, np.float32)):
        return None, (f"{source}: the tuned generator was tuned at another projection of the "
                      "photo; the photo will be tuned again")
    try:
        info = tuned_info(tuned.base_model, tuned.pivot)
        net, pivot = check_tuned(tuned.generator, info, model, source)
    except UserError as exc:
        return None, f"{exc}; the photo will be tuned again"
    device = next(model.generator().parameters()).device
    return TunedGenerator(net.to(device).eval(), pivot, tuned.psnr, tuned.base_model), None


def remove_stale(folder: Path, keep: set[str]) -> None:
    """Tuned-generator files of earlier saves (only names this module writes)."""
    for old in folder.glob("tuned-*.safetensors"):
        if old.name not in keep and FILE_PATTERN.match(old.name):
            with contextlib.suppress(OSError):
                old.unlink()


def apply_tuning(doc, tuned: TunedGenerator, image: np.ndarray):
    """The undoable change that gives the document's photo its tuned generator; `image` is
    G'(pivot). The current image follows where it still is the projection."""
    from .history import PROJECTION, Command
    state = doc.state
    changes = {"photo": state.photo.with_tuned(tuned, image)}
    if np.array_equal(state.z_current, tuned.pivot) and not state.retouched:
        changes["image"] = image
    return Command("Tune generator to the photo", PROJECTION, state, state.replace(**changes))


def add_file(files: dict[str, bytes], tuned: TunedGenerator | None) -> str | None:
    """Put the tuned generator among a project's files; its name for project.json."""
    if tuned is None:
        return None
    files[tuned.file_name] = tuned.payload
    return tuned.file_name


def read_entry(photo_entry: object, folder: Path) -> TunedGenerator | None:
    """The tuned generator project.json's "photo" entry names, if any (ValueError says why
    it cannot be used)."""
    name = photo_entry.get("tuned") if isinstance(photo_entry, dict) else None
    if name is None:
        return None
    if not isinstance(name, str) or not FILE_PATTERN.match(name):
        raise ValueError(f"'photo.tuned' must name a tuned-<hash>.safetensors file in the "
                         f"project, got {name!r}")
    path = folder / name
    if path.is_symlink():
        raise ValueError(f"'photo.tuned' ({name}) points outside the project folder")
    if not path.is_file():
        raise ValueError(f"the tuned generator '{name}' is missing from the project")
    return read_file(path)
