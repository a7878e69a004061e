"""Tensor files: writing and reading .safetensors (never a pickle), checking a file's header
against a network before anything is allocated, and copying tensors into a module."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import save_file

from . import atomic
from .errors import CheckpointError

PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin", ".tar")

# dtypes a weight file may hold: the float types this program writes (integer counters such
# as BatchNorm's num_batches_tracked stay int64).
_FLOAT_DTYPES = {"F32", "F16", "BF16"}
_INT_DTYPES = {"I64"}
_MAX_HEADER_BYTES = 16 * 1024 * 1024


def refuse_pickle(path: Path) -> None:
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise CheckpointError(
            f"{path}: refusing to load '{path.suffix}' file: it is a Python pickle, and loading a "
            "pickle can run arbitrary code. Only .safetensors weights with a config.json are accepted.")


def save_tensors(path: str | os.PathLike, tensors: dict[str, torch.Tensor],
                 metadata: dict[str, str] | None = None, dtype: torch.dtype | None = None) -> None:
    """Atomically write tensors to a .safetensors file (floating tensors cast to `dtype` if given)."""
    prepared = {}
    for name, tensor in tensors.items():
        tensor = tensor.detach().to("cpu")
        if dtype is not None and tensor.is_floating_point():
            tensor = tensor.to(dtype)
        prepared[name] = tensor.contiguous().clone()
    with atomic.atomic_path(path) as tmp:
        save_file(prepared, str(tmp), metadata=metadata)


def load_tensors(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    path = Path(path)
    refuse_pickle(path)
    if path.suffix.lower() != ".safetensors":
        raise CheckpointError(f"{path}: not a .safetensors file")
    if not path.is_file():
        raise CheckpointError(f"{path}: file not found")
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
            tensors = {name: f.get_tensor(name) for name in f.keys()}
    except Exception as exc:  # safetensors raises several types for damaged files
        raise CheckpointError(f"{path}: damaged or not a safetensors file ({exc})") from None
    return tensors, metadata


def load_state_into(module: nn.Module, tensors: dict[str, torch.Tensor], source: str) -> None:
    """Copy tensors into a module; every missing, extra or wrongly shaped tensor is named."""
    expected = module.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    wrong = [f"{k} {tuple(tensors[k].shape)} (expected {tuple(v.shape)})"
             for k, v in expected.items() if k in tensors and tensors[k].shape != v.shape]
    _refuse_mismatch(source, _mismatches(missing, unexpected, wrong))
    converted = {k: tensors[k].to(dtype=v.dtype) for k, v in expected.items()}
    for name, tensor in converted.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise CheckpointError(f"{source}: tensor {name} contains NaN or infinity")
    module.load_state_dict(converted)


def read_header(path: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """name -> (safetensors dtype, shape), from the file's header only."""
    refuse_pickle(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: file not found")
    try:
        with open(path, "rb") as f:
            length = int.from_bytes(f.read(8), "little")
            if not 2 <= length <= min(_MAX_HEADER_BYTES, path.stat().st_size - 8):
                raise ValueError(f"header length {length}")
            header = json.loads(f.read(length))
        return {name: (str(v["dtype"]), tuple(int(d) for d in v["shape"]))
                for name, v in header.items() if name != "__metadata__"}
    except (OSError, ValueError, RecursionError, TypeError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"{path}: damaged or not a safetensors file ({exc})") from None


def check_header(path: Path, expected: dict[str, torch.Tensor]) -> None:
    """Names, shapes and dtypes in the file match the network `expected` describes."""
    header = read_header(path)
    missing = sorted(set(expected) - set(header))
    unexpected = sorted(set(header) - set(expected))
    wrong = [f"{k} {header[k][1]} (expected {tuple(v.shape)})"
             for k, v in expected.items() if k in header and header[k][1] != tuple(v.shape)]
    dtypes = [f"{k} is {header[k][0]}" for k, v in expected.items() if k in header
              and header[k][0] not in (_FLOAT_DTYPES if v.is_floating_point() else _INT_DTYPES)]
    problems = _mismatches(missing, unexpected, wrong)
    if dtypes:
        problems.append("wrong type " + _few(dtypes) + " (weights must be F32, F16 or BF16)")
    _refuse_mismatch(path, problems)


def _few(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _mismatches(missing: list[str], unexpected: list[str], wrong: list[str]) -> list[str]:
    labelled = (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong))
    return [f"{label} {_few(names)}" for label, names in labelled if names]


def _refuse_mismatch(source, problems: list[str]) -> None:
    if problems:
        raise CheckpointError(f"{source}: weights do not match the architecture: " + "; ".join(problems))
