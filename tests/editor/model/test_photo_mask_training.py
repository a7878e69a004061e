"""Qt-free pieces of photos, inpainting masks and training: geometry, undoable retouches,
projects that remember a photo, trainer command lines and JSON lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.model import history, loading
from editor.model.document import Document
from editor.model.mask import MaskStroke, PaintMask, TargetTransform, paint
from editor.model.photo import PhotoLayer, make_preview, model_square, preview_square
from editor.model.project import from_document, load_project, save_project
from editor.model.toolbox import ToolBox
from editor.model.training import (LossHistory, TrainRequest, check_request, format_duration,
                                   parse_event, stage_args, stages)
from engine.errors import UserError
from engine.imaging import save_image
from engine.ops.types import EditSettings


def photo_document(pixels: np.ndarray, path: Path = Path("photo.png")) -> Document:
    z = np.linspace(-0.5, 0.5, 8).astype(np.float32)
    image = np.full((16, 16, 3), 100, np.uint8)
    doc = Document.start("tiny", z, image)
    doc.state = doc.state.replace(fixed=True, photo=PhotoLayer.create(path, pixels, z, image))
    return doc


def test_the_model_square_is_the_centre_square():
    assert model_square(40, 56) == (0.0, 8.0, 40.0)
    assert model_square(56, 40) == (8.0, 0.0, 40.0)
    assert model_square(32, 32) == (0.0, 0.0, 32.0)


def test_big_photos_get_a_preview_and_a_matching_square():
    pixels = np.zeros((1500, 3000, 3), np.uint8)
    preview = make_preview(pixels)
    assert preview.shape == (512, 1024, 3)
    layer = PhotoLayer.create("p.png", pixels, np.zeros(8, np.float32), np.zeros((16, 16, 3), np.uint8))
    assert layer.preview_scale == pytest.approx(1024 / 3000)
    x, y, side = preview_square(layer)
    assert (x, y, side) == pytest.approx((750 * 1024 / 3000, 0, 1500 * 1024 / 3000))
    small = np.zeros((40, 56, 3), np.uint8)
    assert make_preview(small) is small


def test_the_mask_tool_paints_into_the_target_resolution():
    box = ToolBox(image_size=16)
    box.select("mask")
    box.set_size(2)
    tool = box.active
    tool.press(2.5, 8.5)
    tool.move(12.5, 8.5)
    result = tool.release(12.5, 8.5)
    assert isinstance(result, PaintMask) and result.stroke.width == 2
    empty = np.zeros((56, 40), bool)
    # Model pixels -> the photo: the 40 px centre square starts 8 rows down, 2.5 px a model px.
    mask = paint(empty, result.stroke, TargetTransform(0, 8, 40 / 16))
    assert not empty.any()  # the input is not modified
    rows = np.nonzero(mask.any(axis=1))[0]
    cols = np.nonzero(mask.any(axis=0))[0]
    assert 8 + 8.5 * 2.5 - 4 < rows.min() and rows.max() < 8 + 8.5 * 2.5 + 4
    assert 2.5 * 2.5 - 4 < cols.min() and cols.max() < 12.5 * 2.5 + 4
    click = paint(np.zeros((16, 16), bool), MaskStroke(((3.5, 4.5),), 0.5), TargetTransform())
    assert click[4, 3] and click.sum() == 1


def _painted_on_the_whole_canvas(mask, stroke, t):
    """The straightforward reference: draw on a full-size copy of the mask."""
    import cv2
    points = np.asarray(stroke.points, np.float64) * t.scale + (t.origin_x, t.origin_y)
    fixed = np.round((points - 0.5) * 16).astype(np.int32)
    canvas = mask.astype(np.uint8)
    width = stroke.width * t.scale
    if len(fixed) == 1 or (fixed == fixed[0]).all():
        radius = max(0, int(round(width / 2 * 16)))
        cv2.circle(canvas, tuple(int(v) for v in fixed[0]), radius, 1, -1, cv2.LINE_8, 4)
        col, row = (int(np.floor(v)) for v in points[0])
        if radius < 8 and 0 <= row < canvas.shape[0] and 0 <= col < canvas.shape[1]:
            canvas[row, col] = 1  # a dot thinner than a pixel still marks its pixel
    else:
        cv2.polylines(canvas, [fixed.reshape(-1, 1, 2)], False, 1, max(1, int(round(width))),
                      cv2.LINE_8, 4)
    return canvas.astype(bool)


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.floats(-10, 30), st.floats(-10, 30)), min_size=1, max_size=5),
       width=st.floats(1, 9), scale=st.sampled_from([1.0, 2.5, 0.5]),
       origin=st.tuples(st.integers(-5, 5), st.integers(-5, 5)))
def test_painting_only_the_stroke_box_matches_painting_the_whole_mask(points, width, scale, origin):
    rng = np.random.default_rng(len(points))
    mask = rng.random((37, 45)) < 0.1
    stroke, t = MaskStroke(tuple(points), width), TargetTransform(*origin, scale)
    assert np.array_equal(paint(mask, stroke, t), _painted_on_the_whole_canvas(mask, stroke, t))


def test_a_refined_projection_moves_the_current_image_only_while_unedited():
    doc = photo_document(np.zeros((56, 40, 3), np.uint8))
    z = np.full(8, 0.25, np.float32)
    better = np.full((16, 16, 3), 7, np.uint8)
    history.refine_projection(doc, z, better).redo(doc)
    assert doc.state.z_current is doc.state.z_start and doc.image is better
    assert np.array_equal(doc.photo.z_projected, z) and doc.photo.projected_image is better
    edited = doc.state.with_current(np.zeros(8, np.float32), np.zeros((16, 16, 3), np.uint8))
    doc.restore(edited)
    history.refine_projection(doc, -z, better).redo(doc)
    assert doc.state.z_current is edited.z_current and np.array_equal(doc.state.z_start, -z)
    restarted = doc.state.replace(z_start=np.ones(8, np.float32))  # e.g. a random start
    doc.restore(restarted)
    history.refine_projection(doc, z, better).redo(doc)
    assert doc.state.z_start is restarted.z_start and np.array_equal(doc.photo.z_projected, z)


def test_a_project_remembers_the_photo_and_its_retouched_pixels(tmp_path, untrained_gan):
    photo_path = tmp_path / "photo.png"
    pixels = np.random.default_rng(1).integers(0, 255, (56, 40, 3), dtype=np.uint8)
    save_image(photo_path, pixels)
    model = loading.load_gan(untrained_gan, "cpu")
    doc = loading.open_photo(model, photo_path)
    assert doc.photo.path == photo_path and np.array_equal(doc.photo.pixels, pixels)
    assert doc.state.fixed and doc.photo.projected_image is doc.image

    data = from_document(doc, EditSettings(), [])
    saved = save_project(tmp_path / "plain", data)
    assert not (saved / "photo.png").exists()  # the photo is referenced, not copied
    assert load_project(saved).photo_path == str(photo_path)

    retouched = pixels.copy()
    retouched[:8] = 0
    history.retouch_photo(doc, retouched).redo(doc)
    painted = doc.image.copy()
    painted[0, 0] = (1, 2, 3)
    history.retouch_image(doc, painted).redo(doc)
    saved = save_project(tmp_path / "retouched", from_document(doc, EditSettings(), []))
    opened = loading.open_project(saved, "cpu", current=model)
    state = opened.document.state
    assert np.array_equal(state.photo.pixels, retouched) and state.photo.retouched
    assert np.array_equal(state.image, painted) and state.retouched
    assert opened.max_difference == 0 and opened.photo_problem is None


def request(tmp_path, **changes) -> TrainRequest:
    data = tmp_path / "images"
    if not data.exists():
        data.mkdir()
        save_image(data / "a.png", np.zeros((16, 16, 3), np.uint8))
    values = dict(kind="gan", data=data, name="mine", models_dir=tmp_path / "models", iters=50,
                  device="cpu", extra=["--size", "16"])
    values.update(changes)
    return TrainRequest(**values)


def test_gan_training_is_a_gan_run_then_an_encoder_run(tmp_path):
    r = request(tmp_path)
    check_request(r)
    gan, encoder = stages(r)
    out = str(tmp_path / "models" / "mine")
    assert gan.args[:6] == ("train", "gan", "--data", str(r.data), "--out", out)
    assert encoder.args[:6] == ("train", "encoder", "--model", out, "--data", str(r.data))
    for stage in (gan, encoder):
        assert "--json" in stage.args and stage.args[-2:] == ("--size", "16")
        assert ("--iters", "50") == stage.args[stage.args.index("--iters"):][:2]
    assert stage_args(gan, resume=True)[-1] == "--resume"
    assert stage_args(gan, force=True)[-1] == "--force"


def test_pix2pix_and_cyclegan_take_their_second_folder(tmp_path):
    second = tmp_path / "images"
    r = request(tmp_path, kind="pix2pix", pairs="folder", data_b=second)
    (stage,) = stages(r)
    assert stage.args[stage.args.index("--pairs") + 1] == "folder"
    assert stage.args[stage.args.index("--data-b") + 1] == str(second)
    (edges,) = stages(request(tmp_path, kind="pix2pix", pairs="edges"))
    assert "--data-b" not in edges.args
    with pytest.raises(UserError, match="Domain B folder"):
        check_request(request(tmp_path, kind="cyclegan"))


@pytest.mark.parametrize("change, message", [
    (dict(name=""), "Model name"), (dict(name="../up"), "Model name"),
    (dict(kind="pix2pix", pairs=None), "pair"), (dict(iters=0), "Iterations"),
])
def test_bad_requests_say_what_is_wrong(tmp_path, change, message):
    with pytest.raises(UserError, match=message):
        check_request(request(tmp_path, **change))


def test_bad_data_folders_are_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="does not exist"):
        check_request(request(tmp_path, data=tmp_path / "missing"))
    with pytest.raises(UserError, match="Data folder .*empty has no images"):
        check_request(request(tmp_path, data=tmp_path / "empty"))


def test_trainer_lines_and_loss_history():
    assert parse_event('{"event": "progress", "iter": 3}') == {"event": "progress", "iter": 3}
    assert parse_event("decoding images") is None
    assert parse_event('{"no": "event"}') is None and parse_event("{broken") is None
    losses = LossHistory(limit=6)
    for i in range(1, 6):
        losses.add(i, {"loss_d": 1.0 / i, "bad": float("nan")})
    assert [i for i, _ in losses.series["loss_d"]] == [1, 2, 3, 4, 5] and "bad" not in losses.series
    losses.add(3, {"loss_d": 0.5})  # a resumed run goes on from its checkpoint at 2
    assert [i for i, _ in losses.series["loss_d"]] == [1, 2, 3]
    for i in range(4, 12):
        losses.add(i, {"loss_d": 0.1})
    assert len(losses.series["loss_d"]) <= 6
    assert format_duration(65) == "1:05" and format_duration(3725) == "1:02:05"
    assert format_duration(None) == "?"
