"""`transfer`: apply the change between two generated images to a full-resolution photo."""

from __future__ import annotations

from ..imaging import load_rgb
from ..ops.transfer import transfer
from ._common import add_json_arg
from ._op_io import run_image_command


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "transfer", help="transfer an edit (before -> after) onto a photo",
        description="BEFORE and AFTER are the generated images before and after the edit "
                    "(model resolution); they show the photo's centre square.")
    parser.add_argument("photo", metavar="PHOTO")
    parser.add_argument("--before", required=True, metavar="B.png")
    parser.add_argument("--after", required=True, metavar="A.png")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--tile", type=int, default=256, help="rows per strip (memory bound)")
    add_json_arg(parser)
    parser.set_defaults(handler=run_transfer)


def run_transfer(args) -> int:
    return run_image_command(args, "transfer", [args.photo, args.before, args.after], lambda: transfer(
        load_rgb(args.photo), load_rgb(args.before), load_rgb(args.after), tile=args.tile))
