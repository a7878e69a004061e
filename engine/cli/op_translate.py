"""`translate`: image-to-image translation with a pix2pix or cyclegan model."""

from __future__ import annotations

import time

from ..imaging import load_rgb, save_image
from ..ops.translate import DIRECTIONS, PREPARES, translate
from ._op_io import add_common_args, check_image_output, check_outputs, load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "translate", help="translate an image with a pix2pix or cyclegan model",
        description="prepare=auto applies a pix2pix model's input transform (edges, gray) "
                    "unless the image already looks like such an input.")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--direction", choices=DIRECTIONS, default="ab")
    parser.add_argument("--prepare", choices=PREPARES, default="auto")
    add_common_args(parser)
    parser.set_defaults(handler=run_translate)


def run_translate(args) -> int:
    started = time.perf_counter()
    check_image_output(args.out)
    check_outputs([args.out], [args.image])
    image = load_rgb(args.image)
    model = load(args)
    result = run(translate(model, image, direction=args.direction, prepare=args.prepare), args.json)
    save_image(args.out, result)
    report(args, {"command": "translate", "direction": args.direction, "out": args.out}, started)
    return 0
