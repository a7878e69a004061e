"""Images come in only as the formats promised (PNG, JPEG, WebP, BMP, TIFF, GIF), and a path
that is not a regular file is named for what it is; float TIFFs with NaN/Inf pixels."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image

from engine.errors import ImageError
from engine.imaging import OPEN_FORMATS, load_image
from engine.train.data import load_image_set

EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n%%EndComments\n"
       b"{ } loop\n%%EOF\n")


@pytest.fixture
def no_ghostscript(monkeypatch):
    """Fails the test if Pillow's EPS decoder (which runs Ghostscript) is ever reached."""
    reached = []
    original = EpsImagePlugin.EpsImageFile._open

    def spy(self):
        reached.append(True)
        return original(self)

    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", spy)
    return reached


@pytest.mark.parametrize("name", ["photo.png", "photo.jpg", "photo.eps", "photo"])
def test_postscript_never_reaches_ghostscript(tmp_path, no_ghostscript, name):
    path = tmp_path / name
    path.write_bytes(EPS)
    with pytest.raises(ImageError, match="not an image file"):
        load_image(path)
    assert no_ghostscript == []


@pytest.mark.parametrize("fmt", ["PPM", "PCX", "TGA", "ICO", "SGI"])
def test_formats_outside_the_promised_ones_are_refused(tmp_path, fmt):
    path = tmp_path / "disguised.png"
    Image.new("RGB", (16, 16), (200, 10, 10)).save(path, format=fmt)
    assert Image.open(path).format == fmt   # Pillow itself would open it
    with pytest.raises(ImageError, match="supported: " + ", ".join(OPEN_FORMATS)):
        load_image(path)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "BMP", "TIFF", "GIF"])
def test_promised_formats_still_open(tmp_path, fmt):
    path = tmp_path / f"ok.{fmt.lower()}"
    Image.new("RGB", (16, 12), (200, 10, 10)).save(path, format=fmt)
    assert load_image(path).rgb.shape == (12, 16, 3)


def test_training_data_skips_a_disguised_postscript(tmp_path, no_ghostscript):
    folder = tmp_path / "data"
    folder.mkdir()
    for i in range(2):
        Image.new("RGB", (16, 16), (i * 100, 0, 0)).save(folder / f"ok{i}.png")
    (folder / "evil.png").write_bytes(EPS)
    images = load_image_set(folder, 32, tmp_path / "cache")
    assert len(images) == 2 and any("evil.png" in s for s in images.skipped)
    assert no_ghostscript == []


def test_symlink_loop(tmp_path):
    loop = tmp_path / "loop.png"
    os.symlink(loop, loop)
    with pytest.raises(ImageError, match="symbolic link loop"):
        load_image(loop)


def test_dangling_symlink(tmp_path):
    link = tmp_path / "gone.png"
    os.symlink(tmp_path / "nowhere.png", link)
    with pytest.raises(ImageError, match="does not exist"):
        load_image(link)


def test_directory(tmp_path):
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(ImageError, match="is a folder"):
        load_image(tmp_path / "folder.png")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageError, match="named pipe"):
        load_image(fifo)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_as_a_device():
    with pytest.raises(ImageError, match="a device"):
        load_image("/dev/zero")


def _float_tiff(path, data):
    Image.fromarray(data.astype(np.float32), mode="F").save(path, format="TIFF")
    return path


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_float_tiff_with_one_non_finite_pixel_keeps_the_rest(tmp_path, bad):
    data = np.tile(np.linspace(0, 1, 16, dtype=np.float32), (16, 1))
    data[3, 5] = bad
    rgb = load_image(_float_tiff(tmp_path / "f.tif", data)).rgb
    expected = np.clip(np.tile(np.linspace(0, 1, 16), (16, 1)) * 255 + 0.5, 0, 255).astype(np.uint8)
    mask = np.ones((16, 16), bool)
    mask[3, 5] = False
    assert np.array_equal(rgb[..., 0][mask], expected[mask])
    assert rgb[3, 5, 0] == (255 if bad == np.inf else 0)


def test_float_tiff_with_no_finite_pixel_is_refused(tmp_path):
    path = _float_tiff(tmp_path / "nan.tif", np.full((8, 8), np.nan))
    with pytest.raises(ImageError, match="nan.tif.*no finite pixels"):
        load_image(path)
