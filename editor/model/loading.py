"""The slow parts of starting a document (Qt-free, run on a worker thread by the editor):
loading a model, making a start image, and opening a project by regenerating its images.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import torch

from engine import checkpoints
from engine.errors import CheckpointError, ImageError
from engine.jobs import CancelToken, drive
from engine.kinds import ModelKind
from engine.ops.edit import edit
from engine.ops.generate import average_latent, generate, random_z
from engine.ops.types import EditConstraints, EditSettings

from .document import Document
from .enums import Start
from .photo import PhotoLayer, read_photo
from . import saved_history, tuned
from .project import ProjectData, ProjectError, load_project
from .project_schema import to_state

RANDOM, AVERAGE = Start.RANDOM, Start.AVERAGE


def load_gan(name_or_path: str | Path, device: torch.device | str,
             search_dirs: Iterable[str | Path] = ()) -> checkpoints.Model:
    model = checkpoints.load_model(name_or_path, device, search_dirs=list(search_dirs))
    model.require_kind(ModelKind.GAN)
    return model


def warm_up(model: checkpoints.Model) -> None:
    """Run a two-step edit once, off the GUI thread, right after loading: the first
    optimisation step pays one-off costs (kernel selection, lazy imports) during which the
    worker holds Python's GIL long enough to stall the GUI for 100-200 ms."""
    size = image_size(model)
    mask = np.zeros((size, size), bool)
    mask[: max(1, size // 8)] = True
    constraints = EditConstraints(color=np.zeros((size, size, 3), np.uint8), color_mask=mask)
    drive(edit(model, constraints, settings=EditSettings(starts=2, candidates=1, steps=2)))
    average_latent(model)  # cached per weights: Average start never computes it on the GUI thread


def image_size(model: checkpoints.Model) -> int:
    return int(model.generator().config.image_size)


def start_latent(model: checkpoints.Model, which: str, seed: int | None) -> np.ndarray:
    if which == AVERAGE:
        return average_latent(model)
    return random_z(model.generator(), 1, seed)[0]


def new_document(model: checkpoints.Model, which: str, seed: int | None) -> Document:
    z = start_latent(model, which, seed)
    return Document.start(model.folder.name, z, generate(model.generator(), z))


def open_photo(model: checkpoints.Model, path: str | Path,
               token: CancelToken | None = None, pixels: np.ndarray | None = None,
               retouched: bool = False) -> Document:
    """A document editing the photo: its quick projection (the encoder's guess, or the average
    image for a model without an encoder) is the fixed start. A bad file raises ImageError.
    `pixels`: the photo as already in memory (perhaps retouched), instead of reading `path`."""
    from engine.ops.project import project
    pixels = read_photo(path) if pixels is None else pixels
    generator = model.generator()
    if model.has("encoder"):
        z = drive(project(model, pixels, method="encoder", token=token)).z
    else:
        z = average_latent(model)
    image = generate(generator, z)
    document = Document.start(model.folder.name, z, image)
    photo = PhotoLayer.create(path, pixels, z, image, retouched)
    document.state = document.state.replace(fixed=True, photo=photo)
    return document


@dataclass
class OpenedProject:
    data: ProjectData
    model: checkpoints.Model
    document: Document
    max_difference: int   # largest pixel difference between the regenerated and saved image
    photo_problem: str | None = None   # the project's photo could not be opened: why
    steps: list = ()   # (text, kind, before, after) of each undo step, oldest first


def open_project(path: str | Path, device: torch.device | str,
                 search_dirs: Iterable[str | Path] = (),
                 current: checkpoints.Model | None = None) -> OpenedProject:
    """Validate the project, load its model (reusing `current` when it is the same one) and
    regenerate every image from the latents."""
    data = load_project(path)
    model = current if current is not None and current.folder.name == data.model \
        and _device_of(current) == torch.device(device) else _project_model(data, device, search_dirs,
                                                                          Path(path))
    generator = model.generator()
    if generator.z_dim != data.z_dim or image_size(model) != data.image_size:
        raise ProjectError(
            f"{path}: the project needs {data.image_size}px images from {data.z_dim}-value "
            f"latents, but model '{model.folder.name}' makes {image_size(model)}px images "
            f"from {generator.z_dim}")
    photo_tuned, tuned_problem = tuned.fit(data.photo_tuned, model, str(path), data.photo_z)
    if photo_tuned is not None:  # the project's images were made by the tuned generator
        generator = photo_tuned.generator
    render = lambda zs: generate(generator, zs)  # noqa: E731
    photo, photo_problem = _project_photo(data, generator)
    if photo is not None and photo_tuned is not None:
        photo = dataclasses.replace(photo, tuned=photo_tuned)
    state, difference = to_state(data, render, photo)
    document = Document(model.folder.name, data.image_size, data.z_dim, state)
    steps = saved_history.rebuild(data.steps if photo_problem is None else None,
                                  render, state)
    return OpenedProject(data, model, document, 0 if data.retouched else difference,
                         photo_problem or tuned_problem, steps)


def _project_photo(data: ProjectData, generator) -> tuple[PhotoLayer | None, str | None]:
    """The photo a project edits: its saved retouched pixels, else the file it names."""
    if data.photo_path is None:
        return None, None
    pixels = data.photo_pixels
    if pixels is None:
        try:
            pixels = read_photo(data.photo_path)
        except ImageError as exc:
            return None, (f"the photo this project edits could not be opened ({exc}); "
                          "the project is opened without it")
    image = generate(generator, data.photo_z)
    return PhotoLayer.create(data.photo_path, pixels, data.photo_z, image,
                             retouched=data.photo_pixels is not None), None


def _project_model(data: ProjectData, device, search_dirs, project: Path) -> checkpoints.Model:
    """The project's model by name from the search path; its `model_folder` hint only when
    it is a relative path inside the folder that holds the project (a project never makes
    the editor load a model from an arbitrary place)."""
    try:
        return load_gan(data.model, device, search_dirs)
    except CheckpointError as by_name:
        hint = _relative_hint(data.model_folder, project)
        if hint is not None and hint.is_dir() and hint.name == data.model:
            return load_gan(hint, device)
        raise ProjectError(f"this project was made with model '{data.model}', which cannot be "
                           f"loaded: {by_name}. Add its folder with Models > Add model folder.") \
            from None


def _relative_hint(model_folder: str | None, project: Path) -> Path | None:
    if not model_folder or Path(model_folder).is_absolute() or ".." in Path(model_folder).parts:
        return None
    return project.parent / model_folder


def _device_of(model: checkpoints.Model) -> torch.device:
    return next(model.generator().parameters()).device
