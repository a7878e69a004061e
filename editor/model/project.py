"""Project files: a folder `NAME.manifold/` (or a `.zip` of the same files) holding

    project.json   format version, model name, latents (current, start, previous), strokes,
                   the candidates' latents, the edit settings, a history summary and the
                   undo steps' states (editor/model/saved_history.py; step-*.png for
                   inpainted images among them)
    current.png    the current image (and previous.png when there is one)
    photo.png      only when the project edits a photo whose pixels were retouched (inpainted);
                   otherwise project.json just remembers where the photo is

The latents are the truth: opening a project regenerates the images from them. The PNGs
let other programs see the picture and let the editor check the regeneration.
Loading validates everything before anything is used, and saving is atomic per file with
project.json written last, so a folder is never half-valid.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine import atomic
from engine.errors import ImageError, UserError
from engine.latents import check_latent
from engine.imaging import encode_image, load_rgb, save_image
from engine.ops.types import EditSettings

from . import saved_history, tuned
from .document import Document
from .saved_history import SavedSteps
from .tuned import TunedGenerator
from .tools import Stroke, is_finite_number

FORMAT_NAME = "manifold-editor-project"
FORMAT_VERSION = 1
MANIFEST = "project.json"
SUFFIX = ".manifold"
ZIP_SUFFIX = ".zip"
CURRENT_PNG, PREVIOUS_PNG, PHOTO_PNG = "current.png", "previous.png", "photo.png"
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # refuse larger zip members (zip bombs)
# Bounds on what a project file may ask for, checked before anything large is read or made.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024   # a project with 1024 candidates and long strokes: ~2 MB
MAX_ZIP_MEMBERS = 64                   # a project has at most a manifest and three images
MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024
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


# ---------------------------------------------------------------- saving

def is_zip_path(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ZIP_SUFFIX


def normalize_path(path: str | Path) -> Path:
    """Add `.manifold` to a folder name that lacks it (zip paths are kept as they are)."""
    path = Path(path)
    if is_zip_path(path) or path.suffix.lower() == SUFFIX:
        return path
    return path.with_name(path.name + SUFFIX)


def save_project(path: str | Path, data: ProjectData) -> Path:
    path = normalize_path(path)
    files = _files_for(data)
    if is_zip_path(path):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, payload in files.items():
                archive.writestr(name, payload)
        try:
            atomic.write_bytes(path, buffer.getvalue())
        except OSError as exc:
            raise ProjectError(f"{path}: cannot write the project ({exc.strerror or exc})") from None
        return path
    if path.exists() and not path.is_dir():
        raise ProjectError(f"{path}: a file of that name exists; a project is a folder")
    if path.is_dir() and any(path.iterdir()) and not (path / MANIFEST).is_file():
        raise ProjectError(f"{path}: the folder is not empty and is not a project; "
                           "choose another name so nothing in it is overwritten")
    try:
        for name, payload in files.items():
            if name != MANIFEST:
                atomic.write_bytes(path / name, payload)
        atomic.write_bytes(path / MANIFEST, files[MANIFEST])  # the switch to the new save
    except OSError as exc:
        raise ProjectError(f"{path}: cannot write the project ({exc.strerror or exc})") from None
    _remove_unreferenced_images(path, set(files))
    tuned.remove_stale(path, set(files))
    return path


def _remove_unreferenced_images(folder: Path, keep: set[str]) -> None:
    """Images of earlier saves (and of the fixed names older versions wrote)."""
    for base in (CURRENT_PNG, PREVIOUS_PNG, PHOTO_PNG, saved_history.STEP_PNG):
        stem, suffix = base.rsplit(".", 1)
        for old in folder.glob(f"{stem}*.{suffix}"):
            if old.name not in keep and (old.name == base or old.name.startswith(stem + "-")):
                with contextlib.suppress(OSError):
                    old.unlink()


def _files_for(data: ProjectData) -> dict[str, bytes]:
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


# ---------------------------------------------------------------- loading

def load_project(path: str | Path) -> ProjectData:
    """Read and validate a project folder or zip; any problem raises ProjectError naming it."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, path)
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="manifold-project-") as tmp:
            _extract(path, Path(tmp))
            return _load_folder(Path(tmp), path)
    if path.is_file() and path.name == MANIFEST:
        return _load_folder(path.parent, path.parent)
    if not path.exists():
        raise ProjectError(f"{path}: no such project")
    raise ProjectError(f"{path}: not a project (expected a {SUFFIX} folder or a zip)")


def _extract(archive_path: Path, target: Path) -> None:
    """Extract the manifest, then only the images it names: bounded in count and size."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            if len(infos) > MAX_ZIP_MEMBERS:
                raise ProjectError(f"{archive_path}: {len(infos)} members; a project has at "
                                   f"most a manifest and a few images (limit {MAX_ZIP_MEMBERS})")
            members: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                name = info.filename
                if not _is_plain_name(name):
                    raise ProjectError(f"{archive_path}: member '{name}' is not a plain file "
                                       "name; refusing paths that could leave the project")
                if name in members:
                    raise ProjectError(f"{archive_path}: member '{name}' appears twice; "
                                       "refusing to guess which one is the project")
                members[name] = info
            if MANIFEST not in members:
                return   # _load_folder reports the missing manifest
            wanted = [MANIFEST] + [n for n in _named_images(archive, members[MANIFEST])
                                   if n in members and n != MANIFEST]
            total = sum(members[n].file_size for n in wanted)
            if total > MAX_ZIP_TOTAL_BYTES:
                raise ProjectError(f"{archive_path}: the project's files unpack to {total:,} "
                                   f"bytes (limit {MAX_ZIP_TOTAL_BYTES:,})")
            for name in wanted:
                info = members[name]
                limit = MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES
                if info.file_size > limit:
                    raise ProjectError(f"{archive_path}: member '{name}' is too large "
                                       f"({info.file_size} bytes)")
                (target / name).write_bytes(archive.read(info))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ProjectError(f"{archive_path}: damaged zip file ({exc})") from None


def _named_images(archive: zipfile.ZipFile, manifest: zipfile.ZipInfo) -> list[str]:
    """The image names a zip's manifest refers to (none if it cannot be read: the full
    validation after extraction then says why)."""
    if manifest.file_size > MAX_MANIFEST_BYTES:
        return []
    try:
        data = json.loads(archive.read(manifest).decode("utf-8"))
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    images = data.get("images")
    names = list(images.values()) if isinstance(images, dict) else []
    photo = data.get("photo")
    if isinstance(photo, dict):
        names += [photo.get("image"), photo.get("tuned")]
    return [n for n in names if isinstance(n, str)]


def _is_plain_name(name: object) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\\" not in name and ":" not in name and "\0" not in name)


def _load_folder(folder: Path, shown: Path) -> ProjectData:
    manifest_path = folder / MANIFEST
    where = shown / MANIFEST if shown.is_dir() else shown
    if not manifest_path.is_file():
        raise ProjectError(f"{shown}: not a project, {MANIFEST} is missing")
    if manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ProjectError(f"{where}: {manifest_path.stat().st_size:,} bytes is too large for a "
                           f"project manifest (limit {MAX_MANIFEST_BYTES:,})")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, absurd nesting or digits
        raise ProjectError(f"{where}: not valid JSON ({exc})") from None
    try:
        return _parse(manifest, folder, shown)
    except _Invalid as exc:
        raise ProjectError(f"{where}: {exc}") from None


class _Invalid(Exception):
    pass


def _parse(manifest: object, folder: Path, shown: Path) -> ProjectData:
    if not isinstance(manifest, dict):
        raise _Invalid("expected a JSON object")
    if manifest.get("format") != FORMAT_NAME:
        raise _Invalid(f"not a {FORMAT_NAME} file ('format' is {manifest.get('format')!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _Invalid("'format_version' is missing or not a positive whole number")
    if version > FORMAT_VERSION:
        raise _Invalid(f"made by a newer version of the editor (project format {version}; this "
                       f"version reads up to {FORMAT_VERSION}); please upgrade to open it")
    model = manifest.get("model")
    if not isinstance(model, str) or not model.strip():
        raise _Invalid("'model' must name the model the project was made with")
    if not _is_plain_name(model.strip()) or model.strip().startswith("~"):
        raise _Invalid(f"'model' must be a model's name, not a path (got {model!r}); "
                       "add a model folder with Models > Add model folder")
    model_folder = manifest.get("model_folder")
    if model_folder is not None and not isinstance(model_folder, str):
        raise _Invalid("'model_folder' must be a string or null")
    image_size = manifest.get("image_size")
    if not isinstance(image_size, int) or isinstance(image_size, bool) or image_size < 1:
        raise _Invalid("'image_size' must be a positive whole number")

    latents = _object(manifest, "latents")
    z_current = _latent(latents.get("current"), "latents.current")
    z_dim = z_current.shape[0]
    z_start = _latent(latents.get("start"), "latents.start", z_dim)
    previous = latents.get("previous")
    z_previous = None if previous is None else _latent(previous, "latents.previous", z_dim)
    fixed = manifest.get("fixed", False)
    if not isinstance(fixed, bool):
        raise _Invalid("'fixed' must be true or false")

    raw_strokes = manifest.get("strokes", [])
    if not isinstance(raw_strokes, list):
        raise _Invalid("'strokes' must be a list")
    if len(raw_strokes) > MAX_STROKES:
        raise _Invalid(f"{len(raw_strokes)} strokes; the limit is {MAX_STROKES}")
    strokes = []
    for i, raw in enumerate(raw_strokes):
        try:
            strokes.append(_bounded_stroke(Stroke.from_json(raw), image_size))
        except ValueError as exc:
            raise _Invalid(f"strokes[{i}]: {exc}") from None

    candidates = _object(manifest, "candidates", {})
    raw_z = candidates.get("z", [])
    if not isinstance(raw_z, list):
        raise _Invalid("'candidates.z' must be a list of latents")
    if len(raw_z) > MAX_CANDIDATES:
        raise _Invalid(f"'candidates.z' holds {len(raw_z)} latents; the limit is {MAX_CANDIDATES}")
    candidate_z = np.stack([_latent(z, f"candidates.z[{i}]", z_dim) for i, z in enumerate(raw_z)]) \
        if raw_z else None
    chosen = candidates.get("chosen")
    if chosen is not None and (not isinstance(chosen, int) or isinstance(chosen, bool)
                               or not 0 <= chosen < len(raw_z)):
        raise _Invalid("'candidates.chosen' must be the index of one of the candidates, or null")

    settings = _settings(manifest.get("settings", {}))
    history = manifest.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise _Invalid("'history' must be a list of strings")

    images = _object(manifest, "images")
    current_image = _image(images, "current", folder, shown, image_size, required=True)
    previous_image = _image(images, "previous", folder, shown, image_size, required=False)
    retouched = manifest.get("retouched", False)
    if not isinstance(retouched, bool):
        raise _Invalid("'retouched' must be true or false")
    photo_path, photo_z, photo_pixels = _photo(manifest.get("photo"), folder, shown, z_dim)
    try:
        photo_tuned = tuned.read_entry(manifest.get("photo"), folder)
    except ValueError as exc:
        raise _Invalid(str(exc)) from None
    try:
        steps = saved_history.from_json(
            manifest.get("steps"), z_dim,
            lambda name: _image({"step": name}, "step", folder, shown, image_size, required=True))
    except ValueError as exc:
        raise _Invalid(str(exc)) from None
    return ProjectData(model=model.strip(), image_size=image_size, z_current=z_current,
                       z_start=z_start, fixed=fixed, z_previous=z_previous,
                       strokes=tuple(strokes), candidate_z=candidate_z, chosen=chosen,
                       settings=settings, history=history, current_image=current_image,
                       previous_image=previous_image, model_folder=model_folder,
                       retouched=retouched, photo_path=photo_path, photo_z=photo_z,
                       photo_pixels=photo_pixels, photo_tuned=photo_tuned, steps=steps)


def _photo(raw: object, folder: Path, shown: Path, z_dim: int):
    """(path, projection latent, retouched pixels or None), or three Nones without a photo."""
    if raw is None:
        return None, None, None
    if not isinstance(raw, dict):
        raise _Invalid("'photo' must be a JSON object or null")
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip():
        raise _Invalid("'photo.path' must name the photo file")
    z = _latent(raw.get("z"), "photo.z", z_dim)
    pixels = None
    if raw.get("image") is not None:
        pixels = _image({"photo": raw["image"]}, "photo", folder, shown, None, required=True)
    return path, z, pixels


def _object(manifest: dict, key: str, default: dict | None = None) -> dict:
    value = manifest.get(key, default)
    if not isinstance(value, dict):
        raise _Invalid(f"'{key}' must be a JSON object")
    return value


def _latent(value: object, what: str, z_dim: int | None = None) -> np.ndarray:
    if not isinstance(value, list) or not value or not all(is_finite_number(v) for v in value):
        raise _Invalid(f"'{what}' must be a non-empty list of finite numbers")
    if z_dim is not None and len(value) != z_dim:
        raise _Invalid(f"'{what}' has {len(value)} values, but the current latent has {z_dim}")
    if len(value) > MAX_LATENT_VALUES:
        raise _Invalid(f"'{what}' has {len(value)} values (limit {MAX_LATENT_VALUES})")
    try:
        return check_latent(value, f"'{what}'")
    except UserError as exc:
        raise _Invalid(str(exc)) from None


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
        raise _Invalid("'settings' must be a JSON object")
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
            raise _Invalid(f"'settings.{f.name}' must be a number from 0 to {limit:g}, got {value!r}")
        setattr(settings, f.name, type(default)(value))
    return settings


def _image(images: dict, key: str, folder: Path, shown: Path, size: int | None,
           required: bool) -> np.ndarray | None:
    name = images.get(key)
    if name is None and not required:
        return None
    if not _is_plain_name(name) or Path(name).is_absolute():
        raise _Invalid(f"'images.{key}' must be a plain file name inside the project, got {name!r}")
    path = folder / name
    if path.is_symlink() or (path.exists() and path.resolve().parent != folder.resolve()):
        raise _Invalid(f"'images.{key}' ({name}) points outside the project folder")
    if not path.is_file():
        raise _Invalid(f"the image '{name}' is missing from {shown}")
    try:
        image = load_rgb(path)
    except ImageError as exc:
        raise _Invalid(f"image '{name}': {exc}") from None
    if size is not None and image.shape[:2] != (size, size):
        raise _Invalid(f"image '{name}' is {image.shape[1]}x{image.shape[0]}, "
                       f"but the project's images are {size}x{size}")
    return image


# ---------------------------------------------------------------- exporting

def export_image(path: str | Path, image: np.ndarray, protected: tuple[Path, ...] = (),
                 overwrite: bool = False) -> Path:
    """Save an image; never over a protected file (the opened project) nor, unless asked,
    over any existing file."""
    path = Path(path)
    target = path.resolve()
    for guarded in protected:
        guarded = Path(guarded).resolve()
        if target == guarded or guarded in target.parents:
            raise ProjectError(f"{path}: refusing to write over the opened project; "
                               "choose another name")
    if path.exists() and not overwrite:
        raise ProjectError(f"{path}: already exists; choose another name")
    try:
        return save_image(path, image)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot write the image ({exc.strerror or exc})") from None
