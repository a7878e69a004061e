"""Safe image loading and saving, and conversions between uint8 HWC RGB and float NCHW [-1, 1].

Every image the user might have becomes uint8 HxWx3 RGB (plus an optional HxW alpha):
EXIF orientation applied; palette, LA, RGBA, CMYK, 16-bit, float and greyscale modes
converted explicitly; decompression bombs, truncated and corrupt files refused with a
message that names the file.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from . import atomic
from .errors import ImageError

# Largest image we open: 64 megapixels (an 8000x8000 photo). Pillow's own bomb guard stays
# on as well; we refuse before decoding anything larger.
MAX_PIXELS = 64_000_000
ImageFile.LOAD_TRUNCATED_IMAGES = False
# The formats we open, by Pillow's format name; nothing else is ever handed to a decoder
# (an EPS named .png would otherwise run Ghostscript). GIF: its first frame.
OPEN_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "TIFF", "GIF")
SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP",
                ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF"}
IMAGE_SUFFIXES = tuple(SAVE_FORMATS)


@dataclass
class LoadedImage:
    rgb: np.ndarray               # uint8 HxWx3
    alpha: np.ndarray | None      # uint8 HxW, or None when the file has no transparency
    path: Path
    source_mode: str

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)"""
        return self.rgb.shape[1], self.rgb.shape[0]


def check_input_file(path: str | os.PathLike, what: str = "file") -> Path:
    """A readable regular file, or an ImageError that says what the path really is."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise ImageError(f"{path}: a symbolic link to {os.readlink(path)}, "
                             f"which does not exist") from None
        raise ImageError(f"{path}: {what} not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImageError(f"{path}: a symbolic link loop (it never reaches a file)") from None
        raise ImageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageError(f"{path}: is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else \
            "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file"
        raise ImageError(f"{path}: is {kind}, not a regular {what}")
    if not os.access(path, os.R_OK):
        raise ImageError(f"{path}: cannot be read (permission denied)")
    return path


def load_image(path: str | os.PathLike, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    path = check_input_file(path, "image file")
    if path.stat().st_size == 0:
        raise ImageError(f"{path}: empty file (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=OPEN_FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageError(f"{path}: {width}x{height} is {width * height / 1e6:.0f} "
                                     f"megapixels; the limit is {max_pixels / 1e6:.0f}")
                if width < 1 or height < 1:
                    raise ImageError(f"{path}: image has no pixels")
                image.seek(0)  # animated files: the first frame
                image.load()
                mode = image.mode
                # In place: a copy would cost another full-size image (200 MB for 50 MP).
                ImageOps.exif_transpose(image, in_place=True)
                rgb, alpha = _to_rgb(image)
    except ImageError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ImageError(f"{path}: {exc}") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path}: refused as a possible decompression bomb (too many pixels)") from None
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image file, or a format that is not supported "
                         f"(supported: {', '.join(OPEN_FORMATS)})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"{path}: damaged or truncated image ({exc})") from None
    return LoadedImage(rgb=rgb, alpha=alpha, path=path, source_mode=mode)


def load_rgb(path: str | os.PathLike, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    return load_image(path, max_pixels).rgb


def load_mask(path: str | os.PathLike, shape: tuple[int, int] | None = None) -> np.ndarray:
    """A mask image as bool HxW: white (or opaque where the file has alpha) marks the region."""
    loaded = load_image(path)
    if loaded.alpha is not None and loaded.alpha.min() < 255:
        mask = loaded.alpha >= 128
    else:
        mask = loaded.rgb.mean(axis=2) >= 128
    if shape is not None and mask.shape != tuple(shape):
        raise ImageError(f"{path}: mask is {mask.shape[1]}x{mask.shape[0]} but the image is "
                         f"{shape[1]}x{shape[0]}")
    return mask


def _to_rgb(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        data = np.asarray(image, dtype=np.float64)
        scale = 65535.0 if mode.startswith("I;16") or data.max() > 255 else 255.0
        grey = np.clip(data / scale * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2), None
    if mode == "F":
        data = np.asarray(image, dtype=np.float64)
        finite = np.isfinite(data)
        if not finite.any():
            raise ImageError("float image has no finite pixels (all NaN or infinity)")
        # NaN and -inf count as black, +inf as white; the scale comes from the finite ones.
        high = 1.0 if data[finite].max() <= 1.0 else 255.0
        data = np.where(np.isnan(data), 0.0, np.clip(data, 0.0, high))
        grey = np.clip(data / high * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2), None
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("1", "L"):
        image = image.convert("RGB")
    elif mode in ("LA", "La", "PA", "RGBa"):
        image = image.convert("RGBA")
    elif mode in ("CMYK", "YCbCr", "LAB", "HSV", "RGBX"):
        image = image.convert("RGB")
    elif mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    array = np.array(image)  # a writable copy (np.asarray of a Pillow image is read-only)
    if array.ndim != 3 or array.dtype != np.uint8:
        raise ImageError(f"unsupported pixel layout {image.mode}")
    if array.shape[2] == 4:
        return np.ascontiguousarray(array[..., :3]), np.ascontiguousarray(array[..., 3])
    return np.ascontiguousarray(array), None


def check_rgb(array: np.ndarray, what: str = "image") -> np.ndarray:
    if not isinstance(array, np.ndarray) or array.dtype != np.uint8 or array.ndim != 3 \
            or array.shape[2] != 3:
        shape = getattr(array, "shape", None)
        raise ImageError(f"{what}: expected uint8 HxWx3 RGB, got {getattr(array, 'dtype', type(array))} {shape}")
    return array


def encode_image(array: np.ndarray, fmt: str = "PNG", quality: int = 95) -> bytes:
    array = np.asarray(array)
    if array.ndim == 2:
        image = Image.fromarray(array.astype(np.uint8), "L")
    else:
        image = Image.fromarray(check_rgb(array))
    buffer = io.BytesIO()
    options = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def save_image(path: str | os.PathLike, array: np.ndarray, quality: int = 95) -> Path:
    """Atomically save uint8 HxWx3 (or HxW) as the format the extension names (PNG if none)."""
    path = Path(path)
    fmt = SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImageError(f"{path}: unknown image extension; use one of {', '.join(SAVE_FORMATS)}")
    atomic.write_bytes(path, encode_image(array, fmt, quality))
    return path


def to_tensor(images: np.ndarray, device: torch.device | str = "cpu") -> torch.Tensor:
    """uint8 HxWx3 or NxHxWx3 -> float32 Nx3xHxW in [-1, 1]."""
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4 or array.shape[3] != 3 or array.dtype != np.uint8:
        raise ImageError(f"expected uint8 (N)xHxWx3 images, got {array.dtype} {array.shape}")
    tensor = torch.from_numpy(np.ascontiguousarray(array)).to(device)
    return tensor.permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


def to_uint8(tensor: torch.Tensor) -> np.ndarray:
    """float Nx3xHxW (or 3xHxW) in [-1, 1] -> uint8 NxHxWx3 (or HxWx3)."""
    single = tensor.dim() == 3
    if single:
        tensor = tensor.unsqueeze(0)
    array = ((tensor.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    array = array.permute(0, 2, 3, 1).cpu().numpy()
    return array[0] if single else array


def resize(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize uint8 RGB: area averaging when shrinking, bicubic when enlarging."""
    import cv2
    shrinking = width * height < rgb.shape[0] * rgb.shape[1]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(rgb, (width, height), interpolation=interpolation)


def center_square(width: int, height: int) -> tuple[int, int, int]:
    """(x, y, side) of the centre square of a width x height image: the one place that says
    which square a projection, a transfer and the editor's model square cover."""
    side = min(width, height)
    return (width - side) // 2, (height - side) // 2, side


def center_crop_square(rgb: np.ndarray) -> np.ndarray:
    x, y, side = center_square(rgb.shape[1], rgb.shape[0])
    return rgb[y:y + side, x:x + side]


def grid(images: np.ndarray, columns: int = 8, pad: int = 2) -> np.ndarray:
    """Tile NxHxWx3 images into one uint8 image (for sample sheets)."""
    n, h, w, _ = images.shape
    columns = max(1, min(columns, n))
    rows = (n + columns - 1) // columns
    sheet = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad, 3), 255, np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        sheet[y:y + h, x:x + w] = image
    return sheet
