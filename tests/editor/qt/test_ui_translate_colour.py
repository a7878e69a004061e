"""The Translate dock with an unpaired colour model (a CycleGAN marked "output": "chroma",
like the shipped green2warm): both directions apply to the current image, which keeps its
size and lightness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import checkpoints, registry
from engine.ops.translate_eval import lightness_psnr
from ui_helpers import EDIT_TIMEOUT, wait_loaded


@pytest.fixture
def colour_model(tmp_path_factory):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = registry.build("resnet_translator", {"width": 4, "blocks": 1})
    folder = tmp_path_factory.mktemp("colour") / "tiny-green2warm"
    return checkpoints.save_model(folder, "cyclegan", {"generator_ab": net, "generator_ba": net},
                                  extra={"output": "chroma", "domains": {"a": "green", "b": "warm"}},
                                  card="# tiny-green2warm\n\nAn untrained colour test model.\n")


def test_a_colour_model_applies_both_ways_keeping_the_lightness(make_window, qtbot, edit_model,
                                                               colour_model):
    window = make_window(model_dirs=[edit_model.parent, colour_model.parent])
    wait_loaded(qtbot, window)
    window.translate_dock.show()
    window.translate_dock.raise_()
    panel, c = window.translate, window.controller
    qtbot.waitUntil(lambda: panel.isVisible() and panel.model.count() > 0)
    index = next(i for i in range(panel.model.count())
                 if panel.model.itemData(i) and panel.model.itemData(i)[0] == str(colour_model))
    panel.model.setCurrentIndex(index)
    assert panel.direction.isEnabled()   # a CycleGAN goes both ways, named by its domains
    assert [panel.direction.itemText(i) for i in range(panel.direction.count())] == \
        ["green \u2192 warm", "warm \u2192 green"]
    widest = panel.direction.fontMetrics().horizontalAdvance("warm \u2192 green")
    qtbot.waitUntil(lambda: panel.direction.width() > widest)        # the names are not cut
    assert not panel.pad.isVisible() and not panel.pen.isVisible()   # it takes no drawings
    assert "Apply" in panel.output.text() and panel.apply.text() == "Apply to image"
    for row in (0, 1):
        panel.direction.setCurrentIndex(row)
        with qtbot.waitSignal(c.translation.resultReady, timeout=EDIT_TIMEOUT) as ready:
            qtbot.mouseClick(panel.apply, Qt.LeftButton)
        title, image, name = ready.args
        assert image.shape == c.doc.image.shape and image.dtype == np.uint8
        assert "tiny-green2warm" in title and name == "translated_tiny-green2warm.png"
        assert lightness_psnr(image, c.doc.image) > 30


def test_switching_back_to_a_sketch_model_shows_the_pad_again(make_window, qtbot, edit_model,
                                                              colour_model, tiny_pix2pix):
    window = make_window(model_dirs=[edit_model.parent, colour_model.parent,
                                     Path(tiny_pix2pix).parent])
    wait_loaded(qtbot, window)
    window.translate_dock.show()
    window.translate_dock.raise_()
    panel = window.translate
    qtbot.waitUntil(lambda: panel.model.count() >= 2)
    rows = {panel.model.itemData(i)[0]: i for i in range(panel.model.count())}
    panel.model.setCurrentIndex(rows[str(colour_model)])
    qtbot.waitUntil(lambda: not panel.pad.isVisible())
    panel.model.setCurrentIndex(rows[str(Path(tiny_pix2pix))])
    qtbot.waitUntil(lambda: panel.pad.isVisible())
    assert not panel.direction.isEnabled() and panel.direction.currentData() == "ab"
    assert "Draw on the white pad" in panel.output.text()
