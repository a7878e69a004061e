"""`translate`: image-to-image translation with a pix2pix or cyclegan model."""

from __future__ import annotations

from ..hint_maps import hint_count, load_hints
from ..imaging import load_rgb
from ..ops.colorize import WORK_SIDE
from ..ops.translate import DIRECTIONS, LIGHTNESS, PREPARES, translate
from ._op_io import add_common_args, load, run_image_command


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "translate", help="translate an image with a pix2pix or cyclegan model",
        description="prepare=auto applies a pix2pix model's input transform (edges, gray) "
                    "unless the image already looks like such an input. A colourising model "
                    "keeps the image's own lightness and size and predicts colour at "
                    "--work-size pixels on the long side; so does a model whose domains differ "
                    "in colour only (config \"output\": \"chroma\", e.g. green2warm), keeping "
                    "only the chroma of its answer (--lightness).")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--direction", choices=DIRECTIONS, default="ab")
    parser.add_argument("--prepare", choices=PREPARES, default="auto")
    parser.add_argument("--work-size", type=int, metavar="PIXELS",
                        help=f"colourising models and --lightness keep: long side the colour "
                             f"is predicted at (default {WORK_SIDE})")
    parser.add_argument("--lightness", choices=LIGHTNESS, default="auto",
                        help="keep: the image keeps its lightness and takes only the model's "
                             "chroma; model: the model's own RGB; auto (default): keep for "
                             "models whose config says \"output\": \"chroma\"")
    parser.add_argument("--hints", metavar="HINTS.png",
                        help="colourising models: colour hints, a transparent image of the "
                             "image's size whose opaque pixels are the colours wanted there")
    add_common_args(parser)
    parser.set_defaults(handler=run_translate)


def run_translate(args) -> int:
    hint_info = {}   # filled when the hints are read; reported with the result (--json)

    def op():
        image = load_rgb(args.image)
        hints = None
        if args.hints is not None:
            hints = load_hints(args.hints, image.shape[1], image.shape[0])
            hint_info.update(file=str(args.hints), pixels=hint_count(hints))
        return translate(load(args), image, direction=args.direction, prepare=args.prepare,
                         work_side=args.work_size, hints=hints, lightness=args.lightness)

    inputs = [args.image] + ([args.hints] if args.hints else [])
    return run_image_command(args, "translate", inputs, op, direction=args.direction,
                             hints=hint_info)
