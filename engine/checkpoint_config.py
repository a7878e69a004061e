"""A model folder's `config.json`: the format's names and limits, reading and validating it,
and keeping every file it names inside the folder."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .checkpoint_tensors import PICKLE_SUFFIXES
from .errors import CheckpointError, UserError
from .kinds import MODEL_KINDS

FORMAT_VERSION = 1
CONFIG_NAME = "config.json"
CARD_NAME = "README.md"
SAMPLE_NAME = "samples.png"
MAX_CONFIG_BYTES = 1024 * 1024   # the shipped configs are a few kB
_SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.safetensors$")
SAFE_ROLE = re.compile(r"^[A-Za-z0-9_-]+$")


def read_model_config(folder: str | os.PathLike) -> dict:
    """Read and validate `config.json`; every problem is reported with the file's name."""
    folder = Path(folder)
    path = folder / CONFIG_NAME
    if not path.is_file():
        pickles = [p.name for p in folder.glob("*") if p.suffix.lower() in PICKLE_SUFFIXES] \
            if folder.is_dir() else []
        hint = f" (found pickle file(s) {', '.join(pickles)}, which are never loaded)" if pickles else ""
        raise CheckpointError(f"{folder}: not a model folder, {CONFIG_NAME} is missing{hint}")
    inside(folder, CONFIG_NAME)
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise CheckpointError(f"{path}: {size:,} bytes is too large for a model config "
                              f"(the limit is {MAX_CONFIG_BYTES:,})")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:   # bad UTF-8 or JSON, absurd nesting or digits
        raise CheckpointError(f"{path}: not valid JSON ({str(exc)[:200]})") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    version = config.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CheckpointError(f"{path}: format_version is missing or not a whole number")
    if version > FORMAT_VERSION:
        raise CheckpointError(f"{path}: made by a newer version of this program (format "
                              f"{version}, this one reads up to {FORMAT_VERSION}); please upgrade")
    if config.get("kind") not in MODEL_KINDS:
        raise CheckpointError(f"{path}: unknown model kind {config.get('kind')!r}; "
                              f"known: {', '.join(MODEL_KINDS)}")
    networks = config.get("networks")
    if not isinstance(networks, dict) or not networks:
        raise CheckpointError(f"{path}: 'networks' must name at least one network")
    for role, entry in networks.items():
        _check_network_entry(path, role, entry)
    return config


def _check_network_entry(path: Path, role: str, entry: Any) -> None:
    if not SAFE_ROLE.match(role):
        raise CheckpointError(f"{path}: bad network role name {role!r}")
    if not isinstance(entry, dict):
        raise CheckpointError(f"{path}: network '{role}' must be a JSON object")
    for key in ("arch", "config", "file"):
        if key not in entry:
            raise CheckpointError(f"{path}: network '{role}' has no '{key}'")
    if not isinstance(entry["file"], str) or not _SAFE_FILE_NAME.match(entry["file"]):
        raise CheckpointError(f"{path}: network '{role}' file must be a plain "
                              f"'<name>.safetensors' inside the model folder, got {entry['file']!r}")
    if not isinstance(entry["config"], dict):
        raise CheckpointError(f"{path}: network '{role}' config must be a JSON object")


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refused if it resolves (through symlinks) outside the folder."""
    path = folder / name
    try:
        real = path.resolve(strict=False)
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:   # RuntimeError: a symlink loop on older Pythons
        raise CheckpointError(f"{path}: cannot be resolved ({exc})") from None
    if real != root and root not in real.parents:
        raise CheckpointError(f"{path}: resolves to {real}, outside the model folder; "
                              f"model files must live inside it")
    return path


def named_files(config: dict) -> set[str]:
    """The weight files a config names."""
    return {e["file"] for e in config.get("networks", {}).values()
            if isinstance(e, dict) and isinstance(e.get("file"), str)}


def files_in_use(folder: Path) -> set[str]:
    """Weight files the folder's current config.json names (none if it has no valid one)."""
    try:
        return named_files(read_model_config(folder))
    except UserError:
        return set()
