"""Two colour domains for an unpaired (CycleGAN) model, split from an `outdoor` build by
each crop's own colours: A = green (foliage, grass, leaves), B = warm (red, orange, yellow:
flowers, autumn leaves, golden light).

Why these two: the 15 training photos are mostly close-ups of plants, so "green" and
"warm" are the colour families they hold in quantity (six green photos, four warm ones,
thousands of crops each); day light against sunset light would rest on parts of two photos.

The rule, per crop (OpenCV 8-bit CIE Lab, a and b centred on 0): a pixel is *coloured*
when its chroma hypot(a, b) >= MIN_CHROMA; it is green when its hue angle atan2(b, a) lies
in GREEN_HUES (yellow-green to cyan-green), warm when it lies in WARM_HUES (red to yellow).
A crop is in A when at least MAJORITY of its pixels are green and at most MINORITY warm;
in B the other way round; otherwise in neither. The rule looks only at the pixels, so it
splits held-out crops the same way as training crops and needs no list of photos.

Written (never in git; the domain folders hold hard links to the build's files where the
file system allows, else copies):

    OUT/a, OUT/b                   from the build's training crops (train64 by default)
    OUT/holdout/a, OUT/holdout/b   from its held-out crops (holdout64)
    OUT/holdout_tiles/a, .../b     tiles of the held-out photos (TILE px, stride TILE/2,
                                   shrunk to the crop size), split by the same rule: the
                                   held-out crops are large views and few are all green
    OUT/manifest.json              the rule, the counts, and which photo each file is from
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from engine.errors import UserError

DOMAINS = ("a", "b")


@dataclass(frozen=True)
class ColourRule:
    min_chroma: float = 15.0
    green_hues: tuple[float, float] = (100.0, 200.0)   # degrees, Lab hue angle
    warm_hues: tuple[float, float] = (15.0, 95.0)
    majority: float = 0.5
    minority: float = 0.1


RULE = ColourRule()
TILE = 96
PNG_COMPRESS_LEVEL = 1


def colour_fractions(image: np.ndarray, rule: ColourRule = RULE) -> tuple[float, float]:
    """(green, warm): the fractions of an RGB uint8 image's pixels in each hue family."""
    lab = cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2LAB).astype(np.float32)
    a, b = lab[..., 1] - 128.0, lab[..., 2] - 128.0
    coloured = np.hypot(a, b) >= rule.min_chroma
    hue = np.degrees(np.arctan2(b, a)) % 360.0
    green = coloured & (hue >= rule.green_hues[0]) & (hue < rule.green_hues[1])
    warm = coloured & (hue >= rule.warm_hues[0]) & (hue < rule.warm_hues[1])
    return float(green.mean()), float(warm.mean())


def domain_of(image: np.ndarray, rule: ColourRule = RULE) -> str | None:
    """'a' (green), 'b' (warm) or None (neither, or both)."""
    green, warm = colour_fractions(image, rule)
    if green >= rule.majority and warm <= rule.minority:
        return "a"
    if warm >= rule.majority and green <= rule.minority:
        return "b"
    return None


def _rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _photo_of(manifest: dict, set_name: str) -> list[str]:
    """Photo name per crop index of one crop set of an outdoor manifest."""
    info = manifest.get("crop_sets", {}).get(set_name)
    if not info:
        return []
    names = [""] * int(info["count"])
    for name, span in info["photos"].items():
        for i in range(span["first_index"], span["first_index"] + span["count"]):
            names[i] = name
    return names


def _prepare(out: Path, subdirs: list[str]) -> None:
    for sub in subdirs:
        folder = out / sub
        if folder.exists():
            for old in folder.glob("*.png"):   # only what this recipe writes
                old.unlink()
        folder.mkdir(parents=True, exist_ok=True)


def split_folder(src: Path, out: Path, photos: list[str], rule: ColourRule,
                 files: list[dict], prefix: str = "") -> dict[str, dict[str, int]]:
    """Link each crop of `src` into out/a or out/b; returns {photo: {a: n, b: n, none: n}}."""
    counts: dict[str, dict[str, int]] = {}
    paths = sorted(src.glob("*.png"))
    for path in paths:
        index = int(path.stem) if path.stem.isdigit() else -1
        photo = photos[index] if 0 <= index < len(photos) else ""
        domain = domain_of(_rgb(path), rule)
        counts.setdefault(photo, {"a": 0, "b": 0, "none": 0})[domain or "none"] += 1
        if domain:
            _link(path, out / domain / path.name)
            files.append({"file": f"{prefix}{domain}/{path.name}", "photo": photo})
    return counts


def tile_photo(image: np.ndarray, tile: int, size: int) -> list[np.ndarray]:
    """Square tiles (side `tile`, stride tile // 2) shrunk to size x size."""
    height, width = image.shape[:2]
    step = max(1, tile // 2)
    tiles = []
    for y in range(0, height - tile + 1, step):
        for x in range(0, width - tile + 1, step):
            piece = np.ascontiguousarray(image[y:y + tile, x:x + tile])
            tiles.append(cv2.resize(piece, (size, size), interpolation=cv2.INTER_AREA))
    return tiles


def build_domains(outdoor: str | Path, out: str | Path, *, train_set: str = "train64",
                  tile: int = TILE, rule: ColourRule = RULE) -> dict:
    """Split an `outdoor` build into green (a) and warm (b) domains under `out`."""
    outdoor, out = Path(outdoor), Path(out)
    manifest_path = outdoor / "manifest.json"
    if not manifest_path.is_file():
        raise UserError(f"{outdoor} is not an outdoor build (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    if not (outdoor / train_set).is_dir():
        raise UserError(f"{outdoor} has no {train_set}/ folder")
    _prepare(out, ["a", "b", "holdout/a", "holdout/b", "holdout_tiles/a", "holdout_tiles/b"])
    files: list[dict] = []
    result = {"recipe": "domains", "source": str(outdoor), "train_set": train_set,
              "rule": asdict(rule), "domains": {"a": "green", "b": "warm"}, "counts": {},
              "per_photo": {}}
    per = split_folder(outdoor / train_set, out, _photo_of(manifest, train_set), rule, files)
    result["per_photo"]["train"] = per
    result["counts"]["train"] = {d: sum(c[d] for c in per.values()) for d in DOMAINS}
    if (outdoor / "holdout64").is_dir():
        holdout_out = out / "holdout"
        per = split_folder(outdoor / "holdout64", holdout_out, _photo_of(manifest, "holdout64"),
                           rule, files, prefix="holdout/")
        result["per_photo"]["holdout"] = per
        result["counts"]["holdout"] = {d: sum(c[d] for c in per.values()) for d in DOMAINS}
    size = 64
    first = next(iter(sorted((outdoor / train_set).glob("*.png"))), None)
    if first is not None:
        size = _rgb(first).shape[0]
    tiles_per: dict[str, dict[str, int]] = {}
    for photo in manifest.get("holdout_photos", []):
        path = outdoor / photo["file"]
        if not path.is_file():
            continue
        counts = tiles_per.setdefault(photo["name"], {"a": 0, "b": 0, "none": 0})
        for k, piece in enumerate(tile_photo(_rgb(path), tile, size)):
            domain = domain_of(piece, rule)
            counts[domain or "none"] += 1
            if domain:
                name = f"{photo['name']}-{k:03d}.png"
                Image.fromarray(piece).save(out / "holdout_tiles" / domain / name,
                                            compress_level=PNG_COMPRESS_LEVEL)
                files.append({"file": f"holdout_tiles/{domain}/{name}", "photo": photo["name"]})
    result["tile"] = {"side": tile, "stride": max(1, tile // 2), "size": size}
    result["per_photo"]["holdout_tiles"] = tiles_per
    result["counts"]["holdout_tiles"] = {d: sum(c[d] for c in tiles_per.values()) for d in DOMAINS}
    result["files"] = files
    tmp = out / "manifest.json.tmp"
    tmp.write_text(json.dumps(result, indent=1))
    os.replace(tmp, out / "manifest.json")
    return result
