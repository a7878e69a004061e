"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
import time

import torch

from ..device import configure_threads, resolve_device
from ..jobs import Progress
from ._progress import ProgressBar


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
    """An operation's progress on stderr: JSON lines with --json, else the shared tqdm bar."""

    def __init__(self, as_json: bool = False, stream=None):
        self.as_json = as_json
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.bar = None if as_json else ProgressBar(self.stream)

    def __call__(self, progress: Progress) -> None:
        if self.bar is not None:
            self.bar.update(progress.step, progress.total, progress.message, progress.metrics)
            return
        line = {"event": "progress", "step": progress.step, "total": progress.total,
                "message": progress.message, "elapsed": round(time.perf_counter() - self.start, 3),
                "metrics": progress.metrics}
        print(json.dumps(line), file=self.stream, flush=True)

