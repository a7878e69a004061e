"""Synthesised layered landscapes: a sky over land (sometimes with water between), cut from
regions of the *training* photos and from plain procedural sky gradients.

Why: the 15 training photos are mostly close-ups and sea horizons, so no crop shows a sky
over a meadow or a forest, and a generator trained on them answers "blue above, green
below" with a sea. A layered crop puts the sky of one photo over the ground of another
along a gently wavy horizon, so such compositions exist on the manifold. Held-out photos are
never used. Model cards that train on these crops say so (issue 14 allows it when the edit
benchmark shows they help).

On request (`Extras`: shares of the crops, 0 by default so earlier recipes give the same
crops) a ground is recoloured to snow or sand, a
small object of a strong colour or a cloud is painted in, the crop is an object scene (a
ground or sky filling the frame, with blobs of any strong hue), or a photo's sky is
recoloured as white clouds on blue: no training photo shows snow, sand or a blue sky with
white clouds, few show a small object at 64 px, and users paint all of them (the edit
benchmark's snow field, beach and objects; the colouriser's skies).

Each region is a box in fractions of its photo (x0, y0, x1, y1), picked by eye.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from engine.datasets.outdoor import (
    PNG_COMPRESS_LEVEL, find_debs, load_rgb, resolve_sources, unpack_debs,
)
from engine.datasets.outdoor_sources import OUTDOOR_PHOTOS, PACKAGES

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Extras:
    """Shares of the crops (0 to 1) that get each addition; 0 takes no random draw, so a
    recipe without an addition gives the same crops as before it existed."""
    grounds: float = 0.0        # the ground recoloured to snow or sand
    objects: float = 0.0        # a small strong-colour object on the ground, or a cloud
    object_scenes: float = 0.0  # an object scene instead of a layered view
    blue_skies: float = 0.0     # of the photo skies: recoloured as white clouds on blue


NO_EXTRAS = Extras()


@dataclass(frozen=True)
class Region:
    photo: str  # SourcePhoto.name
    box: Box


SKY_REGIONS = (
    Region("plasma-BytheWater", (0.0, 0.0, 1.0, 0.18)),
    Region("plasma-EveningGlow", (0.0, 0.0, 1.0, 0.27)),
    Region("plasma-DarkestHour", (0.0, 0.0, 1.0, 0.45)),
    Region("plasma-ColdRipple", (0.0, 0.0, 1.0, 0.45)),
    Region("mate-Storm", (0.0, 0.0, 1.0, 0.55)),
)
WATER_REGIONS = (
    Region("plasma-BytheWater", (0.0, 0.27, 1.0, 0.40)),
    Region("plasma-DarkestHour", (0.0, 0.76, 1.0, 1.0)),
    Region("plasma-EveningGlow", (0.0, 0.40, 0.6, 0.47)),
)
LAND_REGIONS = (
    Region("mate-GreenMeadow", (0.0, 0.0, 1.0, 1.0)),
    Region("plasma-Path", (0.0, 0.0, 1.0, 1.0)),
    Region("plasma-Path", (0.0, 0.72, 1.0, 1.0)),
    Region("plasma-OneStandsOut", (0.0, 0.0, 1.0, 1.0)),
    Region("plasma-FallenLeaf", (0.0, 0.5, 1.0, 1.0)),
    Region("mate-LadyBird", (0.0, 0.0, 1.0, 1.0)),
    Region("plasma-EveningGlow", (0.0, 0.82, 1.0, 1.0)),
    Region("mate-Storm", (0.0, 0.62, 1.0, 0.72)),
)

# Procedural skies: (zenith, horizon) RGB pairs; the gradient and a little low-frequency
# noise are drawn per crop. Clear day, hazy day, sunset, overcast, dusk.
SKY_GRADIENTS = (
    ((40, 90, 190), (150, 195, 235)),
    ((70, 130, 215), (185, 210, 235)),
    ((60, 80, 150), (240, 150, 70)),
    ((120, 125, 135), (195, 197, 202)),
    ((25, 35, 80), (120, 100, 140)),
)
# Grounds the photos lack: snow and sand. A land patch keeps its texture (its lightness,
# normalised) at a low contrast around a snow or a sand colour.
GROUND_COLOURS = {
    "snow": ((232, 236, 243), (5.0, 12.0)),
    "sand": ((212, 190, 145), (10.0, 22.0)),
}
# Small objects of a strong colour (a flower, a ladybird, a cloud): the photos hold few at
# the scale of a 64 px view, and users paint them as dots. A soft blob with a little
# texture and shading; white ones are clouds in the sky, the others sit on the ground.
OBJECT_COLOURS = ((205, 40, 35), (240, 205, 45), (235, 120, 30), (210, 60, 140), (125, 60, 170))
CLOUD_COLOUR = (242, 242, 240)
CLOUD_SHARE = 0.3
OBJECT_RADIUS = (0.035, 0.09)  # fractions of the side
CLOUD_RADIUS = (0.06, 0.14)
# Object scenes (`object_scenes`): a ground or a sky filling the frame with larger blobs of
# any strong hue (white on a sky), since users paint objects over a ground with no horizon.
OBJECT_SCENE_SKY_SHARE = 0.3
OBJECT_SCENE_RADIUS = (0.06, 0.13)
# Blue skies (`blue_skies`): a photo sky's texture recoloured as white clouds on blue; the
# training photos' textured skies are sunsets and storms, so a grey cloudy sky read as one.
BLUE_SKY_ZENITH = ((30, 75, 165), (45, 100, 195), (70, 130, 210))
BLUE_SKY_HORIZON = (165, 200, 235)
BLUE_SKY_MIN_RANGE = 60.0  # grey levels
PROCEDURAL_SKY_SHARE = 0.4
WATER_SHARE = 0.3
WORK = 128  # composed at twice the output size, then downscaled (antialiased edges)


def _region_pixels(image: Image.Image, box: Box) -> np.ndarray:
    w, h = image.size
    crop = image.crop((round(box[0] * w), round(box[1] * h), round(box[2] * w), round(box[3] * h)))
    # Keep the regions small in memory: at most 640 px wide.
    if crop.width > 640:
        crop = crop.resize((640, max(8, round(crop.height * 640 / crop.width))),
                           Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(crop, np.uint8)


def load_regions(photos: dict[str, Path]) -> dict[str, list[np.ndarray]]:
    cache: dict[str, Image.Image] = {}
    pools: dict[str, list[np.ndarray]] = {}
    for kind, regions in (("sky", SKY_REGIONS), ("water", WATER_REGIONS), ("land", LAND_REGIONS)):
        pools[kind] = []
        for region in regions:
            if region.photo not in photos:
                continue
            if region.photo not in cache:
                cache[region.photo] = load_rgb(photos[region.photo])
            pools[kind].append(_region_pixels(cache[region.photo], region.box))
    return pools


def _patch(pool: list[np.ndarray], width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A random window of one region, resized to width x height (mild stretch allowed)."""
    src = pool[rng.integers(len(pool))]
    sh, sw = src.shape[:2]
    aspect = width / height * rng.uniform(0.7, 1.4)
    ch = int(min(sh, sw / aspect) * rng.uniform(0.45, 1.0))
    ch = max(4, ch)
    cw = max(4, min(sw, round(ch * aspect)))
    top, left = rng.integers(0, sh - ch + 1), rng.integers(0, sw - cw + 1)
    window = Image.fromarray(src[top:top + ch, left:left + cw])
    return np.asarray(window.resize((width, height), Image.Resampling.BICUBIC), np.float32)


def _procedural_sky(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    zenith, horizon = (np.array(c, np.float32) for c in SKY_GRADIENTS[rng.integers(len(SKY_GRADIENTS))])
    jitter = rng.normal(0, 12, 3).astype(np.float32)
    t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None] ** rng.uniform(0.6, 1.6)
    sky = zenith + jitter + (horizon - zenith) * t
    noise = rng.normal(0, 1, (4, 4)).astype(np.float32)
    noise = np.asarray(Image.fromarray(noise).resize((width, height), Image.Resampling.BICUBIC))
    return np.broadcast_to(sky, (height, width, 3)) + noise[..., None] * rng.uniform(0, 8)


def _recoloured_ground(land: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """The land patch as snow or sand: its lightness texture around the ground's colour."""
    base, contrast_range = GROUND_COLOURS[kind]
    luma = land @ np.array([0.299, 0.587, 0.114], np.float32)
    texture = (luma - luma.mean()) / (luma.std() + 1e-3)
    colour = np.array(base, np.float32) + rng.normal(0, 6, 3).astype(np.float32)
    return colour + texture[..., None] * rng.uniform(*contrast_range)


def _blue_sky(sky: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A photo's sky patch as a clear blue sky with white clouds: its lightness texture kept,
    the darker part blue (lighter toward the horizon), the lighter part cloud white."""
    h = sky.shape[0]
    luma = sky @ np.array([0.299, 0.587, 0.114], np.float32)
    luma = cv2.GaussianBlur(luma, (0, 0), 1.5)
    low, high = np.percentile(luma, (2, 98))
    # A floor on the range, so a smooth patch's grain is not stretched into speckle.
    lightness = np.clip((luma - low) / max(high - low, BLUE_SKY_MIN_RANGE), 0, 1)
    cloud = np.clip((lightness - rng.uniform(0.35, 0.6)) / 0.4, 0, 1)[..., None]
    zenith = _jittered(BLUE_SKY_ZENITH[rng.integers(len(BLUE_SKY_ZENITH))], rng)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    blue = zenith + (np.array(BLUE_SKY_HORIZON, np.float32) - zenith) * t * rng.uniform(0.3, 0.8)
    blue = blue * (0.85 + 0.3 * lightness[..., None])  # the texture's shading, mildly
    return blue * (1 - cloud) + np.array(CLOUD_COLOUR, np.float32) * (0.8 + 0.2 * lightness[..., None]) * cloud


def _add_object(canvas: np.ndarray, horizon: float, land_top: float,
                rng: np.random.Generator) -> None:
    """Paint one soft blob of a strong colour: a cloud above the horizon, else an object
    on the ground."""
    h, w = canvas.shape[:2]
    cloud = rng.random() < CLOUD_SHARE
    colour = _jittered(CLOUD_COLOUR if cloud else OBJECT_COLOURS[rng.integers(len(OBJECT_COLOURS))], rng)
    rx = rng.uniform(*(CLOUD_RADIUS if cloud else OBJECT_RADIUS)) * w
    ry = rx * (rng.uniform(0.4, 0.8) if cloud else rng.uniform(0.75, 1.25))
    if cloud:
        cy = rng.uniform(0.05 * h + ry, max(0.05 * h + ry + 1, horizon - ry))
    else:
        cy = rng.uniform(min(land_top + ry, h - ry - 1), h - ry)
    cx = rng.uniform(rx, w - rx)
    _paint_blob(canvas, colour, cx, cy, rx, ry, 0.35 if cloud else 0.12, rng)


def _paint_blob(canvas: np.ndarray, colour: np.ndarray, cx: float, cy: float, rx: float,
                ry: float, softness: float, rng: np.random.Generator) -> None:
    """A wobbly ellipse of `colour`, shaded and lightly textured, alpha-blended in place."""
    h, w = canvas.shape[:2]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    dy, dx = (rows - cy) / ry, (cols - cx) / rx
    angle = np.arctan2(dy, dx)
    wobble = 1 + 0.12 * np.sin(angle * rng.integers(3, 7) + rng.uniform(0, 2 * np.pi))
    distance = np.sqrt(dx ** 2 + dy ** 2) / wobble
    alpha = np.clip((1 - distance) / softness, 0, 1)[..., None]
    # Lit from the top left: brighter there, darker toward the bottom right.
    shade = 1 + 0.12 * np.clip(-(dx + dy) / 2, -1, 1)
    noise = np.asarray(Image.fromarray(rng.normal(0, 1, (6, 6)).astype(np.float32)).resize(
        (w, h), Image.Resampling.BICUBIC))
    blob = colour * shade[..., None] + noise[..., None] * rng.uniform(3, 10)
    canvas[:] = canvas * (1 - alpha) + blob * alpha


def _jittered(rgb: tuple[int, int, int], rng: np.random.Generator) -> np.ndarray:
    return np.array(rgb, np.float32) + rng.normal(0, 8, 3).astype(np.float32)


def _strong_colour(rng: np.random.Generator) -> np.ndarray:
    """RGB of a random hue at high saturation and brightness (a flower, a boat, a kite)."""
    hue, saturation, value = rng.uniform(0, 1), rng.uniform(0.7, 1.0), rng.uniform(0.75, 0.95)
    chroma = value * saturation
    k = (np.array([5.0, 3.0, 1.0]) + hue * 6) % 6
    rgb = value - chroma * np.clip(np.minimum(k, 4 - k), 0, 1)
    return (rgb * 255).astype(np.float32)


def object_scene(pools: dict[str, list[np.ndarray]], rng: np.random.Generator) -> np.ndarray:
    """A frame-filling patch of ground (or of sky) with one or two blobs anywhere on it: a
    red object in grass, a yellow flower on leaves, a white cloud in a blue sky. Layered
    crops put objects only below a horizon, so a ground seen from above never had one."""
    w = h = WORK
    sky = rng.random() < OBJECT_SCENE_SKY_SHARE or not pools["land"]
    canvas = _sky(pools, w, h, rng) if sky else _patch(pools["land"], w, h, rng)
    for _ in range(rng.integers(1, 3)):
        colour = _jittered(CLOUD_COLOUR, rng) if sky else _strong_colour(rng)
        rx = rng.uniform(*OBJECT_SCENE_RADIUS) * w
        ry = rx * (rng.uniform(0.5, 0.8) if sky else rng.uniform(0.75, 1.25))
        cx, cy = rng.uniform(rx, w - rx), rng.uniform(ry, h - ry)
        _paint_blob(canvas, colour, cx, cy, rx, ry, 0.25 if sky else 0.12, rng)
    return canvas


def _boundary(width: int, base: float, amplitude: float, rng: np.random.Generator) -> np.ndarray:
    """y of a gently wavy line (hills) per column."""
    x = np.linspace(0, 2 * np.pi, width)
    wave = sum(np.sin(x * f + rng.uniform(0, 2 * np.pi)) * rng.uniform(0, 1) for f in (0.5, 1, 2.5))
    return base + amplitude * wave / 2


def _paste_below(canvas: np.ndarray, layer: np.ndarray, line: np.ndarray) -> None:
    """Replace canvas with layer below the per-column line, with a 1.5 px soft edge."""
    rows = np.arange(canvas.shape[0], dtype=np.float32)[:, None]
    alpha = np.clip((rows - line[None, :]) / 1.5 + 0.5, 0, 1)[..., None]
    canvas[:] = canvas * (1 - alpha) + layer * alpha


def _sky(pools: dict[str, list[np.ndarray]], w: int, h: int, rng: np.random.Generator,
         blue_skies: float = 0.0) -> np.ndarray:
    """A procedural sky or a photo's (`blue_skies` of those recoloured blue)."""
    if rng.random() < PROCEDURAL_SKY_SHARE or not pools["sky"]:
        return _procedural_sky(w, h, rng)
    sky = _patch(pools["sky"], w, h, rng)
    if blue_skies > 0 and rng.random() < blue_skies:
        sky = _blue_sky(sky, rng)
    return sky


def compose(pools: dict[str, list[np.ndarray]], size: int, rng: np.random.Generator,
            extras: Extras = NO_EXTRAS) -> np.ndarray:
    """One layered landscape (or, for `extras.object_scenes` of them, an object scene),
    uint8 size x size x 3."""
    if extras.object_scenes > 0 and rng.random() < extras.object_scenes:
        return _finish(object_scene(pools, rng), size, rng)
    w = h = WORK
    canvas = _sky(pools, w, h, rng, extras.blue_skies)
    horizon = rng.uniform(0.25, 0.7) * h
    land_top = horizon
    if pools["water"] and rng.random() < WATER_SHARE:
        water = _patch(pools["water"], w, h, rng)
        _paste_below(canvas, water, np.full(w, horizon, np.float32))
        land_top = horizon + rng.uniform(0.12, 0.3) * h
    land = _patch(pools["land"], w, h, rng)
    if extras.grounds > 0 and rng.random() < extras.grounds:
        land = _recoloured_ground(land, ("snow", "sand")[rng.integers(2)], rng)
    hills = rng.uniform(0, 0.12) * h
    _paste_below(canvas, land, _boundary(w, land_top, hills, rng).astype(np.float32))
    if extras.objects > 0 and rng.random() < extras.objects:
        _add_object(canvas, horizon, land_top, rng)
    return _finish(canvas, size, rng)


def _finish(canvas: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Mirror half of the crops left-right, then downscale to uint8 size x size x 3."""
    if rng.random() < 0.5:
        canvas = canvas[:, ::-1]
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    return np.asarray(image.resize((size, size), Image.Resampling.LANCZOS))


def build_layered(
    outdoor_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    count: int,
    size: int = 64,
    seed: int = 0,
    progress: Callable[[str], None] = print,
    extras: Extras = NO_EXTRAS,
) -> int:
    """Write `count` layered crops to out_dir, from an outdoor build's unpacked packages."""
    outdoor_dir = Path(outdoor_dir).expanduser().resolve()
    debs = find_debs(outdoor_dir / "src" / "debs", PACKAGES)
    unpacked = unpack_debs(debs, outdoor_dir / "src" / "unpacked", progress)
    photos, _ = resolve_sources(OUTDOOR_PHOTOS, unpacked, progress)
    training: dict[str, Path] = {p.name: p.path for p in photos if not p.holdout}
    return write_layered(load_regions(training), out_dir, count, size, seed, progress, extras)


def write_layered(
    pools: dict[str, list[np.ndarray]],
    out_dir: str | os.PathLike,
    count: int,
    size: int = 64,
    seed: int = 0,
    progress: Callable[[str], None] = print,
    extras: Extras = NO_EXTRAS,
) -> int:
    """Write `count` crops named layered_NNNNNN.png; only earlier such files are replaced."""
    out = Path(out_dir).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("layered_*.png"):
        old.unlink()
    rng = np.random.default_rng(seed)
    for i in range(count):
        Image.fromarray(compose(pools, size, rng, extras)).save(
            out / f"layered_{i:06d}.png", compress_level=PNG_COMPRESS_LEVEL)
        if (i + 1) % 2000 == 0:
            progress(f"layered crops: {i + 1}/{count}")
    return count
