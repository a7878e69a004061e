"""`upscale`: super-resolve an image with an sr model, tile by tile."""

from __future__ import annotations

import time

from ..imaging import load_rgb, save_image
from ..ops.upscale import upscale
from ._op_io import add_common_args, check_image_output, check_outputs, load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser("upscale", help="super-resolve an image with an sr model")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--tile", type=int, default=128, help="tile side in input pixels")
    parser.add_argument("--overlap", type=int, default=8, help="context pixels around each tile")
    add_common_args(parser)
    parser.set_defaults(handler=run_upscale)


def run_upscale(args) -> int:
    started = time.perf_counter()
    check_image_output(args.out)
    check_outputs([args.out], [args.image])
    image = load_rgb(args.image)
    model = load(args)
    result = run(upscale(model, image, tile=args.tile, overlap=args.overlap), args.json)
    save_image(args.out, result)
    report(args, {"command": "upscale", "width": result.shape[1], "height": result.shape[0],
                  "out": args.out}, started)
    return 0
