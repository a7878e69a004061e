"""`project`: find the latent whose image best matches a photo (and, with --method pti,
tune a copy of the generator on it)."""

from __future__ import annotations

import time
from pathlib import Path

from ..checkpoints import DEFAULT_MODEL
from ..errors import UserError
from ..imaging import load_rgb, save_image
from ..ops.project import METHODS, best_method, project
from ..ops.tune import TuneSettings, save_tuned, tune
from ._op_io import (add_common_args, check_image_output, check_npy_output, check_outputs, load,
                     report, run, save_latent)

PTI = "pti"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "project", help="project a photo onto a gan model's manifold",
        description="Find z with G(z) close to IMAGE (centre square, resized to the model). "
                    "Writes the reconstruction and, with --save-z, the latent. --method pti "
                    "(pivotal tuning) projects with hybrid, then tunes a copy of the generator "
                    "on the photo and writes it (--save-tuned) for the other commands' --tuned.")
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--out", required=True, help="reconstruction image (e.g. OUT.png)")
    parser.add_argument("--method", choices=METHODS + (PTI,), default="hybrid")
    parser.add_argument("--tune", action="store_true", help="the same as --method pti")
    parser.add_argument("--steps", type=int, default=None,
                        help="optimisation steps (default 100; the encoder method uses none)")
    parser.add_argument("--tune-steps", type=int, default=TuneSettings.steps,
                        help=f"generator tuning steps for pti (default {TuneSettings.steps})")
    parser.add_argument("--save-z", default=None, metavar="Z.npy", help="save the latent")
    parser.add_argument("--save-tuned", default=None, metavar="G.safetensors",
                        help="where pti writes the tuned generator (default: OUT with the "
                             "suffix .tuned.safetensors)")
    parser.add_argument("--seed", type=int, default=0)
    add_common_args(parser, DEFAULT_MODEL)
    parser.set_defaults(handler=run_project)


def run_project(args) -> int:
    started = time.perf_counter()
    pti = args.tune or args.method == PTI
    check_image_output(args.out)
    tuned_path = None
    if pti:
        tuned_path = Path(args.save_tuned) if args.save_tuned else \
            Path(args.out).with_suffix(".tuned.safetensors")
        if tuned_path.suffix.lower() != ".safetensors":
            raise UserError(f"{tuned_path}: a tuned generator is saved as a .safetensors file")
    elif args.save_tuned:
        raise UserError("--save-tuned needs --method pti (or --tune)")
    outputs = [args.out] + ([args.save_z] if args.save_z else []) + ([tuned_path] if pti else [])
    if args.save_z:
        check_npy_output(args.save_z)
    check_outputs(outputs, [args.image])
    image = load_rgb(args.image)
    model = load(args)
    method = args.method
    if pti:
        method = best_method(model)
    result = run(project(model, image, method=method, steps=args.steps, seed=args.seed),
                 args.json)
    data = {"command": "project", "method": result.method, "start": result.start,
            "psnr": round(result.psnr, 3), "steps": result.steps,
            "seconds": round(result.seconds, 3)}
    reconstruction = result.image
    if pti:
        tuned = run(tune(model, image, result.z, settings=TuneSettings(steps=args.tune_steps,
                                                             seed=args.seed)), args.json)
        save_tuned(tuned_path, model, tuned)
        reconstruction = tuned.image
        data.update(method=PTI, projection_psnr=data["psnr"], psnr=round(tuned.psnr, 3),
                    tune_steps=tuned.steps, tune_seconds=round(tuned.seconds, 3),
                    tuned=str(tuned_path))
    save_image(args.out, reconstruction)
    if args.save_z:
        save_latent(args.save_z, result.z)
    report(args, {**data, "out": args.out, "z": args.save_z}, started)
    return 0
