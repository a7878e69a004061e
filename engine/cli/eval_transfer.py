"""`eval-transfer`: how well the edit transfer keeps held-out photos real (engine.ops.transfer_eval)."""

from __future__ import annotations

import json
import time

from ..checkpoints import DEFAULT_MODEL
from ..ops.transfer_eval import evaluate_transfer
from ._common import add_device_args, add_json_arg
from ._op_io import load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval-transfer", help="measure the edit transfer on held-out photos with synthetic strokes",
        description="Projects each photo, makes a colour-stroke and a warp edit, transfers both "
                    "with the new and the baseline transfer, and prints SSIM outside the strokes' "
                    "margin, structure inside it, stroke colour miss, and 12 MP time and memory.")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="gan model name or folder")
    parser.add_argument("--images", required=True, metavar="DIR", help="held-out photos")
    parser.add_argument("--max-images", type=int, default=4)
    parser.add_argument("--steps", type=int, default=100, help="projection steps")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs on the large photo")
    parser.add_argument("--large-mp", type=float, default=12.0, help="megapixels of the timed photo")
    parser.add_argument("--sheet", metavar="OUT.png", default=None,
                        help="write a sheet: photo, G(z0), G(z1), baseline, new")
    parser.add_argument("--cache", metavar="DIR", default=None,
                        help="keep each case's generated images here; a rerun reuses them")
    add_device_args(parser)
    add_json_arg(parser)
    parser.set_defaults(handler=run_eval_transfer)


def run_eval_transfer(args) -> int:
    started = time.perf_counter()
    model = load(args)
    result = run(evaluate_transfer(model, args.images, max_images=args.max_images, steps=args.steps,
                                   sheet=args.sheet, repeats=args.repeats,
                                   large_megapixels=args.large_mp, cache=args.cache), args.json)
    if not args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "per_case"}, indent=2))
        for case in result["per_case"]:
            print(json.dumps(case))
        return 0
    report(args, {"command": "eval-transfer", **result}, started)
    return 0
