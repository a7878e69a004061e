"""Upper (and lower) bounds on the CLI's numeric options, checked before a command runs.

Beyond these, an option asks for hours of work or gigabytes of memory (`--starts 10**9`
allocates a batch of a billion latents), or overflows where torch or OpenCV take C ints.
One table, by argparse destination, for every subcommand that has the option.
"""

from __future__ import annotations

import argparse
import math

from ..errors import UserError

INT_BOUNDS: dict[str, tuple[int, int]] = {
    "starts": (1, 1024), "candidates": (1, 1024), "steps": (0, 100_000),
    "inpaint_steps": (0, 100_000), "tune_steps": (0, 100_000), "frames": (1, 10_000),
    "threads": (1, 1024), "tile": (8, 8192), "overlap": (0, 1024), "iters": (1, 10 ** 8),
    "batch": (1, 65_536), "width": (1, 4096), "blocks": (1, 256), "z_dim": (1, 65_536),
    "size": (1, 65_536), "sample_every": (1, 10 ** 8), "log_every": (1, 10 ** 8),
    "max_images": (1, 1_000_000), "repeats": (1, 10_000), "warmup": (0, 10_000),
    "hints": (0, 1_000_000), "hint_strokes": (0, 10_000), "training_limit": (1, 10 ** 7),
    "seed": (0, 2 ** 63 - 1), "strokes": (0, 1000), "count": (1, 256),
}
FLOAT_BOUNDS: dict[str, tuple[float, float]] = {
    "checkpoint_every": (1e-3, 1e7), "lr": (1e-12, 1e3), "margin": (0.0, 1e6),
    "large_mp": (0.01, 64.0),
}


def check_args(args: argparse.Namespace) -> None:
    """A clear UserError naming the option for any value outside its bounds."""
    for name, value in vars(args).items():
        if value is None or isinstance(value, bool):
            continue
        option = "--" + name.replace("_", "-")
        if name in INT_BOUNDS and isinstance(value, int):
            low, high = INT_BOUNDS[name]
            if not low <= value <= high:
                raise UserError(f"{option} must be from {low} to {high:,}, got {value}")
        elif name in FLOAT_BOUNDS and isinstance(value, float):
            low, high = FLOAT_BOUNDS[name]
            if not (math.isfinite(value) and low <= value <= high):
                raise UserError(f"{option} must be from {low:g} to {high:g}, got {value}")
