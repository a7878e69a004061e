"""Build the outdoor-scenes training set from Debian wallpaper packages.

Steps: download the .debs (apt-get download), unpack them (dpkg -x), pick the photos listed
in outdoor_sources, then cut random crops. Every photo's crops come from their own random
stream, seeded by (seed, crop set, photo position), so the output does not depend on
how many worker processes ran.

Layout under the output folder:
    src/debs/, src/unpacked/PKG/   downloaded and unpacked packages (reused on re-runs)
    train64/, train256/            crops from the training photos
    scenes256/                     whole-scene crops (only with --n-scenes256, an experiment)
    holdout/, holdout64/           the held-out photos (shorter side 512) and their crops
    manifest.json
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
from PIL import Image, ImageOps

from engine import atomic
from engine.datasets.outdoor_sources import OUTDOOR_PHOTOS, PACKAGES, SourcePhoto
from engine.errors import UserError

Progress = Callable[[str], None]


class DatasetError(UserError):
    """A dataset recipe step failed in a way the user can fix; the message is one line."""


@dataclass(frozen=True)
class CropSpec:
    """How to cut one crop set. A crop side is drawn log-uniformly (so small and large
    scales are equally common) from either a fraction of the photo's shorter side or a
    pixel range, then the square is resized to `size`."""

    size: int
    side_fraction: tuple[float, float] | None = None
    side_pixels: tuple[int, int] | None = None
    flip: bool = True

    def side_bounds(self, short_side: int) -> tuple[int, int]:
        if self.side_fraction is not None:
            low, high = (round(f * short_side) for f in self.side_fraction)
        else:
            low, high = self.side_pixels
        high = min(high, short_side)
        return min(low, high), high


# 30-100% of the shorter side: at 64 px a crop then shows a composed view (a horizon, a path
# into a wood, a flower against its background) rather than a patch of texture. The first
# shipped model used 12-60% and learnt textures (foliage, grass, water) instead of scenes.
CROPS_64 = CropSpec(size=64, side_fraction=(0.30, 1.0))
CROPS_256 = CropSpec(size=256, side_pixels=(256, 768))
# Whole-scene views at 256 px, off by default (--n-scenes256): the colouriser sees a photo
# whole, shrunk to its working size, so a run tried training it at that scale too; it
# scored worse on the held-out photos (weights/gray2color/README.md).
CROPS_SCENES_256 = CropSpec(size=256, side_fraction=(0.5, 1.0))
HOLDOUT_SHORT_SIDE = 512
# zlib level 3 writes ~10% bigger files than the default 6, three times faster.
PNG_COMPRESS_LEVEL = 3

# Distinct ids keep the random streams of the crop sets apart.
_CROP_SET_IDS = {"train64": 1, "train256": 2, "holdout64": 3, "scenes256": 4}


@dataclass(frozen=True)
class Photo:
    name: str
    path: Path
    holdout: bool


@dataclass(frozen=True)
class _CropJob:
    photo_path: Path
    out_dir: Path
    first_index: int
    count: int
    spec: CropSpec
    seed_words: tuple[int, int, int]


# ---------------------------------------------------------------- top level


def build_outdoor(
    out_dir: str | os.PathLike,
    n64: int = 30000,
    n256: int = 3000,
    seed: int = 0,
    debs_dir: str | os.PathLike | None = None,
    progress: Progress = print,
    n_holdout64: int = 200,
    workers: int | None = None,
    n_scenes256: int = 0,
) -> dict:
    """Run the whole recipe; returns the manifest (also written to out_dir/manifest.json)."""
    out_dir = Path(out_dir).expanduser().resolve()
    ensure_writable_dir(out_dir)
    src_dir = out_dir / "src"
    if debs_dir is None:
        debs = download_debs(src_dir / "debs", PACKAGES, progress)
    else:
        debs = find_debs(Path(debs_dir).expanduser(), PACKAGES)
    unpacked = unpack_debs(debs, src_dir / "unpacked", progress)
    photos, source_records = resolve_sources(OUTDOOR_PHOTOS, unpacked, progress)
    # No manifest until the crops are complete, so an interrupted run is easy to spot.
    (out_dir / "manifest.json").unlink(missing_ok=True)
    summary = build_crop_sets(
        photos, out_dir, n64=n64, n256=n256, n_holdout64=n_holdout64, seed=seed,
        n_scenes256=n_scenes256, progress=progress,
        workers=workers if workers is not None else default_workers(),
    )
    manifest = make_manifest(debs, source_records, summary, seed)
    atomic.write_text(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    progress(f"wrote {out_dir / 'manifest.json'}")
    return manifest


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def ensure_writable_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise DatasetError(f"output folder {path} is not writable: {e.strerror or e}") from None


# ---------------------------------------------------------------- packages


def find_debs(debs_dir: Path, packages: Iterable[str]) -> dict[str, Path]:
    debs = {}
    for package in packages:
        matches = sorted(debs_dir.glob(f"{package}_*.deb"))
        if not matches:
            raise DatasetError(f"no {package}_*.deb in {debs_dir}")
        if len(matches) > 1:
            names = ", ".join(m.name for m in matches)
            raise DatasetError(f"several .debs for {package} in {debs_dir} ({names}); keep one")
        debs[package] = matches[0]
    return debs


def download_debs(debs_dir: Path, packages: Sequence[str], progress: Progress) -> dict[str, Path]:
    """apt-get download whatever is not in debs_dir yet."""
    debs_dir.mkdir(parents=True, exist_ok=True)
    missing = [p for p in packages if not any(debs_dir.glob(f"{p}_*.deb"))]
    if missing:
        progress(f"downloading {', '.join(missing)} into {debs_dir}")
        _apt_get_download(missing, debs_dir)
    else:
        progress(f"using the .debs already in {debs_dir}")
    return find_debs(debs_dir, packages)


def _apt_get_download(packages: Sequence[str], debs_dir: Path) -> None:
    result = _run(["apt-get", "download", *packages], cwd=debs_dir)
    if result.returncode == 0:
        return
    # Usually the package lists are empty or stale (fresh containers): refresh once.
    update = _run(["apt-get", "update"], cwd=debs_dir)
    if update.returncode == 0:
        result = _run(["apt-get", "download", *packages], cwd=debs_dir)
        if result.returncode == 0:
            return
    else:
        result = update
    raise DatasetError(
        f"apt-get download {' '.join(packages)} failed: {last_line(result.stderr)} "
        "(try `sudo apt-get update`, or pass --debs DIR with the .deb files)"
    )


def unpack_debs(debs: dict[str, Path], unpack_root: Path, progress: Progress) -> dict[str, Path]:
    """dpkg -x each .deb into unpack_root/PKG; skipped when that exact .deb is unpacked."""
    roots = {}
    for package, deb in debs.items():
        target = unpack_root / package
        stamp = target / ".unpacked-from"
        if stamp.is_file() and stamp.read_text() == deb.name:
            progress(f"{package}: already unpacked")
        else:
            progress(f"{package}: unpacking {deb.name}")
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            result = _run(["dpkg", "-x", str(deb), str(target)])
            if result.returncode != 0:
                raise DatasetError(f"dpkg -x {deb} failed: {last_line(result.stderr)}")
            stamp.write_text(deb.name)
        roots[package] = target
    return roots


def deb_version(deb: Path) -> str:
    result = _run(["dpkg-deb", "-f", str(deb), "Version"])
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise DatasetError(
            f"{command[0]} not found: this recipe needs a Debian system (apt-get, dpkg)"
        ) from None


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no error message"


# ---------------------------------------------------------------- sources


def resolve_sources(
    sources: Sequence[SourcePhoto], unpacked: dict[str, Path], progress: Progress
) -> tuple[list[Photo], list[dict]]:
    """Locate each listed photo in the unpacked packages and check its checksum.

    A missing photo (another Debian release may ship other files) is skipped with a
    warning; a changed one is used and flagged in the manifest."""
    photos, records = [], []
    for source in sources:
        path = unpacked[source.package] / source.path
        if not path.is_file():
            progress(f"warning: {source.package} has no {source.path}; skipped")
            continue
        photo, record = vetted_photo(source, path, file_sha256(path), progress)
        photos.append(photo)
        records.append(record)
    require_training_photos(photos)
    return photos, records


def vetted_photo(source, path: Path, digest: str, progress: Progress) -> tuple[Photo, dict]:
    """The photo at `path` and its manifest record; a checksum other than the vetted
    file's is reported and flagged, not fatal (another release may recompress it)."""
    matches = digest == source.sha256
    if not matches:
        progress(f"warning: {source.name} differs from the vetted file (sha256); using it anyway")
    return Photo(source.name, path, source.holdout), {**asdict(source), "sha256_matches": matches}


def require_training_photos(photos: Sequence[Photo]) -> None:
    if not any(not p.holdout for p in photos):
        raise DatasetError("none of the training photos were found in the unpacked packages")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- crops


def build_crop_sets(
    photos: Sequence[Photo | tuple[Path, bool]],
    out_dir: str | os.PathLike,
    n64: int,
    n256: int,
    n_holdout64: int,
    seed: int = 0,
    workers: int = 1,
    progress: Progress = print,
    n_scenes256: int = 0,
) -> dict:
    """Write train64/, train256/, scenes256/, holdout/ and holdout64/ under out_dir.

    `photos` are Photo records or (path, holdout) pairs. Held-out photos feed only
    holdout/ and holdout64/. Returns per-photo counts and index ranges for the manifest."""
    photos = [_as_photo(p) for p in photos]
    out_dir = Path(out_dir)
    train = [p for p in photos if not p.holdout]
    held_out = [p for p in photos if p.holdout]
    if not train:
        raise DatasetError("no training photos")

    jobs, summary = [], {"crop_sets": {}, "holdout_photos": []}
    for set_name, set_photos, count, spec in (
        ("train64", train, n64, CROPS_64),
        ("train256", train, n256, CROPS_256),
        ("scenes256", train, n_scenes256, CROPS_SCENES_256),
        ("holdout64", held_out, n_holdout64 if held_out else 0, CROPS_64),
    ):
        set_dir = _fresh_png_dir(out_dir / set_name)
        set_jobs = plan_crop_jobs(set_photos, set_dir, count, spec, seed, _CROP_SET_IDS[set_name])
        jobs += set_jobs
        summary["crop_sets"][set_name] = {
            "count": count,
            "photos": {
                photo.name: {"first_index": job.first_index, "count": job.count}
                for photo, job in zip(set_photos, set_jobs)
            },
        }

    holdout_dir = _fresh_png_dir(out_dir / "holdout")
    for photo in held_out:
        summary["holdout_photos"].append(save_downscaled(photo, holdout_dir, HOLDOUT_SHORT_SIDE))

    progress(f"cutting {n64} + {n256} + {n_scenes256} training crops and "
             f"{n_holdout64 if held_out else 0} "
             f"held-out crops from {len(train)} + {len(held_out)} photos, {workers} worker(s)")
    for done, total in _run_jobs(jobs, workers):
        if done == total or done % max(1, total // 5) == 0:
            progress(f"  photo jobs done: {done}/{total}")
    return summary


def _as_photo(item: Photo | tuple[Path, bool]) -> Photo:
    if isinstance(item, Photo):
        return item
    path, holdout = item
    path = Path(path)
    return Photo(path.stem, path, bool(holdout))


def _fresh_png_dir(path: Path) -> Path:
    """Create path, removing PNGs left by an earlier run (which may have had larger counts)."""
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):
        old.unlink()
    return path


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def plan_crop_jobs(
    photos: Sequence[Photo], out_dir: Path, total: int, spec: CropSpec, seed: int, set_id: int
) -> list[_CropJob]:
    if not photos:
        return []
    jobs, first_index = [], 0
    for position, (photo, count) in enumerate(zip(photos, split_evenly(total, len(photos)))):
        jobs.append(_CropJob(photo.path, out_dir, first_index, count, spec, (seed, set_id, position)))
        first_index += count
    return jobs


def _run_jobs(jobs: list[_CropJob], workers: int):
    """Yield (done, total) as jobs finish; runs in-process when workers <= 1."""
    jobs = [job for job in jobs if job.count > 0]
    if workers <= 1 or len(jobs) <= 1:
        for done, job in enumerate(jobs, 1):
            write_photo_crops(job)
            yield done, len(jobs)
        return
    # spawn, not fork: the caller may have Qt or torch threads running.
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for done, _ in enumerate(pool.imap_unordered(write_photo_crops, jobs), 1):
            yield done, len(jobs)


def write_photo_crops(job: _CropJob) -> int:
    rng = np.random.default_rng(job.seed_words)
    with load_rgb(job.photo_path) as photo:
        for offset in range(job.count):
            crop = random_crop(photo, job.spec, rng)
            crop.save(job.out_dir / f"{job.first_index + offset:06d}.png",
                      compress_level=PNG_COMPRESS_LEVEL)
    return job.count


def random_crop(photo: Image.Image, spec: CropSpec, rng: np.random.Generator) -> Image.Image:
    width, height = photo.size
    low, high = spec.side_bounds(min(width, height))
    side = int(round(np.exp(rng.uniform(np.log(low), np.log(high)))))
    left = int(rng.integers(0, width - side + 1))
    top = int(rng.integers(0, height - side + 1))
    flip = spec.flip and rng.random() < 0.5
    # reducing_gap: box-average down to ~3x the target first, then Lanczos; same look, faster.
    crop = photo.resize(
        (spec.size, spec.size), Image.Resampling.LANCZOS,
        box=(left, top, left + side, top + side), reducing_gap=3.0,
    )
    return crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if flip else crop


def load_rgb(path: Path) -> Image.Image:
    from ..imaging import OPEN_FORMATS
    with Image.open(path, formats=OPEN_FORMATS) as image:
        image = ImageOps.exif_transpose(image)
        return image.convert("RGB")


def save_downscaled(photo: Photo, out_dir: Path, short_side: int) -> dict:
    with load_rgb(photo.path) as image:
        scale = short_side / min(image.size)
        size = (round(image.width * scale), round(image.height * scale))
        if scale < 1:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        target = out_dir / f"{photo.name}.png"
        image.save(target, compress_level=PNG_COMPRESS_LEVEL)
        return {"name": photo.name, "file": f"holdout/{target.name}", "size": list(image.size)}


# ---------------------------------------------------------------- manifest


def make_manifest(debs: dict[str, Path], sources: list[dict], summary: dict, seed: int) -> dict:
    return {
        "recipe": "outdoor",
        "seed": seed,
        "packages": {p: {"deb": d.name, "version": deb_version(d)} for p, d in debs.items()},
        "sources": sources,
        "counts": {name: s["count"] for name, s in summary["crop_sets"].items()}
        | {"holdout": len(summary["holdout_photos"])},
        "crop_params": {
            "train64": _spec_description(CROPS_64, "training photos"),
            "train256": _spec_description(CROPS_256, "training photos"),
            "scenes256": _spec_description(CROPS_SCENES_256, "training photos"),
            "holdout64": _spec_description(CROPS_64, "held-out photos"),
            "holdout": {"short_side": HOLDOUT_SHORT_SIDE, "resample": "LANCZOS"},
            "per_photo_count": "split evenly over the photos of the set",
            "rng": "numpy default_rng([seed, set_id, photo position]), set ids "
            + json.dumps(_CROP_SET_IDS),
        },
        "crop_sets": summary["crop_sets"],
        "holdout_photos": summary["holdout_photos"],
        "tools": {"python": sys.version.split()[0], "pillow": Image.__version__,
                  "numpy": np.__version__},
    }


def _spec_description(spec: CropSpec, source: str) -> dict:
    if spec.side_fraction is not None:
        side = {"side_fraction_of_shorter_side": list(spec.side_fraction)}
    else:
        side = {"side_pixels": list(spec.side_pixels)}
    return {
        "from": source, "size": spec.size, **side, "side_sampling": "log-uniform",
        "hflip_probability": 0.5 if spec.flip else 0.0,
        "resample": "box reduce then LANCZOS (Pillow reducing_gap=3)",
    }
