"""Big photos: a 50-megapixel JPEG opens through the editor's photo path with bounded
memory and a downscaled preview; one above engine.imaging.MAX_PIXELS is refused before
any pixel is decoded."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest

from editor.model.photo import DISPLAY_MAX_SIDE, make_preview, read_photo
from engine.errors import ImageError
from engine.imaging import MAX_PIXELS

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 8660, 5773   # 50.0 megapixels
RAW_MB = WIDTH * HEIGHT * 3 / 2 ** 20

# Writes a smooth gradient JPEG (it compresses well), in its own process so that the
# memory spent making it is not counted against opening it.
MAKE = textwrap.dedent("""
    import sys
    import numpy as np
    from PIL import Image
    width, height, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    rgb = np.empty((height, width, 3), np.uint8)
    rgb[..., 0] = x
    rgb[..., 1] = y
    rgb[..., 2] = (x + y) / 2
    Image.fromarray(rgb).save(path, quality=85)
""")

# Opens it the way the editor does (read_photo + make_preview) and reports the peak
# resident memory (ru_maxrss, KiB on Linux) before and after.
OPEN = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, sys.argv[2])
    from editor.model.photo import make_preview, read_photo
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    pixels = read_photo(sys.argv[1])
    preview = make_preview(pixels)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"shape": list(pixels.shape), "preview": list(preview.shape),
                      "peak_mb": peak / 1024, "baseline_mb": before / 1024,
                      "seconds": seconds, "corner": pixels[-1, -1].tolist()}))
""")


def _env():
    return dict(os.environ, OMP_NUM_THREADS="1", OPENCV_FOR_THREADS_NUM="1")


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_50_megapixel_photo_opens_with_bounded_memory_and_a_small_preview(tmp_path):
    path = tmp_path / "big.jpg"
    subprocess.run([sys.executable, "-c", MAKE, str(WIDTH), str(HEIGHT), str(path)], check=True,
                   timeout=300, env=_env())
    result = subprocess.run([sys.executable, "-c", OPEN, str(path), str(REPO)], check=True,
                            capture_output=True, text=True, timeout=300, env=_env())
    report = json.loads(result.stdout)
    print(f"\n50 MP photo: peak RSS {report['peak_mb']:.0f} MiB (baseline "
          f"{report['baseline_mb']:.0f} MiB, pixels {RAW_MB:.0f} MiB), {report['seconds']:.1f} s")
    assert report["shape"] == [HEIGHT, WIDTH, 3]
    assert max(report["preview"][:2]) == DISPLAY_MAX_SIDE
    assert report["preview"][1] / report["preview"][0] == pytest.approx(WIDTH / HEIGHT, rel=0.01)
    assert report["corner"][0] > 240 and report["corner"][1] > 240  # decoded, not blank
    # Decoding needs the pixels plus Pillow's own copy; far more would mean stray copies.
    assert report["peak_mb"] - report["baseline_mb"] < 4 * RAW_MB


def _png_claiming(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width x height but which holds no image data at all."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)   # 8-bit RGB
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("width,height", [(8001, 8000), (100_000, 100_000), (2 ** 31 - 1, 1)],
                         ids=["just-over-limit", "10-gigapixel", "absurd-width"])
def test_a_photo_above_the_pixel_limit_is_refused_with_a_clear_message(tmp_path, width, height):
    assert width * height > MAX_PIXELS
    path = _png_claiming(tmp_path / "huge.png", width, height)
    with pytest.raises(ImageError) as error:
        read_photo(path)
    message = str(error.value)
    assert str(path) in message
    # Ours names the size and the limit; Pillow's bomb guard fires first on absurd sizes.
    assert (f"{width}x{height}" in message and "limit is 64" in message) \
        or "decompression bomb" in message


def test_a_photo_at_the_display_size_keeps_its_pixels():
    pixels = np.random.default_rng(0).integers(0, 256, (DISPLAY_MAX_SIDE, 700, 3), dtype=np.uint8)
    assert make_preview(pixels) is pixels
