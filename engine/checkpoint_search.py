"""Where models are found: the default model's name, the search path, resolving a name or
folder, and listing (and describing) every installed model."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import paths
from .checkpoint_config import CARD_NAME, CONFIG_NAME, SAMPLE_NAME, inside, read_model_config
from .checkpoint_tensors import PICKLE_SUFFIXES, refuse_pickle
from .errors import CheckpointError

DEFAULT_MODEL = "scenery64-local"  # scenery64 trained on with --local-diversity; scenery64 and landscapes64 stay for old projects
MODEL_PATH_ENV = "MANIFOLD_MODEL_PATH"
BUILTIN_WEIGHTS_DIR = paths.builtin_weights_dir()
_CARD_READ_BYTES = 64 * 1024   # the summary is the card's first paragraph


def model_dirs(extra: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """Folders searched for models, in this order: extra ones, $MANIFOLD_MODEL_PATH, the
    user's own models (engine.paths), the shipped weights/. The first folder with a name wins."""
    dirs = [Path(p) for p in (extra or [])]
    env = os.environ.get(MODEL_PATH_ENV, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += [paths.user_models_dir(), BUILTIN_WEIGHTS_DIR]
    unique: list[Path] = []
    for folder in dirs:
        if folder not in unique:
            unique.append(folder)
    return unique


def resolve_model(name_or_path: str | os.PathLike,
                  search_dirs: Iterable[str | os.PathLike] | None = None) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix.lower() in PICKLE_SUFFIXES:
        refuse_pickle(candidate)
    if candidate.is_dir():
        return candidate
    if candidate.is_file():
        if candidate.suffix.lower() == ".safetensors":
            raise CheckpointError(f"{candidate}: a bare weights file; give its model folder, "
                                  f"which also holds {CONFIG_NAME}")
        raise CheckpointError(f"{candidate}: not a model folder")
    name = str(name_or_path)
    if os.sep not in name and "/" not in name:
        dirs = model_dirs(search_dirs)
        for root in dirs:
            if (root / name / CONFIG_NAME).is_file():
                return root / name
        known = sorted({m.name for m in list_models(search_dirs)})
        raise CheckpointError(f"no model named '{name}'; installed: {', '.join(known) or 'none'}")
    raise CheckpointError(f"{name}: model folder not found")


@dataclass
class ModelInfo:
    name: str
    folder: Path
    kind: str
    display_name: str
    summary: str
    size_bytes: int
    roles: list[str]
    sample: Path | None
    error: str | None = None


def list_models(extra_dirs: Iterable[str | os.PathLike] | None = None) -> list[ModelInfo]:
    """Every model folder on the search path; a broken one is listed with its error, and
    one that cannot even be looked at never hides the others."""
    found: dict[str, ModelInfo] = {}
    for root in model_dirs(extra_dirs):
        try:
            folders = sorted(p for p in root.iterdir() if (p / CONFIG_NAME).is_file()) \
                if root.is_dir() else []
        except OSError:
            continue   # an unreadable folder on the search path
        for folder in folders:
            if folder.name not in found:
                found[folder.name] = describe_model(folder)
    return list(found.values())


def describe_model(folder: Path) -> ModelInfo:
    size = 0
    for path in folder.glob("*.safetensors"):
        try:
            size += path.stat().st_size
        except OSError:
            pass   # a dangling link: the config check below reports the real problem
    sample = folder / SAMPLE_NAME
    try:
        config = read_model_config(folder)
        for entry in config["networks"].values():
            inside(folder, entry["file"])
    except CheckpointError as exc:
        return ModelInfo(folder.name, folder, "?", folder.name, "", size, [], None, str(exc))
    except (OSError, ValueError, RecursionError) as exc:
        return ModelInfo(folder.name, folder, "?", folder.name, "", size, [], None,
                         f"{folder}: cannot be read ({exc})")
    return ModelInfo(
        name=folder.name, folder=folder, kind=config["kind"],
        display_name=str(config.get("display_name") or folder.name)[:200],
        summary=card_summary(folder) or str(config.get("description", ""))[:2000],
        size_bytes=size, roles=list(config["networks"]),
        sample=sample if sample.is_file() else None)


def card_summary(folder: Path) -> str:
    """The first paragraph of prose in the model card."""
    card = folder / CARD_NAME
    try:
        with open(card, "rb") if card.is_file() else contextlib.nullcontext(None) as f:
            text = f.read(_CARD_READ_BYTES).decode("utf-8", errors="replace") if f else ""
    except OSError:
        return ""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if stripped.startswith(("#", "!", "|", "<")):
            continue
        lines.append(stripped)
    return " ".join(lines)
