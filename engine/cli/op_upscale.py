"""`upscale`: super-resolve an image with an sr model, tile by tile."""

from __future__ import annotations

from ..imaging import load_rgb
from ..ops.upscale import upscale
from ._op_io import add_common_args, load, run_image_command


def register(subparsers) -> None:
    parser = subparsers.add_parser("upscale", help="super-resolve an image with an sr model")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--tile", type=int, default=128, help="tile side in input pixels")
    parser.add_argument("--overlap", type=int, default=None,
                        help="context pixels around each tile (default: the net's receptive "
                             "field, at least 8)")
    add_common_args(parser)
    parser.set_defaults(handler=run_upscale)


def run_upscale(args) -> int:
    return run_image_command(args, "upscale", [args.image], lambda: upscale(
        load(args), load_rgb(args.image), tile=args.tile, overlap=args.overlap))
