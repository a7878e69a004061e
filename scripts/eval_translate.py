"""Held-out numbers for the translators, one model or several side by side.

    python scripts/eval_translate.py --gray2color weights/gray2color /work/runs/gray2color_lab \
        --sheet /tmp/colour.png
    python scripts/eval_translate.py --edges weights/edges2outdoor --side 128

Colourisation: Lab lightness PSNR against the grey input, chroma error against the real
photo and against leaving it grey, seconds per held-out photo and for a 12 MP photo.
Sketches: L1 and PSNR of thinned Canny edges -> photo on held-out crops.
The sheet has one row per held-out photo: grey input, each model's result, the truth.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine import checkpoints  # noqa: E402
from engine.atomic import write_bytes  # noqa: E402
from engine.device import configure_threads  # noqa: E402
from engine.imaging import encode_image, load_rgb, resize  # noqa: E402
from engine.jobs import drive  # noqa: E402
from engine.ops.evaluate import list_images  # noqa: E402
from engine.ops.translate import translate  # noqa: E402
from engine.ops.translate_eval import (colorize_scores, sketch_crops, sketch_scores,  # noqa: E402
                                       time_large)
from engine.pairs import edges, gray  # noqa: E402

SHEET_WIDTH = 320


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
    parser.add_argument("--side", type=int, default=128, help="sketch crop size")
    parser.add_argument("--sheet", type=Path, help="write a PNG sheet of held-out results")
    parser.add_argument("--no-time", action="store_true", help="skip the 12 MP timing")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    configure_threads(args.threads)
    photos = list_images(Path(args.data) / "holdout", 100)
    report = {}
    colour = [checkpoints.load_model(m, device="cpu") for m in args.gray2color]
    for name, model in zip(args.gray2color, colour):
        scores = colorize_scores(model, photos, args.work_side)
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
