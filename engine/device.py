"""Device choice, made once: an explicit name, else $MANIFOLD_DEVICE, else cuda > mps > cpu."""

from __future__ import annotations

import os

import torch

from .errors import UserError

DEVICE_ENV = "MANIFOLD_DEVICE"
THREADS_ENV = "MANIFOLD_THREADS"
CHOICES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def resolve_device(name: str | None = None) -> torch.device:
    name = (name or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
    base = name.split(":")[0]
    if base not in CHOICES:
        raise UserError(f"unknown device '{name}': choose one of {', '.join(CHOICES)} (e.g. cuda:1)")
    if base == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if base == "cuda" and not torch.cuda.is_available():
        raise UserError("device 'cuda' asked for, but this PyTorch build sees no CUDA GPU "
                        "(install a CUDA build of torch, see README 'Using a GPU')")
    if base == "mps" and not _mps_available():
        raise UserError("device 'mps' asked for, but Metal is not available here")
    return torch.device(name)


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads from the argument or $MANIFOLD_THREADS; returns the count."""
    value = threads if threads is not None else os.environ.get(THREADS_ENV)
    if value not in (None, ""):
        try:
            count = int(value)
        except ValueError:
            raise UserError(f"{THREADS_ENV} must be a whole number, got '{value}'") from None
        if count < 1:
            raise UserError(f"thread count must be at least 1, got {count}")
        torch.set_num_threads(count)
    return torch.get_num_threads()


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type
