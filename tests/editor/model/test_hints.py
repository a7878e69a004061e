"""Colour strokes -> colour hints for a colourising model: each colour stroke's Lab a, b over
the pixels it covers, mapped from model coordinates onto the image translated (the model
image, or the photo whose centre square the model image is)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from editor.model.hints import photo_geometry, stroke_hints, takes_hints
from editor.model.translators import translator_traits
from editor.model.photo import PhotoLayer
from editor.model.strokes import COLOR, SKETCH, WARP, Stroke
from engine.chroma import AB_SCALE, hints_from_points, rgb_to_lab
from engine.errors import UserError
from engine.hint_maps import hints_from_colours, load_hints

RED, BLUE = (230, 40, 40), (40, 60, 220)


def ab(colour) -> np.ndarray:
    return rgb_to_lab(np.asarray(colour, np.uint8).reshape(1, 1, 3))[0, 0, 1:] / AB_SCALE


def test_a_stroke_on_the_model_image_gives_its_colour_where_it_lies():
    stroke = Stroke(COLOR, ((2.0, 4.5), (12.0, 4.5)), 3.0, RED)
    hints, count = stroke_hints([stroke], 16, 16, 16)
    assert count == 1 and hints.shape == (16, 16, 3) and hints.dtype == np.float32
    assert hints[4, 7, 2] == 1 and np.allclose(hints[4, 7, :2], ab(RED))
    assert (hints[10:, :, 2] == 0).all() and (hints[10:, :, :2] == 0).all()
    # at a larger size of the same image (a shown preview), the stroke scales with it
    big, _ = stroke_hints([stroke], 16, 64, 64)
    assert big[18, 28, 2] == 1 and big[13, 28, 2] == 1 and big[26, 28, 2] == 0


def test_strokes_map_onto_the_photos_centre_square():
    """A 40x80 portrait photo: the 16 px model image is its centre 40x40 square (y 20-60), 2.5
    photo pixels per model pixel."""
    photo = PhotoLayer.create("p.png", np.zeros((80, 40, 3), np.uint8), np.zeros(8),
                              np.zeros((16, 16, 3), np.uint8))
    geometry = photo_geometry(photo, 40)
    assert geometry == (0.0, 20.0, 40.0)
    dot = Stroke(COLOR, ((8.0, 8.0),), 2.0, BLUE)          # model centre
    hints, count = stroke_hints([dot], 16, 80, 40, geometry)
    assert count == 1
    ys, xs = np.nonzero(hints[..., 2])
    assert abs(xs.mean() - 19.5) < 1 and abs(ys.mean() - 39.5) < 1   # photo (20, 40)
    assert 16 <= len(xs) <= 36                                         # a 5 px disc
    # the same dab as engine.chroma.hints_from_points makes gives the same colour
    reference = hints_from_points(80, 40, [(19.5, 39.5, 2, BLUE)])
    assert np.allclose(hints[40, 20], reference[40, 20])
    # the photo's preview at half size: the square halves too
    assert photo_geometry(photo, 20) == (0.0, 10.0, 20.0)


def test_later_strokes_lie_on_top_and_other_kinds_give_no_hints():
    strokes = [Stroke(COLOR, ((0.0, 8.0), (16.0, 8.0)), 4.0, RED),
               Stroke(SKETCH, ((8.0, 0.0), (8.0, 16.0)), 4.0),
               Stroke(WARP, ((2.0, 2.0), (5.0, 5.0)), 4.0),
               Stroke(COLOR, ((8.0, 0.0), (8.0, 16.0)), 2.0, BLUE)]
    hints, count = stroke_hints(strokes, 16, 16, 16)
    assert count == 2
    assert np.allclose(hints[8, 7, :2], ab(BLUE)) and np.allclose(hints[8, 2, :2], ab(RED))
    assert hints[2, 2, 2] == 0           # the sketch and the warp give nothing
    assert stroke_hints(strokes[1:3], 16, 16, 16) == (None, 0)
    assert stroke_hints([], 16, 16, 16) == (None, 0)


def test_a_stroke_off_the_image_is_no_hint():
    """Painted outside the model square in the photo view but off a smaller shown image."""
    off = Stroke(COLOR, ((-40.0, 8.0), (-30.0, 8.0)), 2.0, RED)
    on = Stroke(COLOR, ((4.0, 8.0),), 2.0, RED)
    hints, count = stroke_hints([off, on], 16, 16, 16)
    assert count == 1 and hints[..., 2].sum() > 0


def test_which_models_take_hints(tmp_path):
    assert takes_hints({"kind": "pix2pix", "input_transform": "gray", "output": "lab_ab"})
    assert not takes_hints({"kind": "pix2pix", "input_transform": "gray"})     # an RGB model
    assert not takes_hints({"kind": "pix2pix", "input_transform": "edges"})
    assert not takes_hints({"kind": "cyclegan", "input_transform": "gray", "output": "lab_ab"})
    assert not takes_hints({})
    assert not translator_traits(tmp_path / "missing").takes_hints


def test_hints_from_a_transparent_image(tmp_path):
    rgba = np.zeros((6, 9, 4), np.uint8)
    rgba[2, 3] = (*RED, 255)
    rgba[4, 5] = (*BLUE, 60)            # mostly transparent: no hint
    Image.fromarray(rgba, "RGBA").save(tmp_path / "h.png")
    hints = load_hints(tmp_path / "h.png", 9, 6)
    assert hints[..., 2].sum() == 1 and np.allclose(hints[2, 3, :2], ab(RED))
    with pytest.raises(UserError, match="9x6"):
        load_hints(tmp_path / "h.png", 10, 6)
    Image.fromarray(rgba[..., :3]).save(tmp_path / "opaque.png")
    with pytest.raises(UserError, match="transparent"):
        load_hints(tmp_path / "opaque.png", 9, 6)
    with pytest.raises(UserError, match="mask"):
        hints_from_colours(rgba[..., :3], np.zeros((2, 2), bool))
