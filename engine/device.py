"""Device choice, made once: an explicit name, else $MANIFOLD_DEVICE, else cuda > mps > cpu.

The one vocabulary for every command line and the editor: auto, cpu, cuda, cuda:N, mps.
`parse_device` checks the spelling (no torch call, so it can run inside argparse);
`resolve_device` also checks that the device is there. Both raise UserError.
"""

from __future__ import annotations

import os
import re

import torch

from .errors import UserError

DEVICE_ENV = "MANIFOLD_DEVICE"
THREADS_ENV = "MANIFOLD_THREADS"
CHOICES = ("auto", "cpu", "cuda", "mps")
VOCABULARY = "auto, cpu, cuda, cuda:N (N = 0, 1, ...) or mps"
MAX_THREADS = 1024
_NAME = re.compile(r"(auto|cpu|cuda|mps)(?::(\d{1,3}))?")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def parse_device(name: str, origin: str = "") -> str:
    """The normalised device name ('CUDA:01' -> 'cuda:1'), or a UserError naming `origin`."""
    text = str(name).strip().lower()
    match = _NAME.fullmatch(text)
    if match is None or (match.group(2) is not None and match.group(1) != "cuda"):
        where = f"{origin}: " if origin else ""
        raise UserError(f"{where}unknown device '{name}': choose {VOCABULARY}")
    base, index = match.groups()
    return base if index is None else f"{base}:{int(index)}"


def check_available(name: str) -> None:
    """Raise UserError when the (parsed) device is not on this machine."""
    base, _, index = name.partition(":")
    if base == "cuda":
        if not torch.cuda.is_available():
            raise UserError(f"device '{name}' asked for, but this PyTorch build sees no CUDA GPU "
                            "(install a CUDA build of torch, see README 'Using a GPU')")
        count = torch.cuda.device_count()
        if index and int(index) >= count:
            raise UserError(f"device '{name}' asked for, but this machine has {count} CUDA "
                            f"GPU{'s' if count != 1 else ''} (cuda:0 to cuda:{count - 1})")
    if base == "mps" and not _mps_available():
        raise UserError(f"device '{name}' asked for, but Metal (mps) is not available here")


def unavailable_reason(name: str) -> str | None:
    """Why the device cannot be used here (the message resolve_device would raise), or None."""
    try:
        check_available(parse_device(name))
    except UserError as exc:
        return str(exc)
    return None


def resolve_device(name: str | None = None) -> torch.device:
    if name:
        name = parse_device(name)
    elif os.environ.get(DEVICE_ENV, "").strip():
        name = parse_device(os.environ[DEVICE_ENV], f"${DEVICE_ENV}")
    else:
        name = "auto"
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    check_available(name)
    return torch.device(name)


def menu_devices() -> list[str]:
    """What a device menu offers: the vocabulary, with cuda:N per GPU when there are several."""
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    return ["auto", "cpu", "cuda", *(f"cuda:{i}" for i in range(count) if count > 1), "mps"]


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads from the argument or $MANIFOLD_THREADS; returns the count."""
    value = threads if threads is not None else os.environ.get(THREADS_ENV)
    if value not in (None, ""):
        try:
            count = int(value)
        except ValueError:
            raise UserError(f"{THREADS_ENV} must be a whole number, got '{value}'") from None
        if not 1 <= count <= MAX_THREADS:
            raise UserError(f"thread count must be between 1 and {MAX_THREADS}, got {count}")
        torch.set_num_threads(count)
    return torch.get_num_threads()


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return device.type
