"""`eval-fill`: the learned fill vs OpenCV Telea (and the GAN-prior fill) on held-out photos."""

from __future__ import annotations

import json
import time

from ..checkpoints import DEFAULT_MODEL
from ..imaging import save_image
from ..ops.evaluate import list_images
from ..ops.fill import DEFAULT_FILL_MODEL
from ..ops.fill_eval import evaluate_fill
from ._common import add_device_args, add_json_arg
from ._op_io import check_image_output, load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval-fill", help="measure the learned fill against Telea on held-out photos",
        description="Fills a centred box and free-form strokes in each photo with Telea, the "
                    "learned fill and (unless --gan none) the GAN-prior fill; prints PSNR inside "
                    "the hole and the time to fill a 200x200 hole in a 12 MP photo.")
    parser.add_argument("--model", default=DEFAULT_FILL_MODEL, help="fill model name or folder")
    parser.add_argument("--gan", default=DEFAULT_MODEL,
                        help="gan model for the GAN-prior fill, or 'none' to leave it out")
    parser.add_argument("--images", required=True, metavar="DIR", help="held-out photos")
    parser.add_argument("--max-images", type=int, default=4)
    parser.add_argument("--strokes", type=int, default=2, help="free-form masks per photo")
    parser.add_argument("--steps", type=int, default=100, help="GAN-prior fill steps")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs on the large photo")
    parser.add_argument("--large-mp", type=float, default=12.0, help="megapixels of the timed photo")
    parser.add_argument("--sheet", metavar="OUT.png", default=None,
                        help="write a sheet: photo, hole, Telea, GAN fill, learned fill")
    add_device_args(parser)
    add_json_arg(parser)
    parser.set_defaults(handler=run_eval_fill)


def run_eval_fill(args) -> int:
    started = time.perf_counter()
    if args.sheet:
        check_image_output(args.sheet)
    list_images(args.images, args.max_images)   # a bad folder is named before models load
    model = load(args)
    gan = None if args.gan == "none" else load(args, args.gan)
    result = run(evaluate_fill(model, args.images, gan=gan, max_images=args.max_images,
                               strokes=args.strokes, gan_steps=args.steps,
                               megapixels=args.large_mp, repeats=args.repeats), args.json)
    sheet = result.pop("sheet")
    if args.sheet:
        save_image(args.sheet, sheet)
    if not args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "per_case"}, indent=2))
        for case in result["per_case"]:
            print(json.dumps(case))
        return 0
    report(args, {"command": "eval-fill", **result}, started)
    return 0
