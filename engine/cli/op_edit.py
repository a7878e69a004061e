"""`edit`: iGAN's constrained edit from stroke images, writing the best candidates."""

from __future__ import annotations

import time

import cv2
import numpy as np

from ..checkpoints import DEFAULT_MODEL
from ..errors import UserError
from ..imaging import load_image, load_mask, save_image
from ..ops._common import gan_networks, image_size_of
from ..ops.edit import edit
from ..ops.types import EditConstraints, EditSettings, Warp
from ._tuned import add_tuned_arg, apply_tuned
from ._op_io import (add_common_args, check_image_output, check_npy_output, check_outputs, load,
                     load_latent, numbered, report, run, save_latent)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "edit", help="edit on the manifold: colour strokes, sketch lines, warps",
        description="Stroke images are square; other sizes than the model's are resized "
                    "(nearest). Writes OUT.png (the best) and OUT_1.png ... (the other "
                    "candidates, in order); --save-z writes all their latents (K x Z), best first.")
    parser.add_argument("--z", default=None, metavar="Z.npy",
                        help="the current latent (a vector, or the first row of K x Z)")
    parser.add_argument("--strokes", default=None, metavar="STROKES.png",
                        help="colour strokes: RGBA, alpha marks the strokes (or use --strokes-mask)")
    parser.add_argument("--strokes-mask", default=None, metavar="MASK.png",
                        help="white pixels mark the strokes of an RGB --strokes image")
    parser.add_argument("--sketch", default=None, metavar="SKETCH.png",
                        help="sketch lines: opaque pixels (with alpha) or dark pixels")
    parser.add_argument("--warp", action="append", default=[], metavar="x0,y0,x1,y1,size",
                        help="move the patch at (x0,y0) to (x1,y1), model pixels (repeatable)")
    parser.add_argument("--out", required=True, metavar="OUT.png")
    parser.add_argument("--save-z", default=None, metavar="Z.npy")
    defaults = EditSettings()
    parser.add_argument("--candidates", type=int, default=defaults.candidates)
    parser.add_argument("--starts", type=int, default=defaults.starts)
    parser.add_argument("--steps", type=int, default=defaults.steps)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    add_tuned_arg(parser)
    add_common_args(parser, DEFAULT_MODEL)
    parser.set_defaults(handler=run_edit)


def parse_warp(text: str) -> Warp:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 5:
        raise UserError(f"--warp {text!r}: expected five numbers x0,y0,x1,y1,size")
    return Warp(*values)


def _to_model_size(array: np.ndarray, size: int, what: str, path: str) -> np.ndarray:
    height, width = array.shape[:2]
    if height != width:
        raise UserError(f"{path}: {what} must be square (the model is {size}x{size}), "
                        f"got {width}x{height}")
    if height == size:
        return array
    return cv2.resize(array, (size, size), interpolation=cv2.INTER_NEAREST)


def load_strokes(path: str, mask_path: str | None, size: int) -> tuple[np.ndarray, np.ndarray]:
    loaded = load_image(path)
    if mask_path is not None:
        mask = load_mask(mask_path, shape=loaded.rgb.shape[:2])
    elif loaded.alpha is not None and loaded.alpha.min() < 255:
        mask = loaded.alpha >= 128
    else:
        raise UserError(f"{path}: has no transparent pixels, so it cannot mark where the strokes "
                        "are; save it with alpha or give --strokes-mask")
    color = _to_model_size(loaded.rgb, size, "strokes", path)
    mask = _to_model_size(mask.astype(np.uint8), size, "strokes", path).astype(bool)
    return color, mask


def load_sketch(path: str, size: int) -> np.ndarray:
    loaded = load_image(path)
    if loaded.alpha is not None and loaded.alpha.min() < 255:
        lines = loaded.alpha >= 128
    else:
        lines = loaded.rgb.mean(axis=2) < 128
    height, width = lines.shape
    if height != width:
        raise UserError(f"{path}: sketch must be square, got {width}x{height}")
    if height == size:
        return lines
    # area coverage keeps thin lines that nearest-neighbour shrinking would drop
    return cv2.resize(lines.astype(np.float32), (size, size), interpolation=cv2.INTER_AREA) > 0.1


def run_edit(args) -> int:
    started = time.perf_counter()
    if args.strokes is None and args.sketch is None and not args.warp:
        raise UserError("nothing to edit: give --strokes, --sketch or --warp")
    if args.strokes_mask is not None and args.strokes is None:
        raise UserError("--strokes-mask needs --strokes (the colours)")
    check_image_output(args.out)
    if args.save_z:
        check_npy_output(args.save_z)
    if args.candidates < 1:
        raise UserError(f"--candidates must be at least 1, got {args.candidates}")
    outputs = [args.out] + [numbered(args.out, i) for i in range(1, args.candidates)]
    check_outputs(outputs + ([args.save_z] if args.save_z else []),
                  [args.z, args.strokes, args.strokes_mask, args.sketch, args.tuned])
    warps = [parse_warp(text) for text in args.warp]
    z0 = load_latent(args.z) if args.z else None
    model, pivot = apply_tuned(args, load(args))
    if z0 is None and pivot is not None:
        z0 = pivot  # a tuned generator edits its photo: from the pivot, fixed
    generator, _, _ = gan_networks(model)
    size = image_size_of(generator)
    constraints = EditConstraints(warps=warps)
    if args.strokes:
        constraints.color, constraints.color_mask = load_strokes(args.strokes, args.strokes_mask, size)
    if args.sketch:
        constraints.sketch_mask = load_sketch(args.sketch, size)
    settings = EditSettings(starts=args.starts, candidates=args.candidates, steps=args.steps,
                            seed=args.seed)
    result = run(edit(model, constraints, z0=z0, settings=settings), args.json)
    written = []
    for index, image in enumerate(result.images):
        path = args.out if index == 0 else numbered(args.out, index)
        save_image(path, image)
        written.append(str(path))
    if args.save_z:
        save_latent(args.save_z, result.z)
    report(args, {"command": "edit", "costs": [round(float(c), 5) for c in result.costs],
                  "steps": result.steps, "seconds": round(result.seconds, 3), "out": written,
                  "z": args.save_z}, started)
    return 0
