"""`transfer`: apply the change between two generated images to a full-resolution photo."""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from ..imaging import load_image, load_rgb
from ..ops.transfer import transfer
from ..ops.types import EditConstraints
from ._common import add_json_arg
from ._op_io import run_image_command


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "transfer", help="transfer an edit (before -> after) onto a photo",
        description="BEFORE and AFTER are the generated images before and after the edit "
                    "(model resolution); they show the photo's centre square. The change is "
                    "carried over as a colour change that keeps the photo's edges; only the "
                    "region around the strokes (or, without --strokes, where BEFORE and AFTER "
                    "differ) changes.")
    parser.add_argument("photo", metavar="PHOTO")
    parser.add_argument("--before", required=True, metavar="B.png")
    parser.add_argument("--after", required=True, metavar="A.png")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--strokes", metavar="S.png", default=None,
                        help="the colour strokes at model resolution: opaque pixels, in their colour, "
                             "on a transparent image")
    parser.add_argument("--margin", type=float, default=None,
                        help="model pixels around the strokes that may change (default: 1/8 of the side)")
    parser.add_argument("--tile", type=int, default=256, help="rows per strip (memory bound)")
    add_json_arg(parser)
    parser.set_defaults(handler=run_transfer)


def load_strokes(path: str) -> EditConstraints:
    loaded = load_image(path)
    if loaded.alpha is None:
        raise UserError(f"{path}: the strokes image needs transparency (opaque pixels are the strokes)")
    mask = loaded.alpha >= 128
    colour = np.where(mask[..., None], loaded.rgb, 0).astype(np.uint8)
    return EditConstraints(color=colour, color_mask=mask)


def run_transfer(args) -> int:
    inputs = [args.photo, args.before, args.after] + ([args.strokes] if args.strokes else [])
    return run_image_command(args, "transfer", inputs, lambda: transfer(
        load_rgb(args.photo), load_rgb(args.before), load_rgb(args.after), tile=args.tile,
        constraints=load_strokes(args.strokes) if args.strokes else None, margin=args.margin))
