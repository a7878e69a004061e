"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
import time

import torch

from ..device import configure_threads, describe, resolve_device
from ..jobs import Progress


def add_device_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default=None,
                        help="auto (default; cuda, then mps, then cpu), cpu, cuda, cuda:N or mps; "
                             "also $MANIFOLD_DEVICE")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for torch (default: torch's choice; also $MANIFOLD_THREADS)")


def add_json_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def setup_device(args: argparse.Namespace) -> torch.device:
    configure_threads(getattr(args, "threads", None))
    return resolve_device(getattr(args, "device", None))


def print_json(data: object) -> None:
    print(json.dumps(data, indent=None, default=str), flush=True)


class ProgressPrinter:
    """One-line progress with ETA on stderr (a terminal), or JSON lines (with --json)."""

    def __init__(self, as_json: bool = False, stream=None):
        self.as_json = as_json
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()

    def __call__(self, progress: Progress) -> None:
        elapsed = time.perf_counter() - self.start
        if self.as_json:
            line = {"event": "progress", "step": progress.step, "total": progress.total,
                    "message": progress.message, "elapsed": round(elapsed, 3),
                    "metrics": progress.metrics}
            print(json.dumps(line), file=self.stream, flush=True)
            return
        eta = elapsed / progress.step * (progress.total - progress.step) if progress.step else 0.0
        metrics = " ".join(f"{k}={v:.4g}" for k, v in progress.metrics.items())
        bar = "#" * int(20 * progress.fraction)
        self.stream.write(f"\r[{bar:<20}] {progress.step}/{progress.total} "
                          f"{elapsed:5.1f}s eta {eta:5.1f}s {progress.message} {metrics}   ")
        if progress.step >= progress.total:
            self.stream.write("\n")
        self.stream.flush()


def device_line(device: torch.device) -> str:
    return describe(device)
