"""Writing model folders atomically: weights first, config.json last, so a half-written
folder never looks loadable; with a ledger (the trainer's manifest) the old model stays
loadable until config.json is replaced."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from contextvars import ContextVar
from pathlib import Path
from typing import Iterable, Iterator, Protocol

import torch
import torch.nn as nn

from . import atomic, registry
from .checkpoint_config import (CARD_NAME, CONFIG_NAME, FORMAT_VERSION, SAFE_ROLE, SAMPLE_NAME,
                                files_in_use, inside, named_files, read_model_config)
from .checkpoint_tensors import save_tensors
from .errors import UserError
from .kinds import MODEL_KINDS


class FileLedger(Protocol):
    """What a writer may replace and what it wrote (the trainer's manifest, engine/train/output.py)."""
    def may_replace(self, name: str) -> bool: ...
    def record(self, *paths: str | os.PathLike) -> None: ...
    def remove_owned(self, names: Iterable[str]) -> None: ...


_ACTIVE_LEDGER: ContextVar[FileLedger | None] = ContextVar("ledger", default=None)


@contextlib.contextmanager
def writing_with(ledger: FileLedger) -> Iterator[None]:
    """Every model file written inside goes through `ledger` (the trainer's export)."""
    token = _ACTIVE_LEDGER.set(ledger)
    try:
        yield
    finally:
        _ACTIVE_LEDGER.reset(token)


def save_model(folder: str | os.PathLike, kind: str, networks: dict[str, nn.Module], *,
               training: dict | None = None, display_name: str | None = None,
               description: str = "", card: str | None = None,
               dtype: torch.dtype | None = None, extra: dict | None = None,
               ledger: FileLedger | None = None) -> Path:
    """Write networks, then config.json last, so a half-written folder never looks loadable.

    With a `ledger`, weights go under names the folder's current config.json does not use
    and the ledger allows, so the old model stays loadable until config.json is replaced;
    the old weight files it then no longer names are removed if the ledger owns them.
    """
    if kind not in MODEL_KINDS:
        raise UserError(f"unknown model kind {kind!r}; known: {', '.join(MODEL_KINDS)}")
    ledger = ledger or _ACTIVE_LEDGER.get()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "name": folder.name,
        "display_name": display_name or folder.name,
        "description": description,
        "networks": {},
        "training": training or {},
    }
    config.update(extra or {})
    old_files = files_in_use(folder)
    for role, net in networks.items():
        config["networks"][role] = _write_network(folder, role, net, dtype, ledger,
                                                  old_files | named_files(config))
    _switch_config(folder, config, old_files, ledger)
    if card is not None:
        write_card(folder, card, ledger)
    return folder


def add_network(folder: str | os.PathLike, role: str, net: nn.Module,
                dtype: torch.dtype | None = None, training: dict | None = None,
                ledger: FileLedger | None = None) -> None:
    """Add or replace one network of an existing model folder (e.g. its encoder)."""
    ledger = ledger or _ACTIVE_LEDGER.get()
    folder = Path(folder)
    config = read_model_config(folder)
    old_files = named_files(config)
    config["networks"][role] = _write_network(folder, role, net, dtype, ledger, old_files)
    if training:
        config.setdefault("training", {})[role] = training
    _switch_config(folder, config, old_files, ledger)


def copy_model(source: str | os.PathLike, target: str | os.PathLike,
               ledger: FileLedger | None = None) -> None:
    """Copy a model folder's config, weights, card and samples into `target`."""
    ledger = ledger or _ACTIVE_LEDGER.get()
    source, target = Path(source), Path(target)
    config = read_model_config(source)
    target.mkdir(parents=True, exist_ok=True)
    old_files = files_in_use(target)
    taken = set(old_files)
    for entry in config["networks"].values():
        name = _free_file_name(target, Path(entry["file"]).stem, ledger, taken)
        taken.add(name)
        _record(ledger, target / name)
        with atomic.atomic_path(target / name) as tmp:
            shutil.copyfile(inside(source, entry["file"]), tmp)
        entry["file"] = name
    config["name"] = target.name
    _switch_config(target, config, old_files, ledger)
    for extra in (CARD_NAME, SAMPLE_NAME):
        if (source / extra).is_file() and not (source / extra).is_symlink():
            _record(ledger, target / extra)
            atomic.write_bytes(target / extra, (source / extra).read_bytes())


def write_card(folder: str | os.PathLike, text: str, ledger: FileLedger | None = None) -> None:
    _record(ledger or _ACTIVE_LEDGER.get(), Path(folder) / CARD_NAME)
    atomic.write_text(Path(folder) / CARD_NAME, text)


def _switch_config(folder: Path, config: dict, old_files: set[str],
                   ledger: FileLedger | None) -> None:
    _record(ledger, folder / CONFIG_NAME)
    atomic.write_text(folder / CONFIG_NAME, json.dumps(config, indent=2) + "\n")
    if ledger is not None:
        ledger.remove_owned(old_files - named_files(config))


def _record(ledger: FileLedger | None, path: Path) -> None:
    if ledger is not None:
        ledger.record(path)


def _free_file_name(folder: Path, role: str, ledger: FileLedger | None, taken: set[str]) -> str:
    """`<role>.safetensors`, or with a ledger the first of `<role>[-N].safetensors` that is
    neither named by the current config.json nor a file the ledger may not replace."""
    if ledger is None:
        return f"{role}.safetensors"
    for n in range(1, 100):
        name = f"{role}.safetensors" if n == 1 else f"{role}-{n}.safetensors"
        if name not in taken and ledger.may_replace(name):
            return name
    raise UserError(f"{folder}: no free file name for the {role} weights")


def _write_network(folder: Path, role: str, net: nn.Module, dtype: torch.dtype | None,
                   ledger: FileLedger | None = None, taken: set[str] = frozenset()) -> dict:
    if not SAFE_ROLE.match(role):
        raise UserError(f"bad network role name {role!r}")
    file_name = _free_file_name(folder, role, ledger, set(taken))
    _record(ledger, folder / file_name)
    save_tensors(folder / file_name, net.state_dict(), dtype=dtype)
    return {**registry.describe(net), "file": file_name,
            "parameters": sum(p.numel() for p in net.parameters())}
