"""Copy trained runs into weights/<name>/, measure them on held-out photos, finish the cards.

    python scripts/ship_models.py --runs /work/runs --data /work/data/outdoor
    python scripts/ship_models.py --measure-only --data /work/data/outdoor   # after an engine change

Expects the run folders landscapes64, scenes64 and outdoor64 (gan + encoder each), sr-x4, sr-x2, edges2outdoor, gray2color made by
`python -m engine train` on the set built by `python -m engine.datasets outdoor`. Only the
model itself is copied (config.json, *.safetensors, README.md, samples.png): no training
state, cache or logs. Numbers go into each card's "Evaluation" section.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine import checkpoints  # noqa: E402
from engine.atomic import write_text  # noqa: E402
from engine.datasets.outdoor_sources import OUTDOOR_PHOTOS  # noqa: E402
from engine.imaging import load_rgb  # noqa: E402
from engine.jobs import drive  # noqa: E402
from engine.ops.evaluate import evaluate, list_images  # noqa: E402
from engine.ops.translate import translate  # noqa: E402
from engine.pairs import make_input  # noqa: E402

GANS = ("landscapes64", "scenes64", "outdoor64")
SRS = ("sr-x4", "sr-x2")
MODELS = GANS + SRS + ("edges2outdoor", "gray2color")
DISPLAY = {"landscapes64": "Landscapes 64 px, spatial latent (photos + layered crops)", "scenes64": "Outdoor scenes 64 px, spatial latent", "outdoor64": "Outdoor scenes 64 px (DCGAN)", "sr-x4": "Super-resolution x4",
           "sr-x2": "Super-resolution x2",
           "edges2outdoor": "Edges to outdoor scene", "gray2color": "Grey to colour"}
SHIPPED_FILES = ("config.json", "README.md", "samples.png")


def copy_model(run: Path, target: Path) -> None:
    checkpoints.read_model_config(run)  # refuse to ship an incomplete run
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in run.iterdir():
        if path.suffix == ".safetensors" or path.name in SHIPPED_FILES:
            shutil.copy2(path, target / path.name)


def set_display_name(folder: Path, name: str) -> None:
    config = json.loads((folder / "config.json").read_text())
    config["display_name"] = name
    write_text(folder / "config.json", json.dumps(config, indent=2) + "\n")


def credits_section(data: Path) -> str:
    lines = ["## Data and credits", "",
             "Trained on crops of real outdoor and nature photographs from the Debian packages "
             "`mate-backgrounds` and `plasma-workspace-wallpapers` (none of `gnome-backgrounds` "
             "is a photograph), built by `python -m engine.datasets outdoor`. Photos marked "
             "held out were never used for training; the numbers below come from them.", "",
             "| Photo | Package | Author | Licence | Use |", "|---|---|---|---|---|"]
    for p in OUTDOOR_PHOTOS:
        lines.append(f"| {p.path.split('/')[-1] if 'mate' in p.package else p.name} | {p.package} | "
                     f"{p.author} | {p.licence} | {'held out' if p.holdout else 'training'} |")
    manifest = data / "manifest.json"
    if manifest.is_file():
        counts = json.loads(manifest.read_text()).get("counts", {})
        lines += ["", f"Crops: {json.dumps(counts)}."]
    return "\n".join(lines) + "\n"


def translator_l1(model, folder: Path, transform: str, limit: int) -> dict:
    errors, started = [], time.perf_counter()
    for path in list_images(folder, limit):
        target = load_rgb(path)
        result = drive(translate(model, make_input(transform, target), prepare="none"))
        errors.append(np.abs(result.astype(np.float32) - target.astype(np.float32)).mean() / 255)
    return {"images": len(errors), "l1": float(np.mean(errors)),
            "seconds": time.perf_counter() - started}


def pen_sketches(side: int = 256) -> list[np.ndarray]:
    """A few sparse pen drawings (black on white), the kind of input a user gives by hand."""
    import cv2
    blank = lambda: np.full((side, side, 3), 255, np.uint8)  # noqa: E731
    s = side / 256
    pts = lambda *xy: np.array([(round(x * s), round(y * s)) for x, y in xy], np.int32)  # noqa: E731
    horizon = blank()
    cv2.line(horizon, *pts((0, 150), (255, 140)), (0, 0, 0), 3)
    hills = blank()
    cv2.polylines(hills, [pts((0, 170), (60, 110), (120, 160), (180, 90), (255, 150))], False, (0, 0, 0), 3)
    trees = blank()
    for x in (40, 90, 150, 200):
        cv2.line(trees, *pts((x, 255), (x + 5, 60)), (0, 0, 0), 3)
    sun = blank()
    cv2.circle(sun, tuple(pts((128, 90))[0]), round(36 * s), (0, 0, 0), 3)
    cv2.line(sun, *pts((0, 190), (255, 190)), (0, 0, 0), 3)
    return [horizon, hills, trees, sun]


def sketch_sheet(model, folder: Path) -> Path:
    """sketches.png: pen drawings (top row) and what the model makes of them (bottom row)."""
    from engine.imaging import grid, resize, save_image
    drawings = pen_sketches()
    results = [drive(translate(model, d)) for d in drawings]
    cells = [resize(d, 128, 128) for d in drawings] + [resize(r, 128, 128) for r in results]
    path = folder / "sketches.png"
    save_image(path, grid(np.stack(cells), columns=len(drawings)))
    return path


def append_section(folder: Path, text: str) -> None:
    card = folder / "README.md"
    body = card.read_text()
    marker = "\n## Evaluation"
    if marker in body:
        body = body[: body.index(marker)]
    write_text(card, body.rstrip() + "\n\n" + text)


def crops_header(count: int, note: str = "") -> str:
    return f"| Measure ({count} held-out 64x64 crops, spread over the held-out photos{note}) | Value |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, help="finished runs to copy in (not with --measure-only)")
    parser.add_argument("--measure-only", action="store_true",
                        help="copy nothing: measure the models already in --weights again")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--weights", type=Path, default=REPO / "weights")
    parser.add_argument("--max-images", type=int, default=48)
    parser.add_argument("--only", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    if (args.runs is None) != args.measure_only:
        parser.error("give --runs, or --measure-only to re-measure the shipped models")
    holdout64, holdout = args.data / "holdout64", args.data / "holdout"
    credits = credits_section(args.data)
    for name in args.only:
        target = args.weights / name
        if not args.measure_only:
            copy_model(args.runs / name, target)
            set_display_name(target, DISPLAY[name])
        model = checkpoints.load_model(target)
        if name in GANS:
            report = drive(evaluate(model, holdout64, max_images=args.max_images,
                                    training_dir=args.data / "train64"))
            gan = report["gan"]
            numbers = [crops_header(report["images"]), "|---|---|"] + [
                f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |"
                for k, v in _flat(gan).items()]
        elif name in SRS:
            report = drive(evaluate(None, holdout, sr_model=model, max_images=args.max_images))
            border = report["sr"]["scale"]
            numbers = [f"| Measure (held-out photos, RGB, border {border} cropped) | Value |",
                       "|---|---|"] + [
                f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |"
                for k, v in _flat(report["sr"]).items()]
        else:
            transform = model.config.get("input_transform", "none")
            report = translator_l1(model, holdout64, transform, args.max_images)
            numbers = [crops_header(report["images"], "; pixels in [0, 1]"), "|---|---|",
                       f"| images | {report['images']} |", f"| mean L1 to the real photo | {report['l1']:.4f} |"]
            if transform == "edges":
                sketch_sheet(model, target)
                numbers += ["", "Sparse pen drawings (top) and the model's answers (bottom):", "",
                            "![sketches](sketches.png)"]
        print(name, json.dumps(report, default=float))
        section = "## Evaluation\n\n" + "\n".join(numbers) + "\n\n" + \
            "Measured by `scripts/ship_models.py` on this machine's CPU.\n\n" + credits
        append_section(target, section)
    return 0


def _flat(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key} "))
        else:
            out[f"{prefix}{key}"] = value
    return out


if __name__ == "__main__":
    raise SystemExit(main())
