"""python -m engine.datasets outdoor --out DIR [--n64 N] [--n256 N] [--n-scenes256 N] [--seed S] [--debs DIR]
python -m engine.datasets layered --outdoor DIR --out DIR [--count N] [--seed S] [--grounds F] [--objects F] [--object-scenes F]
    [--blue-skies F]
python -m engine.datasets domains --outdoor DIR --out DIR [--set train64] [--tile PX]
python -m engine.datasets extras --out DIR     (3 more held-out photos from Python wheels)
python -m engine.datasets registry --out DIR [--n64 N] [--n256 N] [--seed S] [--debs DIR]
    (125 more photos from other Debian packages, 13 of them held out)"""

from __future__ import annotations

import argparse
import sys
import time

from engine.errors import UserError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m engine.datasets", description=__doc__)
    recipes = parser.add_subparsers(dest="recipe", required=True)
    outdoor = recipes.add_parser(
        "outdoor", help="outdoor-scene photo crops from Debian wallpaper packages"
    )
    outdoor.add_argument("--out", required=True, help="output folder (keep it outside the repo)")
    outdoor.add_argument("--n64", type=_non_negative, default=30000, help="64x64 training crops")
    outdoor.add_argument("--n256", type=_non_negative, default=3000, help="256x256 training crops")
    outdoor.add_argument("--n-scenes256", type=_non_negative, default=0,
                         help="256x256 whole-scene crops (half to all of the shorter side)")
    outdoor.add_argument("--n-holdout64", type=_non_negative, default=200,
                         help="64x64 crops from the held-out photos")
    outdoor.add_argument("--seed", type=int, default=0)
    outdoor.add_argument("--debs", help="folder with already downloaded .deb files (no download)")
    outdoor.add_argument("--workers", type=int, default=None, help="processes (default: up to 2)")
    layered = recipes.add_parser(
        "layered", help="synthesised sky-over-land crops from an outdoor build's training photos"
    )
    layered.add_argument("--outdoor", required=True, help="folder of an `outdoor` build")
    layered.add_argument("--out", required=True, help="output folder (keep it outside the repo)")
    layered.add_argument("--count", type=_non_negative, default=15000)
    layered.add_argument("--size", type=int, default=64)
    layered.add_argument("--seed", type=int, default=0)
    layered.add_argument("--grounds", type=_share, default=0.0,
                         help="share of crops whose ground is snow or sand (default 0)")
    layered.add_argument("--objects", type=_share, default=0.0,
                         help="share of crops with a small strong-colour object or a cloud "
                              "(default 0)")
    layered.add_argument("--object-scenes", type=_share, default=0.0,
                         help="share of crops that are a ground or a sky filling the frame, with "
                              "blobs of any strong hue or clouds (default 0)")
    layered.add_argument("--blue-skies", type=_share, default=0.0,
                         help="share of the photo skies recoloured as white clouds on blue "
                              "(default 0)")
    domains = recipes.add_parser(
        "domains", help="green (a) and warm (b) colour domains of an outdoor build, for cyclegan"
    )
    domains.add_argument("--outdoor", required=True, help="folder of an `outdoor` build")
    domains.add_argument("--out", required=True, help="output folder (keep it outside the repo)")
    domains.add_argument("--set", default="train64", help="the build's training crop set")
    domains.add_argument("--tile", type=int, default=96,
                         help="side of the held-out photo tiles (pixels of the photo)")
    extras = recipes.add_parser(
        "extras", help="more held-out photos for evaluation (the sample photos of Python wheels)"
    )
    extras.add_argument("--out", required=True, help="output folder (keep it outside the repo)")
    registry = recipes.add_parser(
        "registry", help="crops of the photographs found in other Debian packages "
                         "(engine/datasets/registry_sources.py)"
    )
    registry.add_argument("--out", required=True, help="output folder (keep it outside the repo)")
    registry.add_argument("--n64", type=_non_negative, default=12000, help="64x64 training crops")
    registry.add_argument("--n256", type=_non_negative, default=3000, help="256x256 training crops")
    registry.add_argument("--n-holdout64", type=_non_negative, default=200,
                          help="64x64 crops from the held-out photos")
    registry.add_argument("--seed", type=int, default=0)
    registry.add_argument("--debs", help="folder with already downloaded .deb files (no download)")
    registry.add_argument("--workers", type=int, default=None, help="processes (default: up to 2)")
    return parser.parse_args(argv)


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        if args.recipe == "layered":
            from engine.datasets.layered import Extras, build_layered
            extras = Extras(grounds=args.grounds, objects=args.objects,
                            object_scenes=args.object_scenes, blue_skies=args.blue_skies)
            count = build_layered(args.outdoor, args.out, args.count, size=args.size, seed=args.seed,
                                  extras=extras)
            print(f"done in {time.monotonic() - started:.0f} s: layered {count}")
            return 0
        if args.recipe == "domains":
            from engine.datasets.domains import build_domains
            summary = build_domains(args.outdoor, args.out, train_set=args.set, tile=args.tile)
            counts = "; ".join(f"{part} a {c['a']}, b {c['b']}"
                               for part, c in summary["counts"].items())
            print(f"done in {time.monotonic() - started:.0f} s: {counts}")
            return 0
        if args.recipe == "extras":
            from engine.datasets.extras import build_extras
            manifest = build_extras(args.out)
            print(f"done in {time.monotonic() - started:.0f} s: holdout {len(manifest['photos'])}")
            return 0
        if args.recipe == "registry":
            from engine.datasets.registry import build_registry
            manifest = build_registry(args.out, n64=args.n64, n256=args.n256,
                                      n_holdout64=args.n_holdout64, seed=args.seed,
                                      debs_dir=args.debs, workers=args.workers)
        else:
            from engine.datasets.outdoor import build_outdoor  # numpy/Pillow only when needed
            manifest = build_outdoor(
                args.out, n64=args.n64, n256=args.n256, seed=args.seed, debs_dir=args.debs,
                n_holdout64=args.n_holdout64, n_scenes256=args.n_scenes256, workers=args.workers,
            )
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    counts = ", ".join(f"{name} {n}" for name, n in manifest["counts"].items())
    print(f"done in {time.monotonic() - started:.0f} s: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
