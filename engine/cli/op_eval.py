"""`eval`: projection, inpainting and super-resolution PSNR on a folder of images."""

from __future__ import annotations

import json
import time

from ..errors import UserError
from ..ops.evaluate import evaluate
from ._common import add_device_args, add_json_arg
from ._op_io import load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="measure reconstruction, inpainting and SR quality on a folder of images")
    parser.add_argument("--model", default=None, help="gan model name or folder")
    parser.add_argument("--sr-model", default=None, help="sr model name or folder")
    parser.add_argument("--images", metavar="DIR", help="the folder of images to measure on")
    parser.add_argument("--max-images", type=int, default=16)
    parser.add_argument("--steps", type=int, default=100, help="projection steps for hybrid")
    parser.add_argument("--inpaint-steps", type=int, default=100)
    parser.add_argument("--training-images", metavar="DIR", default=None,
                        help="the model's training images: also measure whether samples copy them")
    add_device_args(parser)
    add_json_arg(parser)
    parser.set_defaults(handler=run_eval)


def run_eval(args) -> int:
    started = time.perf_counter()
    if args.model is None and args.sr_model is None:
        raise UserError("give --model (a gan model), --sr-model, or both")
    if args.images is None:
        raise UserError("give --images DIR, the folder of images to measure on")
    model = load(args, args.model) if args.model else None
    sr_model = load(args, args.sr_model) if args.sr_model else None
    result = run(evaluate(model, args.images, sr_model=sr_model, max_images=args.max_images,
                          steps=args.steps, inpaint_steps=args.inpaint_steps,
                          training_dir=args.training_images), args.json)
    if not args.json:
        print(json.dumps(result, indent=2))
        return 0
    report(args, {"command": "eval", **result}, started)
    return 0
