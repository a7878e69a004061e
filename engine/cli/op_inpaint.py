"""`inpaint`: fill a masked region with the learned fill (default) or a gan model's best guess."""

from __future__ import annotations

import time

from ..checkpoints import DEFAULT_MODEL
from ..errors import UserError
from ..imaging import load_mask, load_rgb, save_image
from ..kinds import ModelKind
from ..ops.fill import DEFAULT_FILL_MODEL
from ..ops.inpaint import BLENDS, METHODS, inpaint
from ._common import add_device_args, add_json_arg
from ._tuned import add_tuned_arg, apply_tuned
from ._op_io import check_image_output, check_outputs, load, report, run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "inpaint", help="fill a masked region of an image",
        description="MASK is an image of the same size: white (or opaque) pixels mark the hole. "
                    f"The model's kind picks the method: a fill model (default {DEFAULT_FILL_MODEL}) "
                    f"fills in one pass; a gan model (--method gan, default {DEFAULT_MODEL}) "
                    "searches its latent space (--steps).")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--mask", required=True, metavar="MASK.png")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--method", choices=METHODS, default=None,
                        help="learned (a fill model, the default) or gan (the GAN prior); "
                             "without it, the kind of --model decides")
    parser.add_argument("--model", default=None,
                        help=f"model name or folder (default: {DEFAULT_FILL_MODEL}; "
                             f"with --method gan or --tuned: {DEFAULT_MODEL})")
    parser.add_argument("--steps", type=int, default=100, help="gan: optimisation steps")
    parser.add_argument("--blend", choices=BLENDS, default="poisson")
    parser.add_argument("--seed", type=int, default=0, help="gan: the random starts' seed")
    add_tuned_arg(parser)
    add_device_args(parser)
    add_json_arg(parser)
    parser.set_defaults(handler=run_inpaint)


def model_name(args) -> str:
    """--model, else the default model of the method asked for (--tuned means gan)."""
    if args.tuned is not None and args.method == "learned":
        raise UserError("--tuned is a tuned gan generator: it needs --method gan, not learned")
    if args.model is not None:
        return args.model
    return DEFAULT_MODEL if args.method == "gan" or args.tuned is not None else DEFAULT_FILL_MODEL


def run_inpaint(args) -> int:
    started = time.perf_counter()
    check_image_output(args.out)
    check_outputs([args.out], [args.image, args.mask, args.tuned])
    image = load_rgb(args.image)
    mask = load_mask(args.mask, shape=image.shape[:2])
    model = load(args, model_name(args))
    if args.tuned is not None:
        model.require_kind(ModelKind.GAN)
        model, _ = apply_tuned(args, model)
    result = run(inpaint(model, image, mask, steps=args.steps, blend=args.blend, seed=args.seed,
                         method=args.method), args.json)
    save_image(args.out, result)
    report(args, {"command": "inpaint", "model": model.name, "method": "learned"
                  if model.kind == ModelKind.FILL else "gan", "hole_pixels": int(mask.sum()),
                  "out": args.out}, started)
    return 0
