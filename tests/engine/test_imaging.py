import struct
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from engine import imaging
from engine.errors import ImageError


def gradient(h=24, w=32):
    ys, xs = np.mgrid[:h, :w]
    return np.stack([xs * 255 // (w - 1), ys * 255 // (h - 1), np.full_like(xs, 90)], -1).astype(np.uint8)


def png_header_only(path, width, height):
    """A PNG that claims the given size but holds no pixel data."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp", ".bmp", ".tiff"])
def test_formats_load_as_uint8_rgb(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    Image.fromarray(gradient()).save(path)
    loaded = imaging.load_image(path)
    assert loaded.rgb.dtype == np.uint8 and loaded.rgb.shape == (24, 32, 3)
    assert np.abs(loaded.rgb.astype(int) - gradient()).mean() < 8  # lossy formats are close


def test_sixteen_bit_greyscale_is_scaled_not_clipped(tmp_path):
    data = np.linspace(0, 65535, 64, dtype=np.uint16).reshape(8, 8)
    path = tmp_path / "deep.png"
    Image.fromarray(data).save(path)
    assert Image.open(path).mode.startswith("I")
    rgb = imaging.load_rgb(path)
    assert rgb.shape == (8, 8, 3)
    assert rgb[0, 0, 0] == 0 and rgb[-1, -1, 0] == 255 and 120 < rgb[4, 0, 0] < 140


def test_cmyk_jpeg_converts_to_rgb(tmp_path):
    path = tmp_path / "print.jpg"
    Image.fromarray(gradient()).convert("CMYK").save(path)
    loaded = imaging.load_image(path)
    assert loaded.source_mode == "CMYK" and loaded.rgb.shape == (24, 32, 3)
    assert np.abs(loaded.rgb.astype(int) - gradient()).mean() < 20


def test_palette_with_transparency_gives_alpha(tmp_path):
    image = Image.new("P", (4, 4), 0)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    image.putpixel((1, 1), 1)
    path = tmp_path / "pal.png"
    image.save(path, transparency=1)
    loaded = imaging.load_image(path)
    assert tuple(loaded.rgb[0, 0]) == (255, 0, 0)
    assert loaded.alpha is not None and loaded.alpha[1, 1] == 0 and loaded.alpha[0, 0] == 255


@pytest.mark.parametrize("mode", ["LA", "RGBA"])
def test_alpha_modes_split_colour_and_alpha(tmp_path, mode):
    image = Image.fromarray(gradient()).convert(mode)
    image.putalpha(128)
    path = tmp_path / "alpha.png"
    image.save(path)
    loaded = imaging.load_image(path)
    assert loaded.rgb.shape == (24, 32, 3) and (loaded.alpha == 128).all()


@pytest.mark.parametrize("mode", ["L", "1"])
def test_greyscale_and_bilevel_become_three_equal_channels(tmp_path, mode):
    path = tmp_path / "grey.png"
    Image.fromarray(gradient()).convert(mode).save(path)
    rgb = imaging.load_rgb(path)
    assert rgb.shape == (24, 32, 3)
    assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all()


def test_exif_orientation_is_applied(tmp_path):
    image = Image.fromarray(gradient(20, 40))  # landscape
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when displayed
    path = tmp_path / "phone.jpg"
    image.save(path, exif=exif)
    rgb = imaging.load_rgb(path)
    assert rgb.shape == (40, 20, 3)  # shown as portrait


def test_animated_gif_gives_first_frame(tmp_path):
    frames = [Image.new("RGB", (8, 8), c) for c in [(255, 0, 0), (0, 0, 255)]]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    rgb = imaging.load_rgb(path)
    assert rgb[0, 0, 0] > 200 and rgb[0, 0, 2] < 50


def test_wrong_extension_still_reads_by_content(tmp_path):
    path = tmp_path / "actually_png.jpg"
    Image.fromarray(gradient()).save(path, format="PNG")
    assert (imaging.load_rgb(path) == gradient()).all()


def bad_files(tmp_path):
    good = tmp_path / "good.png"
    Image.fromarray(gradient(64, 64)).save(good)
    jpg = tmp_path / "good.jpg"
    Image.fromarray(gradient(64, 64)).save(jpg)
    cases = {
        "empty": (tmp_path / "empty.png", b""),
        "truncated png": (tmp_path / "cut.png", good.read_bytes()[: len(good.read_bytes()) // 2]),
        "truncated jpeg": (tmp_path / "cut.jpg", jpg.read_bytes()[: len(jpg.read_bytes()) // 2]),
        "corrupt": (tmp_path / "noise.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "text": (tmp_path / "notes.png", b"hello, not an image"),
    }
    for path, data in cases.values():
        path.write_bytes(data)
    return {name: path for name, (path, _) in cases.items()}


@pytest.mark.parametrize("case", ["empty", "truncated png", "truncated jpeg", "corrupt", "text"])
def test_bad_files_raise_image_error_naming_the_file(tmp_path, case):
    path = bad_files(tmp_path)[case]
    with pytest.raises(ImageError) as info:
        imaging.load_image(path)
    assert path.name in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ImageError, match="not found"):
        imaging.load_image(tmp_path / "nope.png")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = png_header_only(tmp_path / "bomb.png", 60000, 60000)
    with pytest.raises(ImageError) as info:
        imaging.load_image(path)
    assert "bomb.png" in str(info.value) and ("megapixels" in str(info.value) or "bomb" in str(info.value))


def test_pixel_limit_is_configurable(tmp_path):
    path = tmp_path / "a.png"
    Image.fromarray(gradient()).save(path)
    with pytest.raises(ImageError, match="megapixels"):
        imaging.load_image(path, max_pixels=100)


def test_mask_from_white_pixels_and_from_alpha(tmp_path):
    mask = np.zeros((8, 8), np.uint8)
    mask[2:5, 3:6] = 255
    Image.fromarray(mask).save(tmp_path / "m.png")
    assert imaging.load_mask(tmp_path / "m.png").sum() == 9
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., 3] = mask
    Image.fromarray(rgba).save(tmp_path / "a.png")
    assert imaging.load_mask(tmp_path / "a.png").sum() == 9
    with pytest.raises(ImageError, match="mask is 8x8"):
        imaging.load_mask(tmp_path / "m.png", shape=(16, 16))


def test_tensor_conversions_round_trip():
    rgb = gradient()
    tensor = imaging.to_tensor(rgb)
    assert tensor.shape == (1, 3, 24, 32) and tensor.min() >= -1 and tensor.max() <= 1
    assert (imaging.to_uint8(tensor)[0] == rgb).all()
    assert (imaging.to_uint8(tensor[0]) == rgb).all()
    with pytest.raises(ImageError):
        imaging.to_tensor(rgb.astype(np.float32))
    assert imaging.to_uint8(torch.full((1, 3, 2, 2), 5.0)).max() == 255


def test_save_is_atomic_and_checks_extension(tmp_path):
    path = imaging.save_image(tmp_path / "out.png", gradient())
    assert (imaging.load_rgb(path) == gradient()).all()
    with pytest.raises(ImageError, match="extension"):
        imaging.save_image(tmp_path / "out.xyz", gradient())
    assert not (tmp_path / "out.xyz").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


@pytest.mark.parametrize("width, height, expected", [(40, 56, (0, 8, 40)), (57, 40, (8, 0, 40)),
                                                     (32, 32, (0, 0, 32))])
def test_the_centre_square_is_where_the_crop_cuts(width, height, expected):
    assert imaging.center_square(width, height) == expected
    x, y, side = expected
    image = np.arange(height * width * 3, dtype=np.int64).reshape(height, width, 3)
    assert np.array_equal(imaging.center_crop_square(image), image[y:y + side, x:x + side])
