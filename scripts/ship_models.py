"""Copy trained runs into weights/<name>/, measure them on held-out photos, finish the cards.

    python scripts/ship_models.py --runs /work/runs --data /work/data/outdoor
    python scripts/ship_models.py --measure-only --data /work/data/outdoor   # after an engine change

Expects the run folders scenery64-local, scenery64 and landscapes64 (gan + encoder each), sr-x4, sr-x2, edges2outdoor, gray2color made by
`python -m engine train` on the set built by `python -m engine.datasets outdoor`
(`--only green2warm`: the CycleGAN of the unpaired entry at the end of this file, on the
domains built by `python -m engine.datasets domains`). Only the
model itself is copied (config.json, *.safetensors, README.md, samples.png): no training
state, cache or logs. Numbers go into each card's "Evaluation" section.
"""

from __future__ import annotations

import argparse
import json
import os
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
from engine.ops.translate_eval import SKETCH_SIDE, sketch_scores  # noqa: E402
from engine.pairs import make_input  # noqa: E402

GANS = ("scenery64-local", "scenery64", "landscapes64")
SRS = ("sr-x4", "sr-x2")
MODELS = GANS + SRS + ("edges2outdoor", "gray2color")
DISPLAY = {"scenery64-local": "Scenery 64 px, local codes that follow the strokes", "scenery64": "Scenery 64 px, spatial latent (photos + layered crops with snow, sand and objects)", "landscapes64": "Landscapes 64 px, spatial latent (photos + layered crops)", "sr-x4": "Super-resolution x4",
           "sr-x2": "Super-resolution x2",
           "edges2outdoor": "Edges to outdoor scene", "gray2color": "Grey to colour"}
SHIPPED_FILES = ("config.json", "README.md", "samples.png")


def copy_model(run: Path, target: Path) -> None:
    """The files of the run's config's networks, and SHIPPED_FILES; nothing else of the run."""
    config = checkpoints.read_model_config(run)  # refuse to ship an incomplete run
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    weights = {entry["file"] for entry in config["networks"].values()}
    for path in run.iterdir():
        if path.name in weights or path.name in SHIPPED_FILES:
            shutil.copy2(path, target / path.name)


def finish_config(folder: Path, name: str, display: str, extra: dict | None = None) -> None:
    """The shipped folder's config, rewritten once: the model takes the folder's name (whatever
    the run folder was called) and its display name; a gan ships its EMA generator as its one
    generator (every op draws with the EMA weights, Model.generator; saves 1.7 MB at width
    32); a pix2pix translator ships its generator alone (translating never runs the
    discriminator). Nothing resumes training from weights/: `train --init` takes what is left."""
    config = json.loads((folder / "config.json").read_text())
    networks = config["networks"]
    if "generator_ema" in networks:
        ema = networks.pop("generator_ema")
        raw = networks.pop("generator", None)
        if raw is not None:   # its file may be generator-2.safetensors (a resumed run)
            (folder / raw["file"]).unlink()
        os.replace(folder / ema["file"], folder / "generator.safetensors")
        networks["generator"] = dict(ema, file="generator.safetensors")
        config["shipped_generator"] = "the EMA generator of the trained run"
    if config["kind"] == "pix2pix" and "discriminator" in networks:
        (folder / networks.pop("discriminator")["file"]).unlink()
        config["shipped_networks"] = "the generator only; the discriminator served training"
    config.update(name=name, display_name=display, **(extra or {}))
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
    parser.add_argument("--domains", type=Path,
                        help="unpaired models: the domains build (default: next to --data, "
                             "named like the model)")
    args = parser.parse_args()
    if (args.runs is None) != args.measure_only:
        parser.error("give --runs, or --measure-only to re-measure the shipped models")
    holdout64, holdout = args.data / "holdout64", args.data / "holdout"
    credits = credits_section(args.data)
    for name in args.only:
        if name in UNPAIRED:   # the separate entry below
            ship_unpaired(name, args, credits)
            continue
        target = args.weights / name
        if not args.measure_only:
            copy_model(args.runs / name, target)
            finish_config(target, name, DISPLAY[name])
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
                sketch = sketch_scores(model, list_images(holdout, 100), SKETCH_SIDE)
                report["sketch"] = sketch
                numbers += ["", f"| Thinned sketches ({sketch['images']} held-out crops at "
                            f"{sketch['side']} px, {sketch['keep']:.0%} of Canny's edge pixels, "
                            "longest lines first) | Value |", "|---|---|",
                            f"| mean L1 to the real photo | {sketch['l1']:.4f} |",
                            f"| PSNR | {sketch['psnr']:.2f} dB |"]
                sketch_sheet(model, target)
                numbers += ["", "Sparse pen drawings (top) and the model's answers (bottom):", "",
                            "![sketches](sketches.png)"]
        print(name, json.dumps(report, default=float))
        section = "## Evaluation\n\n" + "\n".join(numbers) + "\n\n" + \
            "Measured by `scripts/ship_models.py` on this machine's CPU.\n\n" + credits
        append_section(target, section)
    return 0


# ---------------------------------------------------------------------------------------
# Unpaired colour models (CycleGAN), a separate entry: `--only green2warm`. The model is
# copied with its sheet, marked "output": "chroma" (translate keeps a photo's lightness and
# takes the network's chroma: engine/ops/translate.py), and measured on held-out crops of
# each domain as `python -m engine.datasets domains` split them.

UNPAIRED = {"green2warm": "Green to warm"}
UNPAIRED_CONFIG = {"green2warm": {
    "description": "Recolours foliage both ways: A green (leaves, grass) <-> B warm (red, "
                   "orange, yellow: flowers, autumn leaves), keeping the photo's lightness.",
    "domains": {"a": "green", "b": "warm"}, "output": "chroma"}}
UNPAIRED_NOTES = {"green2warm": """## Recipe

```sh
python -m engine.datasets outdoor --out /work/data/outdoor
python -m engine.datasets domains --outdoor /work/data/outdoor --out /work/data/green2warm
python -m engine train cyclegan --data /work/data/green2warm/a --data-b /work/data/green2warm/b \\
    --out /work/runs/green2warm --size 64 --width 16 --blocks 4 --batch 4 --iters 4000 \\
    --threads 1 --fp16 --sample-every 500 --checkpoint-every 300 --seed 0
python scripts/ship_models.py --runs /work/runs --data /work/data/outdoor --only green2warm
```

The run was stopped (SIGTERM, which saves a loadable model) after 50.7 min at 2,689 of the
4,000 iterations: the time this 2-core machine, shared with another training, had for it;
`--resume` continues it. Measured first: 0.67 s per iteration alone, 2.1 s at width 32
with 6 blocks (the cpu preset).

Domains (engine/datasets/domains.py), split by each 64 px training crop's own colours
(OpenCV Lab; a pixel is coloured at chroma >= 15): **A, green** = at least half the pixels
of hue 100-200 degrees and at most a tenth of hue 15-95; **B, warm** = the other way round.
A holds 9,443 crops (Blinds, GreenMeadow, LadyBird, RainDrops, OneStandsOut, Path), B
7,063 (FreshFlower, FallenLeaf, YellowFlower, TwoWings, a little of BytheWater and
EveningGlow). The photos hold much more green and warm foliage than day and sunset light
(sunset is a strip of EveningGlow), so these are the two domains a model can learn here.

`translate` runs it like the colouriser: the network sees the photo at 256 px on the long
side, only the chroma of its answer is kept and carried to the photo by guided upsampling
on the photo's own lightness, so the result has the photo's size, detail and lightness.
"""}


def ship_unpaired(name: str, args, credits: str) -> None:
    target = args.weights / name
    if not args.measure_only:
        copy_model(args.runs / name, target)
        finish_config(target, name, UNPAIRED[name], UNPAIRED_CONFIG[name])
    model = checkpoints.load_model(target)
    domains = args.domains or args.data.parent / name
    rows, report = cycle_rows(model, domains, args.max_images)
    photo = load_rgb(args.data / "holdout" / "mate-Garden.png")
    report["seconds"] = unpaired_sheet(model, domains, photo, target / "sheet.png")
    print(name, json.dumps(report, default=float))
    seconds, seconds_12mp = report["seconds"]["photo"], report["seconds"]["4000x3000"]
    numbers = [
        "Held-out crops split into the two domains by the same colour rule as the training "
        "crops (`python -m engine.datasets domains`): holdout64 has no green crop (its crops "
        "are wide views), so held-out green is tiles of the held-out photos (96 px tiles at "
        "stride 48, shrunk to 64 px; all from Garden). Each cell: the photo path "
        "(`translate` as shipped: chroma kept on the input's lightness) / the network's own "
        "RGB (`--lightness model`).", "",
        "| Set | Crops | Round trip | Cycle PSNR (dB) | Cycle L1 | Chroma moved by the first "
        "step (Lab) | First step lands in the other domain |", "|---|---|---|---|---|---|---|",
        *rows, "",
        f"Full photo: {photo.shape[1]}x{photo.shape[0]} in {seconds:.2f} s, 4000x3000 in "
        f"{seconds_12mp:.2f} s (one torch thread, best of three).", "",
        "Sheet: held-out green tiles, their A -> B and A -> B -> A; held-out warm crops and "
        "tiles, B -> A and B -> A -> B; the held-out photo Garden, its A -> B and its B -> A "
        "at its own size.", "", "![held-out sheet](sheet.png)"]
    body = (target / "README.md").read_text()
    marker = "\n## Recipe"
    if marker in body:
        body = body[: body.index(marker)]
    trainer_summary = "Translates between two image domains learnt from unpaired folders (A <-> B)."
    body = body.replace(trainer_summary, UNPAIRED_CONFIG[name]["description"])   # the listing's line
    write_text(target / "README.md", body.rstrip() + "\n\n" + UNPAIRED_NOTES[name])
    section = "## Evaluation\n\n" + "\n".join(numbers) + "\n\n" + \
        "Measured by `scripts/ship_models.py --only " + name + "` on this machine's CPU.\n\n" + \
        UNPAIRED_LIMITS.get(name, "") + credits
    append_section(target, section)


def cycle_rows(model, domains: Path, max_images: int) -> tuple[list[str], dict]:
    """Round trips on each domain's held-out and training crops: table rows and the numbers."""
    from engine.datasets.domains import domain_of
    from engine.ops.translate_eval import cycle_scores
    sets = [("A (green): held-out photo tiles", domains / "holdout_tiles" / "a", "ab", "b"),
            ("B (warm): held-out crops (holdout64)", domains / "holdout" / "b", "ba", "a"),
            ("B (warm): held-out photo tiles", domains / "holdout_tiles" / "b", "ba", "a"),
            ("A (green): training crops", domains / "a", "ab", "b"),
            ("B (warm): training crops", domains / "b", "ba", "a")]
    rows, report = [], {}
    for title, folder, direction, goal in sets:
        images = [load_rgb(p) for p in list_images(folder, max_images)]
        kept = cycle_scores(model, images, direction, classify=domain_of, target=goal)
        net = cycle_scores(model, images, direction, lightness="model", classify=domain_of,
                           target=goal)
        report[title] = {"chroma kept": kept, "network RGB": net}
        way = "A -> B -> A" if direction == "ab" else "B -> A -> B"
        rows.append(f"| {title} | {kept['images']} | {way} | {kept['cycle_psnr']:.2f} / "
                    f"{net['cycle_psnr']:.2f} | {kept['cycle_l1']:.4f} / {net['cycle_l1']:.4f} | "
                    f"{kept['chroma_moved']:.1f} / {net['chroma_moved']:.1f} | "
                    f"{100 * kept['in_target_domain']:.0f} / {100 * net['in_target_domain']:.0f} % |")
    return rows, report


def unpaired_sheet(model, domains: Path, photo: np.ndarray, path: Path) -> dict:
    """Writes the held-out sheet; returns the seconds for the photo and for 4000x3000."""
    from engine.imaging import resize, save_image
    from engine.ops.translate_eval import cycle_sheet
    pick = lambda folder, n: [load_rgb(p) for p in list_images(folder, n)]  # noqa: E731
    import torch
    seconds, threads = {}, torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for key, image in (("photo", photo), ("4000x3000", resize(photo, 4000, 3000))):
            for _ in range(3):   # the best of three: the first run warms up
                started = time.perf_counter()
                drive(translate(model, image))
                seconds[key] = min(seconds.get(key, np.inf), time.perf_counter() - started)
    finally:
        torch.set_num_threads(threads)
    b_cells = pick(domains / "holdout" / "b", 4) + pick(domains / "holdout_tiles" / "b", 4)
    save_image(path, cycle_sheet(model, pick(domains / "holdout_tiles" / "a", 8), b_cells, photo))
    return seconds


UNPAIRED_LIMITS = {"green2warm": """## What it does badly

- It recolours the whole picture, not only plants: sky, water and stone are rare in its
  training crops, so A -> B turns Kite's blue sky orange-red and summer_1am's purple dusk
  golden, and B -> A turns skies and backgrounds grey-green. Where only the leaves should
  change, the result needs a mask.
- The round trip is far from exact on held-out crops (17-19 dB, mean L1 0.07-0.10; 22-25 dB
  on training crops): B -> A puts blue and purple blotches into green (third row of the
  sheet, A -> B -> A), and A -> B of a pale green gives a mix of orange and red, not one warm hue.
- Hues within a domain are averaged: red, orange and yellow all come back as much the same
  green. It is a small model (2 x 348 k parameters, 64 px, 2,689 iterations).
- The held-out green crops all come from one photo (Garden's blurred background, 26
  overlapping tiles): no held-out photo has a leaf or grass close-up.
- The network's own RGB (`--lightness model`) is blurred and its lightness wrong (14-16 dB
  lightness PSNR); only its chroma is worth using, which is what `translate` takes.
- Bright saturated greens turned red leave the sRGB gamut, so clipping changes their
  lightness a little (43 dB lightness PSNR on training green crops, 49 dB held-out).

"""}


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
