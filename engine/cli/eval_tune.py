"""`eval-tune`: pivotal tuning on a folder of held-out crops (engine.ops.tune_eval)."""

from __future__ import annotations

import json
import time

from ..checkpoints import DEFAULT_MODEL
from ..ops.tune import TuneSettings
from ..ops.tune_eval import evaluate_tuning
from ._common import add_device_args, add_json_arg
from ._op_io import load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval-tune", help="measure pivotal tuning: PSNR, time, locality, edits on the tuned generator")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="gan model name or folder")
    parser.add_argument("--images", required=True, metavar="DIR", help="held-out crops")
    parser.add_argument("--max-images", type=int, default=16)
    parser.add_argument("--steps", type=int, default=100, help="projection steps")
    parser.add_argument("--tune-steps", type=int, default=TuneSettings.steps)
    parser.add_argument("--no-edits", action="store_true", help="skip the edit comparison")
    add_device_args(parser)
    add_json_arg(parser)
    parser.set_defaults(handler=run_eval_tune)


def run_eval_tune(args) -> int:
    started = time.perf_counter()
    model = load(args)
    result = run(evaluate_tuning(model, args.images, max_images=args.max_images,
                                 projection_steps=args.steps,
                                 settings=TuneSettings(steps=args.tune_steps),
                                 edits=not args.no_edits), args.json)
    if not args.json:
        print(json.dumps(result, indent=2))
        return 0
    report(args, {"command": "eval-tune", **result}, started)
    return 0
