"""Property-based fuzzing: any bytes given to the loaders give an image or an ImageError."""

import io

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from engine import imaging
from engine.errors import ImageError


def encoded(fmt: str) -> bytes:
    rng = np.random.default_rng(1)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)).save(buffer, format=fmt)
    return buffer.getvalue()


SEEDS = {fmt: encoded(fmt) for fmt in ("PNG", "JPEG", "BMP", "GIF", "WEBP", "TIFF")}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check_loads_or_refuses(path, loader):
    try:
        result = loader(path)
    except ImageError as exc:
        assert str(path.name) in str(exc)
        return
    array = result.rgb if hasattr(result, "rgb") else result
    assert array.dtype in (np.uint8, np.bool_)
    assert array.ndim in (2, 3) and min(array.shape[:2]) >= 1


@FUZZ
@given(fmt=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_mutated_images(tmp_path, fmt, data):
    raw = bytearray(SEEDS[fmt])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    path = tmp_path / f"fuzz.{fmt.lower()}"
    path.write_bytes(bytes(raw[:cut]))
    check_loads_or_refuses(path, imaging.load_image)


@FUZZ
@given(raw=st.binary(min_size=0, max_size=512))
def test_random_bytes(tmp_path, raw):
    path = tmp_path / "random.png"
    path.write_bytes(raw)
    check_loads_or_refuses(path, imaging.load_image)


@FUZZ
@given(fmt=st.sampled_from(["PNG", "BMP", "GIF"]), data=st.data())
def test_mutated_masks(tmp_path, fmt, data):
    raw = bytearray(SEEDS[fmt])
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / f"mask.{fmt.lower()}"
    path.write_bytes(bytes(raw))
    check_loads_or_refuses(path, imaging.load_mask)
