"""The project format: what a document's state becomes in `project.json` and back.

    ProjectData      what a project holds (latents, strokes, candidates, settings, photo, the
                     undo steps), made from a document by `from_document`
    to_files         ProjectData -> {file name: bytes}: the manifest and its images, named by
                     content
    from_manifest    a parsed manifest (and the folder holding its images) -> ProjectData,
                     every field validated and bounded before anything is used

Where the files go (a folder or a zip, written atomically) is editor/model/project_storage.py.
The latents are the truth: opening a project regenerates the images from them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.errors import ImageError, UserError
from engine.imaging import encode_image, load_rgb
from engine.latents import check_latent
from engine.ops.types import EditSettings

from . import saved_history, tuned
from .document import Document
from .saved_history import SavedSteps
from .tools import Stroke, is_finite_number
from .tuned import TunedGenerator

FORMAT_NAME = "manifold-editor-project"
FORMAT_VERSION = 1
MANIFEST = "project.json"
CURRENT_PNG, PREVIOUS_PNG, PHOTO_PNG = "current.png", "previous.png", "photo.png"
# Bounds on what a project file may ask for, checked before anything large is read or made.
MAX_CANDIDATES = 1024                  # the settings' own candidate limit
MAX_STROKES = 10_000
MAX_STROKE_POINTS = 100_000


class ProjectError(UserError):
    """A project file that cannot be read or written."""


@dataclass
class ProjectData:
    model: str                                # the model folder's name
    image_size: int
    z_current: np.ndarray
    z_start: np.ndarray
    fixed: bool = False
    z_previous: np.ndarray | None = None
    strokes: tuple[Stroke, ...] = ()
    candidate_z: np.ndarray | None = None     # float32 KxZ
    chosen: int | None = None
    settings: EditSettings = field(default_factory=EditSettings)
    history: list[str] = field(default_factory=list)
    current_image: np.ndarray | None = None   # the PNG as saved
    previous_image: np.ndarray | None = None
    model_folder: str | None = None           # where the model was, a hint when the name fails
    retouched: bool = False                   # current.png holds the truth (inpainted pixels)
    photo_path: str | None = None             # the photo the project edits
    photo_z: np.ndarray | None = None         # its projection
    photo_pixels: np.ndarray | None = None    # its retouched pixels (photo.png), if any
    photo_tuned: TunedGenerator | None = None  # its tuned generator (tuned.py), if any
    steps: SavedSteps | None = None           # the undo history's states (saved_history.py)

    @property
    def z_dim(self) -> int:
        return int(self.z_current.shape[0])


def from_document(doc: Document, settings: EditSettings, history: list[str],
                  model_folder: str | None = None, steps: SavedSteps | None = None) -> ProjectData:
    state = doc.state
    candidate_z = np.stack([c.z for c in state.candidates]) if state.candidates else None
    photo = state.photo
    return ProjectData(
        model=doc.model_name, image_size=doc.image_size, z_current=state.z_current,
        z_start=state.z_start, fixed=state.fixed, z_previous=state.z_previous,
        strokes=state.strokes, candidate_z=candidate_z, chosen=state.chosen,
        settings=dataclasses.replace(settings), history=list(history),
        current_image=state.image, previous_image=state.previous_image, model_folder=model_folder,
        retouched=state.retouched,
        photo_path=None if photo is None else str(photo.path),
        photo_z=None if photo is None else photo.z_projected,
        photo_pixels=photo.pixels if photo is not None and photo.retouched else None,
        photo_tuned=None if photo is None else photo.tuned,
        steps=steps)


def to_files(data: ProjectData) -> dict[str, bytes]:
    """The project's files by name: the manifest and its content-named images."""
    # Image files are named by their content: a folder save writes the new images beside
    # the old ones, then the manifest (the one atomic switch), then removes what the new
    # manifest no longer names. A crash at any point leaves a manifest whose images exist.
    files: dict[str, bytes] = {}

    def add(base: str, pixels: np.ndarray) -> str:
        payload = encode_image(pixels)
        stem, suffix = base.rsplit(".", 1)
        name = f"{stem}-{hashlib.sha256(payload).hexdigest()[:12]}.{suffix}"
        files[name] = payload
        return name

    images = {"current": add(CURRENT_PNG, data.current_image)}
    if data.previous_image is not None:
        images["previous"] = add(PREVIOUS_PNG, data.previous_image)
    photo_image = add(PHOTO_PNG, data.photo_pixels) if data.photo_pixels is not None else None
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "model": data.model,
        "model_folder": data.model_folder,
        "image_size": data.image_size,
        "latents": {"current": _floats(data.z_current), "start": _floats(data.z_start),
                    "previous": None if data.z_previous is None else _floats(data.z_previous)},
        "fixed": data.fixed,
        "strokes": [s.to_json() for s in data.strokes],
        "candidates": {"z": [] if data.candidate_z is None else [_floats(z) for z in data.candidate_z],
                       "chosen": data.chosen},
        "settings": dataclasses.asdict(data.settings),
        "history": list(data.history),
        "images": images,
        "retouched": data.retouched,
        "photo": None if data.photo_path is None else {
            "path": data.photo_path, "z": _floats(data.photo_z),
            "image": photo_image, "tuned": tuned.add_file(files, data.photo_tuned)},
        "steps": saved_history.to_json(data.steps, add),
    }
    files[MANIFEST] = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    return files


def _floats(z: np.ndarray) -> list[float]:
    # float32 -> float64 -> shortest repr -> float64 -> float32 is exact.
    return [float(v) for v in np.asarray(z, np.float32).reshape(-1)]


def is_plain_name(name: object) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\\" not in name and ":" not in name and "\0" not in name)




class Invalid(Exception):
    """A manifest field that is wrong (the loader adds which file)."""


def from_manifest(manifest: object, folder: Path, shown: Path) -> ProjectData:
    """Validate a parsed project.json (images read from `folder`, named as `shown`);
    a problem raises Invalid saying what is wrong."""
    if not isinstance(manifest, dict):
        raise Invalid("expected a JSON object")
    model, model_folder, image_size = _header(manifest)
    z_current, z_start, z_previous, fixed = _latents(manifest)
    z_dim = z_current.shape[0]
    strokes = _strokes(manifest, image_size)
    candidate_z, chosen = _candidates(manifest, z_dim)
    settings = _settings(manifest.get("settings", {}))
    history = manifest.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise Invalid("'history' must be a list of strings")

    images = _object(manifest, "images")
    current_image = _image(images, "current", folder, shown, image_size, required=True)
    previous_image = _image(images, "previous", folder, shown, image_size, required=False)
    retouched = manifest.get("retouched", False)
    if not isinstance(retouched, bool):
        raise Invalid("'retouched' must be true or false")
    photo_path, photo_z, photo_pixels = _photo(manifest.get("photo"), folder, shown, z_dim)
    try:
        photo_tuned = tuned.read_entry(manifest.get("photo"), folder)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    try:
        steps = saved_history.from_json(
            manifest.get("steps"), z_dim,
            lambda name: _image({"step": name}, "step", folder, shown, image_size, required=True))
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    return ProjectData(model=model, image_size=image_size, z_current=z_current,
                       z_start=z_start, fixed=fixed, z_previous=z_previous,
                       strokes=strokes, candidate_z=candidate_z,
                       chosen=chosen, settings=settings, history=history,
                       current_image=current_image, previous_image=previous_image,
                       model_folder=model_folder, retouched=retouched, photo_path=photo_path,
                       photo_z=photo_z, photo_pixels=photo_pixels, photo_tuned=photo_tuned,
                       steps=steps)


def _header(manifest: dict) -> tuple[str, str | None, int]:
    """(model name, model folder hint, image size), after the format and its version."""
    if manifest.get("format") != FORMAT_NAME:
        raise Invalid(f"not a {FORMAT_NAME} file ('format' is {manifest.get('format')!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Invalid("'format_version' is missing or not a positive whole number")
    if version > FORMAT_VERSION:
        raise Invalid(f"made by a newer version of the editor (project format {version}; this "
                      f"version reads up to {FORMAT_VERSION}); please upgrade to open it")
    model = manifest.get("model")
    if not isinstance(model, str) or not model.strip():
        raise Invalid("'model' must name the model the project was made with")
    if not is_plain_name(model.strip()) or model.strip().startswith("~"):
        raise Invalid(f"'model' must be a model's name, not a path (got {model!r}); "
                      "add a model folder with Models > Add model folder")
    model_folder = manifest.get("model_folder")
    if model_folder is not None and not isinstance(model_folder, str):
        raise Invalid("'model_folder' must be a string or null")
    image_size = manifest.get("image_size")
    if not isinstance(image_size, int) or isinstance(image_size, bool) or image_size < 1:
        raise Invalid("'image_size' must be a positive whole number")
    return model.strip(), model_folder, image_size


def _latents(manifest: dict):
    """(current, start, previous or None, fixed)."""
    latents = _object(manifest, "latents")
    z_current = _latent(latents.get("current"), "latents.current")
    z_dim = z_current.shape[0]
    z_start = _latent(latents.get("start"), "latents.start", z_dim)
    previous = latents.get("previous")
    z_previous = None if previous is None else _latent(previous, "latents.previous", z_dim)
    fixed = manifest.get("fixed", False)
    if not isinstance(fixed, bool):
        raise Invalid("'fixed' must be true or false")
    return z_current, z_start, z_previous, fixed


def _strokes(manifest: dict, image_size: int) -> tuple[Stroke, ...]:
    raw_strokes = manifest.get("strokes", [])
    if not isinstance(raw_strokes, list):
        raise Invalid("'strokes' must be a list")
    if len(raw_strokes) > MAX_STROKES:
        raise Invalid(f"{len(raw_strokes)} strokes; the limit is {MAX_STROKES}")
    strokes = []
    for i, raw in enumerate(raw_strokes):
        try:
            strokes.append(_bounded_stroke(Stroke.from_json(raw), image_size))
        except ValueError as exc:
            raise Invalid(f"strokes[{i}]: {exc}") from None
    return tuple(strokes)


def _candidates(manifest: dict, z_dim: int) -> tuple[np.ndarray | None, int | None]:
    candidates = _object(manifest, "candidates", {})
    raw_z = candidates.get("z", [])
    if not isinstance(raw_z, list):
        raise Invalid("'candidates.z' must be a list of latents")
    if len(raw_z) > MAX_CANDIDATES:
        raise Invalid(f"'candidates.z' holds {len(raw_z)} latents; the limit is {MAX_CANDIDATES}")
    candidate_z = np.stack([_latent(z, f"candidates.z[{i}]", z_dim) for i, z in enumerate(raw_z)]) \
        if raw_z else None
    chosen = candidates.get("chosen")
    if chosen is not None and (not isinstance(chosen, int) or isinstance(chosen, bool)
                               or not 0 <= chosen < len(raw_z)):
        raise Invalid("'candidates.chosen' must be the index of one of the candidates, or null")
    return candidate_z, chosen


def _photo(raw: object, folder: Path, shown: Path, z_dim: int):
    """(path, projection latent, retouched pixels or None), or three Nones without a photo."""
    if raw is None:
        return None, None, None
    if not isinstance(raw, dict):
        raise Invalid("'photo' must be a JSON object or null")
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip():
        raise Invalid("'photo.path' must name the photo file")
    z = _latent(raw.get("z"), "photo.z", z_dim)
    pixels = None
    if raw.get("image") is not None:
        pixels = _image({"photo": raw["image"]}, "photo", folder, shown, None, required=True)
    return path, z, pixels


def _object(manifest: dict, key: str, default: dict | None = None) -> dict:
    value = manifest.get(key, default)
    if not isinstance(value, dict):
        raise Invalid(f"'{key}' must be a JSON object")
    return value


def _latent(value: object, what: str, z_dim: int | None = None) -> np.ndarray:
    if not isinstance(value, list) or not value or not all(is_finite_number(v) for v in value):
        raise Invalid(f"'{what}' must be a non-empty list of finite numbers")
    if z_dim is not None and len(value) != z_dim:
        raise Invalid(f"'{what}' has {len(value)} values, but the current latent has {z_dim}")
    if len(value) > MAX_LATENT_VALUES:
        raise Invalid(f"'{what}' has {len(value)} values (limit {MAX_LATENT_VALUES})")
    try:
        return check_latent(value, f"'{what}'")
    except UserError as exc:
        raise Invalid(str(exc)) from None


MAX_LATENT_VALUES = 65_536   # engine.registry's bound on any network setting


def _bounded_stroke(stroke: Stroke, image_size: int) -> Stroke:
    """Widths and points a brush could make: a 1e9 width reaches OpenCV and raises, and a
    1e12 point overflows its int32 coordinates, so the stroke silently vanishes."""
    reach = 16 * image_size
    if not 0 <= stroke.width <= reach:
        raise ValueError(f"stroke width must be from 0 to {reach}, got {stroke.width:g}")
    if len(stroke.points) > MAX_STROKE_POINTS:
        raise ValueError(f"{len(stroke.points)} points; the limit is {MAX_STROKE_POINTS}")
    if any(abs(v) > reach for point in stroke.points for v in point):
        raise ValueError(f"stroke points must lie within {reach} pixels of the image")
    return stroke


# Upper bounds for settings read from a file: beyond them an edit would never finish.
_SETTING_LIMITS = {"starts": 1024, "candidates": 1024, "steps": 100_000, "preview_every": 100_000,
                   "patience": 100_000, "seed": 2 ** 32 - 1, "keep_margin": 1024}


def _settings(raw: object) -> EditSettings:
    if not isinstance(raw, dict):
        raise Invalid("'settings' must be a JSON object")
    settings = EditSettings()
    for f in dataclasses.fields(EditSettings):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(settings, f.name)
        limit = _SETTING_LIMITS.get(f.name, 1e6)
        if isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit
        else:
            ok = is_finite_number(value) and 0 <= value <= limit
        if not ok:
            raise Invalid(f"'settings.{f.name}' must be a number from 0 to {limit:g}, got {value!r}")
        setattr(settings, f.name, type(default)(value))
    return settings


def _image(images: dict, key: str, folder: Path, shown: Path, size: int | None,
           required: bool) -> np.ndarray | None:
    name = images.get(key)
    if name is None and not required:
        return None
    if not is_plain_name(name) or Path(name).is_absolute():
        raise Invalid(f"'images.{key}' must be a plain file name inside the project, got {name!r}")
    path = folder / name
    if path.is_symlink() or (path.exists() and path.resolve().parent != folder.resolve()):
        raise Invalid(f"'images.{key}' ({name}) points outside the project folder")
    if not path.is_file():
        raise Invalid(f"the image '{name}' is missing from {shown}")
    try:
        image = load_rgb(path)
    except ImageError as exc:
        raise Invalid(f"image '{name}': {exc}") from None
    if size is not None and image.shape[:2] != (size, size):
        raise Invalid(f"image '{name}' is {image.shape[1]}x{image.shape[0]}, "
                       f"but the project's images are {size}x{size}")
    return image
