"""`eval edits`: the edit benchmark (engine.ops.edit_bench): canonical prompts, hints,
sketch lines and warps through the real edit op; prints a table, writes a sheet."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ..imaging import save_image
from ..ops.edit_bench import edit_benchmark, format_table, sheet
from ..ops.types import EditSettings
from ._common import add_device_args, add_json_arg, print_json
from ._op_io import check_image_output, load, run

# A dataset folder as `python -m engine.datasets outdoor --out DIR` writes it.
DEFAULT_DATA = os.environ.get("MANIFOLD_DATA", "/work/data/outdoor")


def register(subparsers) -> None:
    parser = subparsers.choices["eval"]
    targets = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if targets is None:
        targets = parser.add_subparsers(dest="eval_target", metavar="TARGET")
    p = targets.add_parser("edits", help="do edits give what the strokes ask for? (edit benchmark)")
    p.add_argument("--model", required=True, help="gan model name or folder")
    p.add_argument("--data", default=DEFAULT_DATA, metavar="DIR",
                   help="dataset folder: holdout64/ (hints, realism yardstick) and train64/ "
                        f"(realism reference) (default: $MANIFOLD_DATA or {DEFAULT_DATA})")
    p.add_argument("--training-limit", type=int, default=2000)
    p.add_argument("--hints", type=int, default=8, help="held-out crops given hint strokes")
    p.add_argument("--hint-strokes", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sheet", default=None, metavar="OUT.png", help="write prompts and results")
    add_device_args(p)
    add_json_arg(p)
    p.set_defaults(handler=run_eval_edits)


def run_eval_edits(args) -> int:
    started = time.perf_counter()
    if args.sheet is not None:
        check_image_output(args.sheet)
    model = load(args)
    data = Path(args.data)
    result = run(edit_benchmark(model, data / "holdout64", data / "train64", EditSettings(),
                                hints=args.hints, hint_strokes=args.hint_strokes,
                                training_limit=args.training_limit, seed=args.seed), args.json)
    if args.sheet is not None:
        save_image(args.sheet, sheet(result.cells))
    if args.json:
        print_json({"command": "eval edits", **result.report, "sheet": args.sheet,
                    "seconds_total": round(time.perf_counter() - started, 3)})
    else:
        print(format_table(result.report))
    return 0
