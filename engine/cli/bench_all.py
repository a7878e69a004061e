"""`bench` with no target: the interactive-editing benchmark over the default models."""

from __future__ import annotations

from .. import checkpoints
from ._common import add_device_args, add_json_arg, print_json, setup_device
from .bench_train import bench_subparsers

DEFAULT_SR = "sr-x4"


def register(subparsers) -> None:
    bench_subparsers(subparsers)
    parser = subparsers.choices["bench"]
    parser.add_argument("--model", default=checkpoints.DEFAULT_MODEL, help="gan model to measure")
    parser.add_argument("--sr-model", default=DEFAULT_SR, help="super-resolution model to measure")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per number (median)")
    parser.add_argument("--photo", help="a photo crop to project (default: a synthetic smooth "
                                        "scene, since no photo ships with the code)")
    parser.add_argument("--only", default=None,
                        help="comma-separated sections: edit,projection,training,upscale,transfer")
    add_device_args(parser)
    add_json_arg(parser)
    parser.set_defaults(handler=run_bench)


def run_bench(args) -> int:
    from ..bench import run_all
    from ..errors import UserError
    if args.repeats < 1:
        raise UserError("--repeats must be at least 1")
    from ..bench import SECTIONS
    from ..imaging import load_rgb
    sections = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(","))
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise UserError(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    photo = load_rgb(args.photo) if args.photo else None
    device = setup_device(args)
    results = run_all(args.model, args.sr_model, device, args.repeats,
                      (lambda name, row: None) if args.json else print_section, sections, photo)
    if args.json:
        print_json(results)
    return 0


def print_section(name: str, row) -> None:
    if isinstance(row, dict) and "skipped" in row:
        print(f"{name}: skipped ({row['skipped']})")
    elif name == "matmul":
        print(f"fp32 matmul 2048^2: {row:.1f} GFLOP/s")
    elif name == "edit":
        print(f"edit update: {row['edit_update_s'] * 1000:.0f} ms median ({row['starts']} starts, "
              f"{row['steps']} steps, {row['candidates']} candidates); floor "
              f"{row['edit_floor_s'] * 1000:.0f} ms, measured/floor {row['edit_measured_over_floor']:.2f}x")
        print(f"first preview after a stroke: {row['first_preview_s'] * 1000:.0f} ms")
    elif name == "projection":
        for method, r in row.items():
            extra = (f"; floor {r['floor_s']:.2f} s, measured/floor {r['measured_over_floor']:.2f}x"
                     if "floor_s" in r else "")
            start = f" from the {r['start']} start" if r.get("steps") else ""
            print(f"projection {method:8}: {r['seconds']:.2f} s, {r['steps']} steps{start}, "
                  f"PSNR {r['psnr']:.2f} dB{extra}")
    elif name == "training":
        print(f"training gan ({row['size']} px, batch {row['batch']}, width {row['width']}): "
              f"{row['images_per_second']:.1f} img/s; floor {row['floor_images_per_second']:.1f} "
              f"img/s, measured/floor {row['measured_over_floor']:.2f}x")
    elif name == "upscale":
        print(f"sr-x4 upscale: 256x256 {row['256x256_s'] * 1000:.0f} ms, "
              f"1024x1024 {row['1024x1024_s']:.2f} s")
    elif name == "transfer":
        print(f"transfer to a {row['megapixels']:.0f} MP photo: {row['seconds']:.2f} s, "
              f"peak allocated {row['peak_allocated_mb']:.0f} MB "
              f"(process peak {row['process_peak_rss_mb']:.0f} MB)")
    else:
        print(name, row)
