"""Qt-free tools: drags become strokes, the eraser hits what it touches, and strokes
rasterise to the engine's constraints at the model's resolution."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.toolbox import ToolBox
from editor.model.tools import COLOR, SKETCH, WARP, AddStroke, EraseStrokes, Stroke, rasterize


def drag(tool, points, strokes=()):
    tool.press(*points[0], strokes)
    for point in points[1:]:
        tool.move(*point)
    return tool.release(*points[-1])


def test_one_drag_makes_one_stroke_with_the_brush_colour_and_size():
    box = ToolBox(image_size=16)
    box.set_color((10, 200, 30))
    box.set_size(3)
    assert box.active.in_progress() is None
    result = drag(box.active, [(1.0, 1.0), (5.0, 1.0), (5.05, 1.0), (9.0, 4.0)])
    assert isinstance(result, AddStroke)
    stroke = result.stroke
    assert stroke.kind == COLOR and stroke.color == (10, 200, 30) and stroke.width == 3
    assert stroke.points == ((1.0, 1.0), (5.0, 1.0), (9.0, 4.0))  # the 0.05 px step is dropped
    assert not box.active.active


def test_sizes_grow_and_shrink_within_limits_per_tool():
    box = ToolBox(image_size=16)
    box.set_size(3, SKETCH)
    box.set_size(2)
    assert box.grow(1) > 2 and box.grow(-2) < 2.5
    for _ in range(40):
        box.grow(1)
    assert box.active.size == box.max_size == 8
    for _ in range(40):
        box.grow(-1)
    assert box.active.size == 1
    box.select(SKETCH)
    assert box.active.size == 3  # sizes are per tool


def test_warp_is_from_press_to_release_clamped_to_the_image_and_ignores_clicks():
    box = ToolBox(image_size=16)
    box.select(WARP)
    result = drag(box.active, [(4.0, 4.0), (10.0, 30.0)])
    assert result.stroke.kind == WARP and result.stroke.points == ((4.0, 4.0), (10.0, 16.0))
    assert result.stroke.width == box.active.size
    assert drag(box.active, [(4.0, 4.0), (4.2, 4.1)]) is None


def test_eraser_removes_only_the_strokes_it_touches():
    a = Stroke(COLOR, ((0.0, 2.0), (16.0, 2.0)), 2.0, (255, 0, 0))
    b = Stroke(SKETCH, ((0.0, 12.0), (16.0, 12.0)), 1.0)
    c = Stroke(COLOR, ((8.0, 8.0),), 2.0, (0, 0, 255))
    box = ToolBox(image_size=16)
    box.select("eraser")
    box.set_size(2)
    assert drag(box.active, [(4.0, 5.0), (5.0, 6.0)], (a, b, c)) is None  # touches nothing
    result = drag(box.active, [(5.0, 2.5), (8.0, 8.5)], (a, b, c))
    assert result == EraseStrokes((0, 2))


def test_rasterize_colour_sketch_and_warp_at_model_resolution():
    strokes = [Stroke(COLOR, ((0.0, 1.5), (16.0, 1.5)), 1.0, (255, 0, 0)),
               Stroke(COLOR, ((0.0, 1.5), (4.0, 1.5)), 1.0, (0, 255, 0)),   # later wins
               Stroke(SKETCH, ((8.5, 4.0), (8.5, 12.0)), 1.0),
               Stroke(WARP, ((2.0, 3.0), (5.0, 6.0)), 4.0)]
    c = rasterize(strokes, 16)
    assert c.color.shape == (16, 16, 3) and c.color.dtype == np.uint8
    assert c.color_mask.dtype == bool and c.color_mask.shape == (16, 16)
    assert c.color_mask[1].all() and not c.color_mask[3:].any()
    assert (c.color[1, 8] == (255, 0, 0)).all() and (c.color[1, 1] == (0, 255, 0)).all()
    assert c.sketch_mask[4:12, 8].all() and c.sketch_mask.sum() <= 10
    assert len(c.warps) == 1 and (c.warps[0].x0, c.warps[0].y1, c.warps[0].size) == (2.0, 6.0, 4.0)
    assert not c.is_empty()


def test_rasterize_without_strokes_is_empty_and_a_dot_paints_a_disc():
    assert rasterize([], 16).is_empty()
    dot = rasterize([Stroke(COLOR, ((8.0, 8.0),), 4.0, (1, 2, 3))], 16)
    assert dot.color_mask[8, 8] and 8 <= dot.color_mask.sum() <= 20
    assert dot.sketch_mask is None


@pytest.mark.parametrize("data, problem", [
    ({"kind": "spray", "points": [[1, 1]], "width": 1}, "kind"),
    ({"kind": "color", "points": [], "width": 1}, "point"),
    ({"kind": "color", "points": [[1, "a"]], "width": 1}, "points"),
    ({"kind": "color", "points": [[1, 1]], "width": -1}, "width"),
    ({"kind": "color", "points": [[1, 1]], "width": 1, "color": [300, 0, 0]}, "colour"),
    ({"kind": "warp", "points": [[1, 1]], "width": 4}, "two points"),
    ([1, 2], "object"),
])
def test_bad_strokes_are_refused_with_a_reason(data, problem):
    with pytest.raises(ValueError, match=problem):
        Stroke.from_json(data)


def test_stroke_json_round_trip():
    stroke = Stroke(COLOR, ((1.25, 2.5), (3.0, 4.0)), 2.5, (1, 2, 3))
    assert Stroke.from_json(stroke.to_json()) == stroke
