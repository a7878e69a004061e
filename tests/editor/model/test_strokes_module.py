"""One polyline rasteriser for strokes and masks; the tool modules import in one direction."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from editor.model.mask import MaskStroke, TargetTransform, paint
from editor.model.strokes import COLOR, Stroke, draw_polyline, rasterize


def test_tools_do_not_import_the_mask_module():
    code = ("import sys, editor.model.tools, editor.model.strokes; "
            "sys.exit(int('editor.model.mask' in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_strokes_and_masks_rasterise_alike():
    points, width = ((2.5, 3.5), (11.2, 9.7), (13.0, 4.0)), 2.5
    mask = paint(np.zeros((16, 16), bool), MaskStroke(points, width), TargetTransform())
    constraints = rasterize((Stroke(COLOR, points, width, (9, 9, 9)),), 16)
    assert mask.sum() > 20
    assert np.array_equal(mask, constraints.color_mask)


def test_a_dot_thinner_than_a_pixel_still_marks_its_pixel():
    canvas = np.zeros((8, 8), np.uint8)
    draw_polyline(canvas, [(5.3, 2.8)], 0.4, 1)
    assert canvas[2, 5] == 1 and canvas.sum() >= 1
