"""Input/output helpers for the operation subcommands: models, latents, output-path checks."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Callable

import numpy as np

from .. import atomic, checkpoints
from ..errors import UserError
from ..imaging import SAVE_FORMATS, check_input_file, save_image
from ..latents import check_latent

MAX_LATENT_BYTES = 16 * 1024 * 1024   # a (K, Z) .npy of latents is a few kB
from ..jobs import Operation, drive
from ._common import ProgressPrinter, add_device_args, add_json_arg, print_json, setup_device


def add_common_args(parser: argparse.ArgumentParser, model_default: str | None = None) -> None:
    if model_default is None:
        parser.add_argument("--model", required=True, help="model name or folder")
    else:
        parser.add_argument("--model", default=model_default,
                            help=f"model name or folder (default: {model_default})")
    add_device_args(parser)
    add_json_arg(parser)


def load(args: argparse.Namespace, name: str | None = None) -> checkpoints.Model:
    device = setup_device(args)
    return checkpoints.load_model(name or args.model, device=device)


def check_outputs(outputs: list[str | os.PathLike], inputs: list[str | os.PathLike | None]) -> None:
    """Refuse an output that would overwrite an input, or that has no known image extension."""
    resolved_inputs = {_resolved(p): p for p in inputs if p is not None}
    for out in outputs:
        target = _resolved(out)
        if target in resolved_inputs:
            raise UserError(f"{out}: refusing to overwrite the input file {resolved_inputs[target]}; "
                            "choose another output name")
        if target.is_dir():
            raise UserError(f"{out}: is a folder, expected an output file name")


def _resolved(path: str | os.PathLike) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):   # RuntimeError: a symlink loop (Python 3.11)
        raise UserError(f"{path}: a symbolic link loop (it never reaches a file)") from None


def check_image_output(path: str | os.PathLike) -> None:
    if Path(path).suffix.lower() not in SAVE_FORMATS:
        raise UserError(f"{path}: unknown image extension; use one of {', '.join(SAVE_FORMATS)}")


def check_npy_output(path: str | os.PathLike) -> None:
    if Path(path).suffix.lower() != ".npy":
        raise UserError(f"{path}: latents are saved as .npy files")


def load_latent(path: str | os.PathLike) -> np.ndarray:
    """A latent from a .npy file: a vector, or the first row of a (K, Z) array."""
    path = check_input_file(path, "latent file")
    if path.stat().st_size > MAX_LATENT_BYTES:
        raise UserError(f"{path}: {path.stat().st_size:,} bytes is too large for a latent file")
    try:
        z = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise UserError(f"{path}: not a readable .npy latent ({exc})") from None
    if not np.issubdtype(z.dtype, np.floating) and not np.issubdtype(z.dtype, np.integer):
        raise UserError(f"{path}: latent must hold numbers, got {z.dtype}")
    if z.ndim == 2 and z.shape[0] >= 1:
        z = z[0]
    if z.ndim != 1:
        raise UserError(f"{path}: expected a latent vector, got an array of shape {z.shape}")
    return check_latent(z, str(path))


def save_latent(path: str | os.PathLike, z: np.ndarray) -> None:
    with atomic.atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            np.save(f, np.asarray(z, dtype=np.float32))


def run(op: Operation, as_json: bool):
    """Drive an operation, showing progress on stderr (JSON lines with --json, else a bar or lines)."""
    return drive(op, ProgressPrinter(as_json))


def numbered(path: str | os.PathLike, index: int) -> Path:
    """OUT.png -> OUT_1.png, OUT_2.png ..."""
    path = Path(path)
    return path.with_name(f"{path.stem}_{index}{path.suffix}")


def report(args: argparse.Namespace, data: dict, started: float) -> None:
    data = {**data, "seconds_total": round(time.perf_counter() - started, 3)}
    if args.json:
        print_json(data)
    else:
        print(" ".join(f"{k}={v}" for k, v in data.items() if not isinstance(v, (dict, list))))


def run_image_command(args: argparse.Namespace, command: str, inputs: list,
                      make_op: Callable[[], Operation], **extra) -> int:
    """The image-in, image-out commands: check the output path, load and run the operation
    (`make_op` reads the inputs), save atomically and report."""
    started = time.perf_counter()
    check_image_output(args.out)
    check_outputs([args.out], inputs)
    result = run(make_op(), args.json)
    save_image(args.out, result)
    report(args, {"command": command, **extra, "width": result.shape[1],
                  "height": result.shape[0], "out": args.out}, started)
    return 0
