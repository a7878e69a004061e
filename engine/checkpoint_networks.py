"""Single-network files: one network as a self-describing .safetensors file (its weights,
and in the metadata its architecture, config and what it was made from)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
import torch.nn as nn

from . import atomic, registry
from .checkpoint_config import FORMAT_VERSION
from .checkpoint_tensors import load_state_into, load_tensors
from .errors import CheckpointError, UserError

NETWORK_METADATA = "manifold_network"  # safetensors metadata key holding the JSON description


def network_bytes(net: nn.Module, info: dict | None = None) -> bytes:
    """One network as a self-describing .safetensors payload: its weights, and in the
    metadata (JSON) its architecture, config and `info` (e.g. what it was tuned from)."""
    from safetensors.torch import save
    description = {"format_version": FORMAT_VERSION, **registry.describe(net), "info": info or {}}
    tensors = {k: v.detach().to("cpu").contiguous().clone() for k, v in net.state_dict().items()}
    return save(tensors, metadata={NETWORK_METADATA: json.dumps(description)})


def save_network(path: str | os.PathLike, net: nn.Module, info: dict | None = None) -> Path:
    """Atomically write network_bytes() to a .safetensors file."""
    path = Path(path)
    if path.suffix.lower() != ".safetensors":
        raise UserError(f"{path}: a network file must end in .safetensors")
    atomic.write_bytes(path, network_bytes(net, info))
    return path


def load_network(path: str | os.PathLike,
                 device: torch.device | str = "cpu") -> tuple[nn.Module, dict]:
    """(network in eval mode, its info) from a save_network() file, validated like a model
    folder's weights: no pickles, a known architecture, every tensor present, shaped and finite."""
    tensors, metadata = load_tensors(path)
    try:
        description = json.loads(metadata[NETWORK_METADATA])
    except (KeyError, ValueError):
        raise CheckpointError(f"{path}: not a network file (no {NETWORK_METADATA} description)") \
            from None
    if not isinstance(description, dict) or not isinstance(description.get("config"), dict) \
            or not isinstance(description.get("arch"), str) \
            or not isinstance(description.get("info", {}), dict):
        raise CheckpointError(f"{path}: damaged network description")
    version = description.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise CheckpointError(f"{path}: unknown network file version {version!r}; "
                              f"this program reads up to {FORMAT_VERSION}")
    try:
        net = registry.build(description["arch"], description["config"])
    except UserError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    load_state_into(net, tensors, str(path))
    return net.to(device).eval(), description.get("info", {})
