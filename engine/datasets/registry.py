"""Build the `registry` photo set: the photographs of registry_sources, cut into crops.

Same layout and crop sets as an `outdoor` build (train64/, train256/, holdout/, holdout64/,
manifest.json), so a recipe can train on `outdoor/train256` and `registry/train256` together
and evaluate on either holdout/. Photos packed in a Qt resource file are copied out into
src/photos/ first; the others are read where the package unpacks them.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from engine import atomic
from engine.datasets.outdoor import (Photo, Progress, build_crop_sets, default_workers,
                                     download_debs, ensure_writable_dir, file_sha256, find_debs,
                                     make_manifest, require_training_photos, unpack_debs,
                                     vetted_photo)
from engine.datasets.qt_resources import QtResources
from engine.datasets.registry_sources import REGISTRY_PHOTOS, RegistryPhoto


def build_registry(out_dir: str | os.PathLike, n64: int = 12000, n256: int = 3000,
                   n_holdout64: int = 200, seed: int = 0,
                   debs_dir: str | os.PathLike | None = None, progress: Progress = print,
                   workers: int | None = None,
                   sources: tuple[RegistryPhoto, ...] = REGISTRY_PHOTOS) -> dict:
    """Run the whole recipe; returns the manifest (also written to out_dir/manifest.json)."""
    out_dir = Path(out_dir).expanduser().resolve()
    ensure_writable_dir(out_dir)
    packages = tuple(dict.fromkeys(p.package for p in sources))
    if debs_dir is None:
        debs = download_debs(out_dir / "src" / "debs", packages, progress)
    else:
        debs = find_debs(Path(debs_dir).expanduser(), packages)
    unpacked = unpack_debs(debs, out_dir / "src" / "unpacked", progress)
    photos, records = locate_photos(sources, unpacked, out_dir / "src" / "photos", progress)
    (out_dir / "manifest.json").unlink(missing_ok=True)   # none until the crops are complete
    summary = build_crop_sets(photos, out_dir, n64=n64, n256=n256, n_holdout64=n_holdout64,
                              seed=seed, progress=progress,
                              workers=workers if workers is not None else default_workers())
    manifest = make_manifest(debs, records, summary, seed) | {"recipe": "registry"}
    atomic.write_text(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    progress(f"wrote {out_dir / 'manifest.json'}")
    return manifest


def locate_photos(sources, unpacked: dict[str, Path], photo_dir: Path,
                  progress: Progress) -> tuple[list[Photo], list[dict]]:
    """Each listed photo as a file: in its unpacked package, or copied out of its Qt
    resource file. A missing one is skipped with a warning; a changed one is flagged."""
    photos, records, archives = [], [], {}
    for source in sources:
        path = unpacked[source.package] / source.path
        if not path.is_file():
            progress(f"warning: {source.package} has no {source.path}; {source.name} skipped")
            continue
        if source.member:
            copy = photo_dir / f"{source.name}{Path(source.member).suffix}"
            digest = file_sha256(copy) if copy.is_file() else None
            if digest != source.sha256:   # not copied out yet, or not the vetted bytes
                if path not in archives:   # one read per resource file, however many photos
                    archives[path] = QtResources(path)
                data = archives[path].read(source.member)
                digest = hashlib.sha256(data).hexdigest()
                photo_dir.mkdir(parents=True, exist_ok=True)
                atomic.write_bytes(copy, data)
            path = copy
        else:
            digest = file_sha256(path)
        photo, record = vetted_photo(source, path, digest, progress)
        photos.append(photo)
        records.append(record)
    require_training_photos(photos)
    return photos, records
