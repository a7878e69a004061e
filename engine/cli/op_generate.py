"""`generate`: a gan model's random or average start image, and its latent."""

from __future__ import annotations

import time

from ..checkpoints import DEFAULT_MODEL
from ..errors import UserError
from ..imaging import save_image
from ..ops._common import gan_networks
from ..ops.generate import average_latent, generate, random_z
from ._op_io import (add_common_args, check_image_output, check_npy_output, check_outputs, load,
                     numbered, report, save_latent)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate", help="a random or the average image of a gan model, and its latent",
        description="Writes OUT.png (and OUT_1.png ... with --count); --save-z writes their "
                    "latents (K x Z), a start for `edit --z` or `interpolate`. The average "
                    "image is the editor's Average start.")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--average", action="store_true",
                       help="the model's average image (the most typical of its realistic samples)")
    which.add_argument("--seed", type=int, default=None, help="seed of the random latents")
    parser.add_argument("--count", type=int, default=1, help="how many random images (default 1)")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--save-z", default=None, metavar="Z.npy")
    add_common_args(parser, DEFAULT_MODEL)
    parser.set_defaults(handler=run_generate)


def run_generate(args) -> int:
    started = time.perf_counter()
    if args.average and args.count != 1:
        raise UserError("--average gives one image; leave out --count")
    check_image_output(args.out)
    outputs = [args.out] + [numbered(args.out, i) for i in range(1, args.count)]
    if args.save_z:
        check_npy_output(args.save_z)
    check_outputs(outputs + ([args.save_z] if args.save_z else []), [])
    model = load(args)
    generator, _, _ = gan_networks(model)
    z = average_latent(model)[None] if args.average else random_z(generator, args.count, args.seed)
    images = generate(generator, z)
    for path, image in zip(outputs, images):
        save_image(path, image)
    if args.save_z:
        save_latent(args.save_z, z)
    report(args, {"command": "generate", "start": "average" if args.average else "random",
                  "out": str(args.out), "images": [str(p) for p in outputs]}, started)
    return 0
