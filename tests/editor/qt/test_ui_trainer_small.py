"""The trainer window on a small folder: a batch that fits is chosen, samples appear while
training runs, and a trainer error is logged once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from support.images import write_image_folder
from support.models import build_untrained_gan

TRAIN_TIMEOUT = 300000
SMALL = ["--size", "16", "--width", "8", "--threads", "1"]   # no --batch: the window picks it


@pytest.fixture
def edit_model(tmp_path):
    return build_untrained_gan(tmp_path / "models" / "tiny-base")


def open_trainer(window, qtbot, folder, name, iters):
    qtbot.keyClick(window, Qt.Key_T, Qt.ControlModifier)
    trainer = window.trainer
    trainer.kind.setCurrentIndex(trainer.kind.findData("gan"))
    trainer.data.setText(str(folder))
    trainer.name.setText(name)
    trainer.preset.setCurrentIndex(trainer.preset.findData("cpu-quick"))
    trainer.iters.setValue(iters)
    return trainer


def test_a_small_folder_trains_with_a_fitting_batch_and_shows_samples_as_it_goes(
        make_window, qtbot, tmp_path):
    from editor.qt.dialogs.trainer import SAMPLE_EVERY
    folder = write_image_folder(tmp_path / "few", 6, 16, seed=2)
    window = make_window(trainer_extra_args=SMALL)
    qtbot.waitUntil(lambda: window.controller.doc is not None, timeout=30000)
    trainer = open_trainer(window, qtbot, folder, "few", 9)
    assert trainer.batch.text() == "auto" and trainer.sample_every.value() == SAMPLE_EVERY
    qtbot.keyClick(trainer.sample_every, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClicks(trainer.sample_every, "3")
    shown_while_running = []
    trainer.process.event.connect(lambda e: e["event"] == "sample" and e["iter"] < 9
                                  and shown_while_running.append(
                                      not trainer.sample.pixmap().isNull()))
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        qtbot.mouseClick(trainer.start_button, Qt.LeftButton)
        assert "batch size 4" in trainer.message.text()
    assert ended.args == ["done"], trainer.message.text()
    assert trainer.request.batch == 4
    samples = [e["iter"] for e in trainer.events if e["event"] == "sample"]
    assert 3 in samples and 6 in samples     # every 3 iterations, not only at the end
    assert shown_while_running and all(shown_while_running)


def test_a_trainer_error_is_logged_once(make_window, qtbot, tmp_path):
    folder = write_image_folder(tmp_path / "few", 6, 16, seed=2)
    window = make_window(trainer_extra_args=SMALL)
    qtbot.waitUntil(lambda: window.controller.doc is not None, timeout=30000)
    trainer = open_trainer(window, qtbot, folder, "toobig", 4)
    trainer.batch.setValue(32)   # chosen by hand: larger than the folder
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        qtbot.mouseClick(trainer.start_button, Qt.LeftButton)
    assert ended.args == ["failed"]
    log = trainer.log.toPlainText()
    assert log.count("fewer than one batch of 32") == 1, log
    assert "fewer than one batch of 32" in trainer.message.text()
