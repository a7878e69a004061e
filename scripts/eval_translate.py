"""Held-out numbers for the translators, one model or several side by side.

    python scripts/eval_translate.py --gray2color weights/gray2color /work/runs/gray2color_lab \
        --sheet /tmp/colour.png
    python scripts/eval_translate.py --edges weights/edges2outdoor --side 128
    python scripts/eval_translate.py --gray2color weights/gray2color --hints 0 5 20 --threads 1
    python scripts/eval_translate.py --gray2color /work/runs/g2cbins11 --temperature 1.0

Colourisation: Lab lightness PSNR against the grey input, chroma error against the real
photo and against leaving it grey, seconds per held-out photo and for a 12 MP photo.
With --hints N ...: the chroma error with N colour hints sampled from the real photo (small
dots of the photo's own mean colour, HINT_RADIUS px, seeded; averaged over --hint-seeds
draws), as a user's colour strokes would give them.
Sketches: L1 and PSNR of thinned Canny edges -> photo on held-out crops.
The sheet has one row per held-out photo: grey input, each model's result, the truth.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine import checkpoints  # noqa: E402
from engine.atomic import write_bytes  # noqa: E402
from engine.chroma import AB_SCALE, empty_hints, rgb_to_lab  # noqa: E402
from engine.device import configure_threads  # noqa: E402
from engine.imaging import encode_image, load_rgb, resize  # noqa: E402
from engine.jobs import drive  # noqa: E402
from engine.ops.evaluate import list_images  # noqa: E402
from engine.ops.translate import translate  # noqa: E402
from engine.ops.translate_eval import (SKETCH_SIDE, chroma_error, colorize_scores,  # noqa: E402
                                       sketch_crops, sketch_scores, time_large)
from engine.pairs import edges, gray  # noqa: E402

SHEET_WIDTH = 320
HINT_RADIUS = 2   # photo pixels: a 5 px dot, about 1.5 working pixels at 256 px


def sample_dots(truth: np.ndarray, count: int, rng: np.random.Generator,
                radius: int = HINT_RADIUS) -> np.ndarray:
    """`count` dots at random places, each the real photo's mean Lab chroma under it."""
    height, width = truth.shape[:2]
    ab = rgb_to_lab(truth)[..., 1:]
    hints = empty_hints(height, width)
    for _ in range(count):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        dot = np.zeros((height, width), np.uint8)
        cv2.circle(dot, (x, y), radius, 1, -1)
        inside = dot > 0
        hints[inside, :2] = ab[inside].mean(0) / AB_SCALE
        hints[inside, 2] = 1.0
    return hints


def hinted_scores(model, photos: list[Path], counts: list[int], seeds: int,
                  work_side: int | None) -> dict:
    """Mean Lab chroma error over the held-out photos turned grey, with each number of hints
    (each photo and count drawn `seeds` times, seeded by photo, count and draw)."""
    errors: dict[int, list[float]] = {n: [] for n in counts}
    grey_errors = []
    for index, path in enumerate(photos):
        truth = load_rgb(path)
        grey = gray(truth)
        grey_errors.append(chroma_error(grey, truth))
        for n in counts:
            draws = []
            for draw in range(seeds if n else 1):
                rng = np.random.default_rng([index, n, draw])
                hints = sample_dots(truth, n, rng) if n else None
                result = drive(translate(model, grey, hints=hints, work_side=work_side))
                draws.append(chroma_error(result, truth))
            errors[n].append(float(np.mean(draws)))
    grey_error = float(np.mean(grey_errors))
    report = {"grey_chroma_error": grey_error, "hint_radius": HINT_RADIUS, "draws": seeds}
    for n in counts:
        error = float(np.mean(errors[n]))
        report[f"chroma_error_{n}_hints"] = error
        report[f"vs_grey_{n}_hints"] = error / grey_error
    return report


def colour_sheet(models: list, photos: list[Path], path: Path) -> None:
    rows = []
    for photo in photos:
        truth = load_rgb(photo)
        grey = gray(truth)
        cells = [grey] + [drive(translate(m, grey)) for m in models] + [truth]
        h = round(truth.shape[0] * SHEET_WIDTH / truth.shape[1])
        rows.append(np.concatenate([resize(c, SHEET_WIDTH, h) for c in cells], axis=1))
    write_bytes(path, encode_image(np.concatenate(rows, axis=0)))


def sketch_sheet(models: list, photos: list[Path], side: int, path: Path) -> None:
    from engine.ops.translate_eval import SKETCH_KEEP
    rows = []
    for crop in sketch_crops(photos, side)[::2]:
        drawing = edges(crop, SKETCH_KEEP)
        cells = [drawing] + [drive(translate(m, drawing, prepare="none")) for m in models] + [crop]
        rows.append(np.concatenate(cells, axis=1))
    write_bytes(path, encode_image(np.concatenate(rows, axis=0)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gray2color", nargs="*", default=[], metavar="MODEL")
    parser.add_argument("--edges", nargs="*", default=[], metavar="MODEL")
    parser.add_argument("--data", default="/work/data/outdoor", help="the outdoor set (holdout/)")
    parser.add_argument("--work-side", type=int, help="colouriser working size (long side)")
    parser.add_argument("--side", type=int, default=SKETCH_SIDE, help="sketch crop size")
    parser.add_argument("--sheet", type=Path, help="write a PNG sheet of held-out results")
    parser.add_argument("--no-time", action="store_true", help="skip the 12 MP timing")
    parser.add_argument("--hints", nargs="+", type=int, metavar="N",
                        help="colourisers: chroma error with N hints sampled from the photo "
                             "(e.g. 0 5 20)")
    parser.add_argument("--hint-seeds", type=int, default=3, metavar="DRAWS",
                        help="random hint draws per photo and count (default 3)")
    parser.add_argument("--temperature", type=float,
                        help="colourisers over ab bins: read them out at this annealed-mean "
                             "temperature instead of the model's own (a sweep for the card)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    configure_threads(args.threads)
    photos = list_images(Path(args.data) / "holdout", 100)
    report = {}
    colour = [checkpoints.load_model(m, device="cpu") for m in args.gray2color]
    if args.temperature is not None:
        for model in colour:
            if "chroma_bins" in model.config:
                model.config["chroma_bins"] = {**model.config["chroma_bins"],
                                               "temperature": args.temperature}
    for name, model in zip(args.gray2color, colour):
        scores = colorize_scores(model, photos, args.work_side)
        if args.hints:
            scores.update(hinted_scores(model, photos, args.hints, args.hint_seeds,
                                        args.work_side))
        if not args.no_time:
            scores["seconds_12mp"] = time_large(model, photos[0])
        report[name] = scores
    sketch = [checkpoints.load_model(m, device="cpu") for m in args.edges]
    for name, model in zip(args.edges, sketch):
        report[name] = sketch_scores(model, photos, args.side)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, scores in report.items():
            print(name)
            for key, value in scores.items():
                if key == "photos":
                    for row in value:
                        print("   ", "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                               for k, v in row.items()))
                else:
                    print(f"  {key}: {value:.4f}" if isinstance(value, float) else f"  {key}: {value}")
    if args.sheet and colour:
        colour_sheet(colour, photos, args.sheet)
    if args.sheet and sketch:
        target = args.sheet if not colour else args.sheet.with_name(args.sheet.stem + "-sketch.png")
        sketch_sheet(sketch, photos, args.side, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
