"""With a learned fill installed, the editor's inpainting uses it (the GAN prior otherwise)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from engine import checkpoints, registry
from engine.jobs import drive
from engine.nets.fill import FillConfig
from engine.ops.inpaint import inpaint
from ui_helpers import EDIT_TIMEOUT, drag, wait_loaded


@pytest.fixture
def fill_folder(tmp_path):
    torch.manual_seed(0)
    net = registry.build("fill_gated_unet", FillConfig(width=4, max_width=8, depth=2, dilated=1,
                                                       image_size=16))
    torch.nn.init.normal_(net.to_rgb.weight, 0.0, 0.1)  # a correction to Telea, as if trained
    return checkpoints.save_model(tmp_path / "models" / "tiny-fill", "fill", {"fill": net},
                                  extra={"image_size": 16})


def test_inpainting_uses_the_installed_learned_fill(make_window, qtbot, edit_model, fill_folder):
    window = make_window(model_dirs=[edit_model.parent, fill_folder.parent])
    wait_loaded(qtbot, window)
    c = window.controller
    assert c.retouch.fill_model().name == "tiny-fill"
    before = c.doc.image
    window.select_tool("mask")
    c.toolbox.set_size(3)
    drag(qtbot, window.canvas, [(5.5, 7.5), (10.5, 7.5)])
    mask = c.retouch.mask()
    with qtbot.waitSignal(c.retouch.inpaintEnded, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda outcome: outcome != "cancelled") as ended:
        qtbot.keyClick(window, Qt.Key_I, Qt.ControlModifier)
    assert ended.args == ["applied"]
    expected = drive(inpaint(checkpoints.load_model(fill_folder), before, mask))
    assert np.array_equal(c.doc.image, expected)
    assert c.undo_stack.count() == 1
