"""`bench train`: training images per second per kind, against the machine's compute floor."""

from __future__ import annotations

import argparse

from ..train.bench import BENCH_KINDS, bench_training
from ..train.options import PRESETS
from ._common import add_device_args, add_json_arg, print_json, setup_device


def bench_subparsers(subparsers) -> argparse._SubParsersAction:
    """The `bench` command's own subcommands, shared by every module that adds a benchmark."""
    parser = subparsers.choices.get("bench")
    if parser is None:
        parser = subparsers.add_parser("bench", help="benchmarks (see 'bench -h')")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="bench_target", metavar="TARGET")


def register(subparsers) -> None:
    p = bench_subparsers(subparsers).add_parser(
        "train", help="training throughput of each model kind vs. the compute floor")
    p.add_argument("--kinds", default=",".join(BENCH_KINDS),
                   help=f"comma-separated subset of {', '.join(BENCH_KINDS)}")
    p.add_argument("--preset", choices=PRESETS, default="cpu")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    add_device_args(p)
    add_json_arg(p)
    p.set_defaults(handler=run_bench_train)


def run_bench_train(args) -> int:
    from ..errors import UserError
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in BENCH_KINDS]
    if unknown:
        raise UserError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(BENCH_KINDS)}")
    device = setup_device(args)

    def report(row: dict) -> None:
        if not args.json:
            print(f"{row['kind']:9} {row['size']:4d}px batch {row['batch']:3d} "
                  f"{row['seconds_per_iter']:7.3f} s/iter {row['images_per_second']:8.1f} img/s  "
                  f"{row['gflop_per_image']:7.3f} GFLOP/img  floor {row['floor_images_per_second']:8.1f}"
                  f" img/s  measured/floor {row['measured_over_floor']:5.1f}x", flush=True)

    results = bench_training(kinds, args.preset, device, args.warmup, args.repeats, report)
    if args.json:
        print_json(results)
    else:
        print(f"matmul 2048x2048 fp32: {results['matmul_gflops']} GFLOP/s on {results['device']} "
              f"({results['threads']} threads)")
    return 0
