"""Training state: a nested structure of tensors and JSON values (optimizers, RNG states,
counters) saved as one .safetensors file, its shape kept as JSON in the metadata."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open

from .checkpoint_config import FORMAT_VERSION
from .checkpoint_tensors import load_tensors, save_tensors
from .errors import CheckpointError


def save_state(path: str | os.PathLike, state: Any) -> None:
    """Save a nested structure of tensors and JSON values (optimizers, RNG states, counters)."""
    tensors: dict[str, torch.Tensor] = {}
    skeleton = _flatten(state, "", tensors)
    save_tensors(path, tensors, metadata={"state": json.dumps(skeleton),
                                          "format_version": str(FORMAT_VERSION)})


def read_state_header(path: str | os.PathLike) -> dict:
    """The top-level plain values of a training state (kind, iteration...), no tensors read."""
    path = Path(path)
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
    except Exception as exc:  # safetensors raises several types for damaged files
        raise CheckpointError(f"{path}: damaged or not a safetensors file ({exc})") from None
    skeleton = _parse_state_skeleton(path, metadata)
    items = skeleton.get("__dict__") if isinstance(skeleton, dict) else None
    if not isinstance(items, list):
        raise CheckpointError(f"{path}: not a training-state file")
    return {item[0]: item[1] for item in items
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
            and (item[1] is None or isinstance(item[1], (bool, int, float, str)))}


def _parse_state_skeleton(path: Path, metadata: dict) -> Any:
    text = metadata.get("state")
    if not isinstance(text, str):
        raise CheckpointError(f"{path}: not a training-state file")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise CheckpointError(f"{path}: not a training-state file") from None


def load_state(path: str | os.PathLike) -> Any:
    path = Path(path)
    tensors, metadata = load_tensors(path)
    skeleton = _parse_state_skeleton(path, metadata)
    try:
        return _unflatten(skeleton, tensors)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError) as exc:
        raise CheckpointError(f"{path}: damaged training state ({str(exc)[:200]})") from None


def _flatten(value: Any, key: str, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(value, torch.Tensor):
        name = key or "root"
        tensors[name] = value
        return {"__tensor__": name}
    if isinstance(value, dict):
        return {"__dict__": [[k, _flatten(v, f"{key}/{k}", tensors)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_flatten(v, f"{key}/{i}", tensors) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_flatten(v, f"{key}/{i}", tensors) for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot save a {type(value).__name__} in a training state")


def _unflatten(value: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(value, dict):
        if "__tensor__" in value:
            return tensors[value["__tensor__"]]
        if "__tuple__" in value:
            return tuple(_unflatten(v, tensors) for v in value["__tuple__"])
        return {k: _unflatten(v, tensors) for k, v in value["__dict__"]}
    if isinstance(value, list):
        return [_unflatten(v, tensors) for v in value]
    return value
