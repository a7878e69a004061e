"""`interpolate`: frames between two latents, rendered by a gan model."""

from __future__ import annotations

import time
from pathlib import Path

from ..checkpoints import DEFAULT_MODEL
from ..errors import UserError
from ..imaging import save_image
from ..ops._common import gan_networks
from ..ops.generate import check_latents, generate
from ..ops.interpolate import MODES, interpolate
from ._tuned import add_tuned_arg, apply_tuned
from ._op_io import add_common_args, check_outputs, load, load_latent, report, save_latent


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "interpolate", help="render frames between two latents",
        description="Writes DIR/frame_000.png ... and DIR/latents.npy (frames x Z).")
    parser.add_argument("--z0", required=True, metavar="A.npy")
    parser.add_argument("--z1", required=True, metavar="B.npy")
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--mode", choices=MODES, default="linear")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_tuned_arg(parser)
    add_common_args(parser, DEFAULT_MODEL)
    parser.set_defaults(handler=run_interpolate)


def run_interpolate(args) -> int:
    started = time.perf_counter()
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder")
    z0, z1 = load_latent(args.z0), load_latent(args.z1)
    frames = interpolate(z0, z1, frames=args.frames, mode=args.mode)
    names = [out / f"frame_{i:03d}.png" for i in range(len(frames))]
    check_outputs(names + [out / "latents.npy"], [args.z0, args.z1, args.tuned])
    model, _ = apply_tuned(args, load(args))
    generator, _, _ = gan_networks(model)
    images = generate(generator, check_latents(frames, generator.z_dim))
    for name, image in zip(names, images):
        save_image(name, image)
    save_latent(out / "latents.npy", frames)
    report(args, {"command": "interpolate", "frames": len(frames), "mode": args.mode,
                  "out": str(out)}, started)
    return 0
