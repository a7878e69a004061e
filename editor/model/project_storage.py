"""Where a project's files live: a folder `NAME.manifold/` or a `.zip` of the same files.

    project.json   the manifest (editor/model/project_schema.py says what it holds)
    current-*.png  the current image (and previous-*.png when there is one)
    photo-*.png    only when the project edits a photo whose pixels were retouched (inpainted);
                   otherwise project.json just remembers where the photo is
    step-*.png     inpainted images among the undo steps (editor/model/saved_history.py)

Saving is atomic per file with project.json written last, so a folder is never half-valid;
a zip is written whole, atomically. Loading a zip extracts only the manifest and the images
it names, bounded in count and size.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

from engine import atomic

from . import saved_history, tuned
from .project_schema import (CURRENT_PNG, MANIFEST, PHOTO_PNG, PREVIOUS_PNG, Invalid,
                             ProjectData, ProjectError, from_manifest, is_plain_name, to_files)

SUFFIX = ".manifold"
ZIP_SUFFIX = ".zip"
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # refuse larger zip members (zip bombs)
MAX_MANIFEST_BYTES = 8 * 1024 * 1024   # a project with 1024 candidates and long strokes: ~2 MB
MAX_ZIP_MEMBERS = 64                   # a project has at most a manifest and three images
MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024


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
    files = to_files(data)
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
                if not is_plain_name(name):
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
        return from_manifest(manifest, folder, shown)
    except Invalid as exc:
        raise ProjectError(f"{where}: {exc}") from None
