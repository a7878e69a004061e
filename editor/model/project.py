"""Project files: the format (project_schema.py: a document's state <-> project.json) and
its storage (project_storage.py: a folder or a zip), and exporting an image. Callers import
from here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.imaging import save_image

from .project_schema import (FORMAT_NAME, FORMAT_VERSION, MANIFEST, MAX_CANDIDATES,
                             ProjectData, ProjectError, from_document)
from .project_storage import (MAX_MANIFEST_BYTES, MAX_ZIP_MEMBERS, MAX_ZIP_TOTAL_BYTES, SUFFIX,
                              ZIP_SUFFIX, is_zip_path, load_project, normalize_path, save_project)

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MANIFEST", "MAX_CANDIDATES", "MAX_MANIFEST_BYTES",
           "MAX_ZIP_MEMBERS", "MAX_ZIP_TOTAL_BYTES", "SUFFIX", "ZIP_SUFFIX", "ProjectData",
           "ProjectError", "export_image", "from_document", "is_zip_path", "load_project",
           "normalize_path", "save_project"]


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
