"""Image folders for training: scan, decode once into a uint8 cache, crop batches.

Decoding photos dominates a CPU epoch, so every image is decoded once, downscaled so its
shorter side is at most `max_short`, and stored in a memory-mapped uint8 cache (one flat
pixel array plus an index of offsets and shapes) keyed by the file list and the bound.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import atomic
from ..errors import ImageError, UserError
from ..imaging import load_rgb, resize

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")
_CACHE_VERSION = 1


def scan_images(folder: str | os.PathLike, what: str = "--data") -> list[Path]:
    """Every image file under `folder` (recursive, sorted); a missing or empty folder is an error."""
    root = Path(folder)
    if not root.exists():
        raise UserError(f"{what} folder {root} does not exist")
    if not root.is_dir():
        raise UserError(f"{what} {root} is not a folder")
    files = sorted(p for p in root.rglob("*")
                   if p.suffix.lower() in IMAGE_EXTENSIONS and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not files:
        raise UserError(f"{what} folder {root} has no images "
                        f"({', '.join(e.lstrip('.') for e in IMAGE_EXTENSIONS)})")
    return files


@dataclass
class ImageSet:
    """Decoded images (uint8 HxWx3 each, different sizes allowed), memory-mapped."""
    root: Path
    names: list[str]           # paths relative to root, of the images that decoded
    pixels: np.ndarray         # flat uint8
    index: np.ndarray          # int64 (N, 3): offset, height, width
    skipped: list[str]         # files that could not be read, with the reason

    def __len__(self) -> int:
        return len(self.names)

    def get(self, i: int) -> np.ndarray:
        offset, h, w = (int(v) for v in self.index[i])
        return np.asarray(self.pixels[offset:offset + h * w * 3]).reshape(h, w, 3)


def load_image_set(folder: str | os.PathLike, max_short: int, cache_dir: str | os.PathLike,
                   what: str = "--data",
                   progress: Callable[[int, int], None] | None = None) -> ImageSet:
    """Scan, decode (or reuse the cache) and return the folder's images."""
    root = Path(folder)
    files = scan_images(root, what)
    key = _cache_key(root, files, max_short)
    cache = Path(cache_dir)
    paths = {name: cache / f"{key}.{name}" for name in ("pixels.npy", "index.npy", "names.json")}
    if not all(p.is_file() for p in paths.values()):
        _build_cache(root, files, max_short, paths, progress)
    meta = json.loads(paths["names.json"].read_text(encoding="utf-8"))
    if not meta["names"]:
        raise UserError(f"{what} folder {root}: none of its {len(files)} image files could be "
                        f"read (first problem: {meta['skipped'][0]})")
    return ImageSet(root=root, names=meta["names"],
                    pixels=np.load(paths["pixels.npy"], mmap_mode="r"),
                    index=np.load(paths["index.npy"]), skipped=meta["skipped"])


def _cache_key(root: Path, files: list[Path], max_short: int) -> str:
    digest = hashlib.sha1(f"v{_CACHE_VERSION} {max_short}".encode())
    for path in files:
        stat = path.stat()
        digest.update(f"\n{path.relative_to(root)}\t{stat.st_size}\t{stat.st_mtime_ns}".encode())
    return f"images-{max_short}-{digest.hexdigest()[:16]}"


def _build_cache(root: Path, files: list[Path], max_short: int, paths: dict[str, Path],
                 progress: Callable[[int, int], None] | None) -> None:
    chunks, index, names, skipped = [], [], [], []
    offset = 0
    for n, path in enumerate(files):
        if progress is not None:
            progress(n, len(files))
        try:
            rgb = bound_short_side(load_rgb(path), max_short)
        except ImageError as exc:
            skipped.append(str(exc))
            continue
        chunks.append(rgb.reshape(-1))
        index.append((offset, rgb.shape[0], rgb.shape[1]))
        names.append(path.relative_to(root).as_posix())
        offset += rgb.size
    if progress is not None:
        progress(len(files), len(files))   # done: a log that stopped at "0/N" looked stuck
    pixels = np.concatenate(chunks) if chunks else np.zeros(0, np.uint8)
    index_array = np.asarray(index, np.int64).reshape(-1, 3)
    for name, array in (("pixels.npy", pixels), ("index.npy", index_array)):
        with atomic.atomic_path(paths[name]) as tmp, open(tmp, "wb") as f:
            np.save(f, array)
    # Written last: its presence marks a complete cache.
    atomic.write_text(paths["names.json"], json.dumps({"names": names, "skipped": skipped}))


def bound_short_side(rgb: np.ndarray, max_short: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    short = min(h, w)
    if short <= max_short:
        return np.ascontiguousarray(rgb)
    scale = max_short / short
    return resize(rgb, max(1, round(w * scale)), max(1, round(h * scale)))


# ---------------------------------------------------------------- crops

@dataclass
class Crop:
    top: int
    left: int
    height: int
    width: int
    flip: bool


def random_square_crop(h: int, w: int, rng: np.random.Generator,
                       area: tuple[float, float] = (0.7, 1.0), flip: bool = True) -> Crop:
    """A random square covering `area` of the largest centred square, at a random place."""
    short = min(h, w)
    side = max(1, int(round(short * np.sqrt(rng.uniform(*area)))))
    top = int(rng.integers(0, h - side + 1))
    left = int(rng.integers(0, w - side + 1))
    return Crop(top, left, side, side, flip and bool(rng.random() < 0.5))


def random_fixed_crop(h: int, w: int, size: int, rng: np.random.Generator,
                      flip: bool = True) -> Crop:
    """A size x size window without rescaling (images smaller than that are enlarged first)."""
    top = int(rng.integers(0, max(h - size, 0) + 1))
    left = int(rng.integers(0, max(w - size, 0) + 1))
    return Crop(top, left, min(size, h), min(size, w), flip and bool(rng.random() < 0.5))


def apply_crop(rgb: np.ndarray, crop: Crop, out_size: int) -> np.ndarray:
    patch = rgb[crop.top:crop.top + crop.height, crop.left:crop.left + crop.width]
    if patch.shape[0] != out_size or patch.shape[1] != out_size:
        patch = resize(np.ascontiguousarray(patch), out_size, out_size)
    if crop.flip:
        patch = patch[:, ::-1]
    return np.ascontiguousarray(patch)


# ---------------------------------------------------------------- batch order

class BatchOrder:
    """Which images go in each batch: epochs of a seeded permutation, identical on every rank.

    Each batch also gets a seed for its crops, so an item's crop depends on neither which
    process decodes it nor how many there are. The state (generator, permutation, position)
    is saved in checkpoints, so a resumed run sees exactly the batches it would have seen.
    """

    def __init__(self, count: int, batch: int, seed: int, what: str = "--data"):
        if count < batch:
            raise UserError(f"{what} has only {count} usable images, fewer than one batch of "
                            f"{batch}; add images or lower --batch")
        self.count = count
        self.batch = batch
        self.rng = np.random.default_rng(seed)
        self.perm = self.rng.permutation(count)
        self.pos = 0

    def next(self) -> tuple[np.ndarray, int]:
        if self.pos + self.batch > self.count:
            self.perm = self.rng.permutation(self.count)
            self.pos = 0
        indices = self.perm[self.pos:self.pos + self.batch]
        self.pos += self.batch
        return indices, int(self.rng.integers(0, 2 ** 62))

    def state_dict(self) -> dict:
        import torch
        return {"rng": json.dumps(self.rng.bit_generator.state),
                "perm": torch.from_numpy(self.perm.astype(np.int64)), "pos": self.pos}

    def load_state_dict(self, state: dict) -> None:
        """Checked: a resumed run must never index past the images it has."""
        import torch
        perm, pos = state["perm"], state["pos"]
        if not isinstance(perm, torch.Tensor) or perm.dim() != 1 or perm.is_floating_point():
            raise ValueError("the batch order is not a list of image indices")
        perm = perm.numpy().astype(np.int64)
        if len(perm) != self.count or not np.array_equal(np.sort(perm), np.arange(self.count)):
            raise ValueError(f"the batch order covers {len(perm)} images, this data set has "
                             f"{self.count} (resume with the same --data)")
        if not isinstance(pos, int) or isinstance(pos, bool) or not 0 <= pos <= self.count:
            raise ValueError(f"the batch position {pos!r} is out of range")
        if not isinstance(state["rng"], str):
            raise ValueError("the batch order's random state is not text")
        self.rng.bit_generator.state = json.loads(state["rng"])
        self.perm, self.pos = perm, pos


def item_rng(batch_seed: int, position: int) -> np.random.Generator:
    return np.random.default_rng([batch_seed, position])


def shard(n: int, rank: int, world: int) -> slice:
    """This process's part of a global batch of n."""
    per = n // world
    return slice(rank * per, (rank + 1) * per)
