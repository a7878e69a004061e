"""Models and Device menus, upscaled export, the layout at 1280x800, the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from PySide6.QtWidgets import QMenu

from engine.imaging import load_rgb
from ui_helpers import EDIT_TIMEOUT, wait_loaded

ROOT = Path(__file__).resolve().parents[3]


def test_models_menu_lists_installed_models_with_their_cards(window, edit_model):
    menu = QMenu()
    window.models.fill(menu)
    entries = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert list(entries) == [edit_model.name]  # its display name
    action = entries[edit_model.name]
    assert action.isChecked() and action.isEnabled()
    assert edit_model.name in action.toolTip()
    devices = {a.data(): a for a in window.actions.devices.values()}
    assert devices["cuda"].isEnabled() == torch.cuda.is_available()
    assert devices["cpu"].isChecked()


def test_export_upscaled_uses_the_installed_sr_model(make_window, qtbot, edit_model, tiny_sr,
                                                     tmp_path):
    window = make_window(model_dirs=[edit_model.parent, Path(tiny_sr).parent])
    wait_loaded(qtbot, window)
    c = window.controller
    assert c.upscaler().name == Path(tiny_sr).name
    job = c.export_upscaled(tmp_path / "big.png")
    with qtbot.waitSignal(job.finished, timeout=EDIT_TIMEOUT):
        pass
    big = load_rgb(tmp_path / "big.png")
    assert big.shape == (64, 64, 3)
    # An untrained sr model starts as a plain enlargement: the colours stay those of the image.
    small = big.reshape(16, 4, 16, 4, 3).mean(axis=(1, 3))
    assert np.abs(small - c.doc.image).mean() < 20


def test_without_an_sr_model_upscaled_export_is_disabled(window):
    assert window.controller.upscaler() is None
    window.menuBar().actions()[0].menu().aboutToShow.emit()
    assert not window.actions.export_upscaled.isEnabled()


def test_the_window_is_usable_at_1280x800(window, qtbot):
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    canvas = window.canvas
    assert canvas.width() >= 600 and canvas.height() >= 500
    for dock in window.docks:
        assert dock.isVisible() and dock.width() > 100
    assert window.candidates.list.width() >= 2 * 88


def test_command_line_help():
    result = subprocess.run([sys.executable, "-m", "editor", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--model" in result.stdout and "--device" in result.stdout
