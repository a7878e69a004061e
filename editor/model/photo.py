"""A real photo opened in the editor (Qt-free): its full-resolution pixels, a smaller preview
for the screen, and its projection onto the manifold.

The projection covers the photo's centre square (how engine.ops.project crops a photo that
is not square, and the region engine.ops.transfer maps the edit onto by default). Tools work
in model coordinates; `model_square` says where the model image lies on the photo.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.imaging import center_square, load_image, resize
from engine.jobs import CancelToken, Operation
from engine.ops.tune import DEFAULT_STEPS as TUNE_STEPS
from engine.ops.types import EditConstraints

DISPLAY_MAX_SIDE = 1024  # photos larger than this are shown (and edited live) as a preview


@dataclass(frozen=True, eq=False)
class PhotoLayer:
    """Immutable: inpainting makes a new layer, so undo restores the exact pixels."""
    path: Path
    pixels: np.ndarray            # uint8 HxWx3, full resolution
    preview: np.ndarray           # uint8, at most DISPLAY_MAX_SIDE on the long side
    z_projected: np.ndarray       # float32 Z: G(z_projected) is the photo on the manifold
    projected_image: np.ndarray   # G(z_projected), the 'before' of the edit transfer
    retouched: bool = False       # the pixels differ from the file (inpainted)
    tuned: object = None          # tuned.TunedGenerator for this projection, once tuned

    @classmethod
    def create(cls, path: str | Path, pixels: np.ndarray, z: np.ndarray,
               projected_image: np.ndarray, retouched: bool = False) -> "PhotoLayer":
        return cls(Path(path), pixels, make_preview(pixels), np.asarray(z, np.float32).reshape(-1),
                   projected_image, retouched)

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def preview_scale(self) -> float:
        """Preview pixels per photo pixel (1.0 for small photos)."""
        return self.preview.shape[1] / self.width

    def with_pixels(self, pixels: np.ndarray, preview: np.ndarray | None = None) -> "PhotoLayer":
        return dataclasses.replace(self, pixels=pixels, retouched=True,
                                   preview=make_preview(pixels) if preview is None else preview)

    def with_projection(self, z: np.ndarray, image: np.ndarray) -> "PhotoLayer":
        """A new projection: a generator tuned at the old one no longer belongs to it."""
        return dataclasses.replace(self, z_projected=np.asarray(z, np.float32).reshape(-1),
                                   projected_image=image, tuned=None)

    def with_tuned(self, tuned, image: np.ndarray) -> "PhotoLayer":
        """The tuned generator and its image of the projection (the edit transfer's 'before')."""
        return dataclasses.replace(self, tuned=tuned, projected_image=image)


def read_photo(path: str | Path) -> np.ndarray:
    """The photo's RGB pixels (EXIF-rotated); a bad file raises ImageError naming it."""
    return load_image(path).rgb


def make_preview(pixels: np.ndarray, max_side: int = DISPLAY_MAX_SIDE) -> np.ndarray:
    height, width = pixels.shape[:2]
    factor = max_side / max(height, width)
    if factor >= 1:
        return pixels
    return resize(np.ascontiguousarray(pixels), max(1, round(width * factor)),
                  max(1, round(height * factor)))


def model_square(width: float, height: float) -> tuple[float, float, float]:
    """(x, y, side) of the centre square the projection covers, in the same units."""
    x, y, side = center_square(int(width), int(height))
    return float(x), float(y), float(side)


def preview_square(photo: PhotoLayer) -> tuple[float, float, float]:
    """The centre square in preview pixels (matching the full-resolution one exactly)."""
    x, y, side = model_square(photo.width, photo.height)
    scale = photo.preview_scale
    return x * scale, y * scale, side * scale


def edited(photo: PhotoLayer, image: np.ndarray, full: bool,
           token: CancelToken | None = None,
           constraints: EditConstraints | None = None, pull: float = 1.0) -> Operation[np.ndarray]:
    """The edit (projection -> `image`) transferred onto the photo (full resolution or its
    preview); `constraints` (the strokes) say where it may change the photo. Unchanged
    image: the photo itself."""
    from engine.ops.transfer import transfer
    source = photo.pixels if full else photo.preview
    if np.array_equal(image, photo.projected_image):
        return source
    result = yield from transfer(source, photo.projected_image, image, token=token,
                                 constraints=constraints, pull=pull)
    return result


def frames_on_photo(photo: PhotoLayer, frames: np.ndarray, constraints: EditConstraints,
                    token: CancelToken | None = None) -> Operation[list[np.ndarray]]:
    """Interpolation frames (model images, the first the image before the change, the last
    the current one) carried onto the photo's preview, for the photo view's slider: frame t
    of the way is transferred with its warps moved t of the way and the strokes' pull to
    their painted colour at t, so the last is exactly what the photo view shows."""
    out = []
    for index, frame in enumerate(frames):
        t = index / max(len(frames) - 1, 1)
        warps = [dataclasses.replace(w, x1=w.x0 + t * (w.x1 - w.x0), y1=w.y0 + t * (w.y1 - w.y0))
                 for w in constraints.warps]
        out.append((yield from edited(photo, frame, False, token,
                                      dataclasses.replace(constraints, warps=warps), pull=t)))
    return out


@dataclass
class PhotoSettings:
    """How hard the editor works on photos (tests use small numbers)."""
    projection_steps: int = 100   # hybrid projection after the encoder's first guess
    tune_steps: int = TUNE_STEPS  # pivotal tuning of the generator after it (0: none)
    inpaint_steps: int = 100
    inpaint_starts: int = 4
