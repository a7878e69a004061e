"""`project`: find the latent whose image best matches a photo."""

from __future__ import annotations

import time

from ..checkpoints import DEFAULT_MODEL
from ..imaging import load_rgb, save_image
from ..ops.project import METHODS, project
from ._op_io import (add_common_args, check_image_output, check_npy_output, check_outputs, load,
                     report, run, save_latent)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "project", help="project a photo onto a gan model's manifold",
        description="Find z with G(z) close to IMAGE (centre square, resized to the model). "
                    "Writes the reconstruction and, with --save-z, the latent.")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--out", required=True, help="reconstruction image (e.g. OUT.png)")
    parser.add_argument("--method", choices=METHODS, default="hybrid")
    parser.add_argument("--steps", type=int, default=None,
                        help="optimisation steps (default 100; the encoder method uses none)")
    parser.add_argument("--save-z", default=None, metavar="Z.npy", help="save the latent")
    parser.add_argument("--seed", type=int, default=0)
    add_common_args(parser, DEFAULT_MODEL)
    parser.set_defaults(handler=run_project)


def run_project(args) -> int:
    started = time.perf_counter()
    check_image_output(args.out)
    outputs = [args.out] + ([args.save_z] if args.save_z else [])
    if args.save_z:
        check_npy_output(args.save_z)
    check_outputs(outputs, [args.image])
    image = load_rgb(args.image)
    model = load(args)
    result = run(project(model, image, method=args.method, steps=args.steps, seed=args.seed),
                 args.json)
    save_image(args.out, result.image)
    if args.save_z:
        save_latent(args.save_z, result.z)
    report(args, {"command": "project", "method": result.method, "start": result.start,
                  "psnr": round(result.psnr, 3),
                  "steps": result.steps, "seconds": round(result.seconds, 3), "out": args.out,
                  "z": args.save_z}, started)
    return 0
