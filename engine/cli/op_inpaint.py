"""`inpaint`: fill a masked region with a gan model's best guess."""

from __future__ import annotations

import time

from ..checkpoints import DEFAULT_MODEL
from ..imaging import load_mask, load_rgb, save_image
from ..ops.inpaint import BLENDS, inpaint
from ._tuned import add_tuned_arg, apply_tuned
from ._op_io import add_common_args, check_image_output, check_outputs, load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "inpaint", help="fill a masked region of an image",
        description="MASK is an image of the same size: white (or opaque) pixels mark the hole.")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--mask", required=True, metavar="MASK.png")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--blend", choices=BLENDS, default="poisson")
    parser.add_argument("--seed", type=int, default=0)
    add_tuned_arg(parser)
    add_common_args(parser, DEFAULT_MODEL)
    parser.set_defaults(handler=run_inpaint)


def run_inpaint(args) -> int:
    started = time.perf_counter()
    check_image_output(args.out)
    check_outputs([args.out], [args.image, args.mask, args.tuned])
    image = load_rgb(args.image)
    mask = load_mask(args.mask, shape=image.shape[:2])
    model, _ = apply_tuned(args, load(args))
    result = run(inpaint(model, image, mask, steps=args.steps, blend=args.blend, seed=args.seed),
                 args.json)
    save_image(args.out, result)
    report(args, {"command": "inpaint", "hole_pixels": int(mask.sum()), "out": args.out}, started)
    return 0
