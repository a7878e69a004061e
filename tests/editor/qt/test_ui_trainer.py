"""The trainer window: a tiny GAN + encoder run to completion that shows up in the Models
menu, bad folders caught before anything starts, a crashing trainer reported while the
editor keeps working."""

from __future__ import annotations

import json
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from support.images import write_image_folder
from support.models import build_untrained_gan
from ui_helpers import LOAD_TIMEOUT, wait_loaded

TRAIN_TIMEOUT = 180000
# The cpu-quick preset, overridden with tiny settings so a run takes seconds.
TINY = ["--size", "16", "--width", "8", "--batch", "8", "--sample-every", "5", "--threads", "1"]


@pytest.fixture
def edit_model(tmp_path):
    """The editor's own model does not matter here: an untrained one saves the training."""
    return build_untrained_gan(tmp_path / "models" / "tiny-base")


@pytest.fixture
def images(tmp_path):
    return write_image_folder(tmp_path / "train-images", 24, 16, seed=5)


def fill(trainer, kind: str, data, name: str, iters: int) -> None:
    trainer.kind.setCurrentIndex(trainer.kind.findData(kind))
    trainer.data.setText(str(data))
    trainer.name.setText(name)
    trainer.preset.setCurrentIndex(trainer.preset.findData("cpu-quick"))
    trainer.iters.setValue(iters)


def test_a_tiny_training_finishes_and_its_model_can_be_chosen(make_window, qtbot, images,
                                                              tmp_path):
    window = make_window(trainer_extra_args=TINY)
    wait_loaded(qtbot, window)
    qtbot.keyClick(window, Qt.Key_T, Qt.ControlModifier)
    trainer = window.trainer
    assert trainer.isVisible() and trainer.stop_button.isEnabled() is False
    fill(trainer, "gan", images, "mine", 12)
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        qtbot.mouseClick(trainer.start_button, Qt.LeftButton)
        assert trainer.stop_button.isEnabled() and not trainer.start_button.isEnabled()
    assert ended.args == ["done"], trainer.message.text()

    folder = tmp_path / "user-models" / "mine"
    config = json.loads((folder / "config.json").read_text())
    assert config["kind"] == "gan" and "encoder" in config["networks"]
    events = [e["event"] for e in trainer.events]
    assert events.count("done") == 2  # the gan, then its encoder
    assert "progress" in events and "sample" in events
    progress = [e for e in trainer.events if e["event"] == "progress"]
    assert progress[-1]["iter"] == 12 and progress[-1]["total"] == 12
    assert trainer.history.series and not trainer.sample.pixmap().isNull()
    assert "ETA" in trainer.progress_label.text() and "Stage 2/2" in trainer.progress_label.text()
    assert "Models menu" in trainer.message.text()

    # The new model is in the Models menu; choosing it loads it.
    menu = QMenu()
    window.models.fill(menu)
    action = next(a for a in menu.actions() if a.text() == "mine")
    with qtbot.waitSignal(window.controller.modelChanged, timeout=LOAD_TIMEOUT):
        action.trigger()
    assert window.controller.model.folder == folder


@pytest.mark.parametrize("case", ["missing", "empty", "no-images", "bad-name", "taken-name",
                                  "no-domain-b"])
def test_bad_input_is_reported_before_anything_starts(window, qtbot, tmp_path, images, case,
                                                      edit_model):
    trainer = window.show_trainer()
    started = []
    trainer.process.stageStarted.connect(lambda *args: started.append(args))
    data = {"missing": tmp_path / "nowhere", "empty": tmp_path / "empty",
            "no-images": tmp_path / "texts"}.get(case, images)
    (tmp_path / "empty").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "notes.txt").write_text("not an image")
    name = {"bad-name": "bad name!", "taken-name": edit_model.name}.get(case, "mine")
    fill(trainer, "cyclegan" if case == "no-domain-b" else "gan", data, name, 10)
    qtbot.mouseClick(trainer.start_button, Qt.LeftButton)
    expected = {"missing": "does not exist", "empty": "has no images",
                "no-images": "has no images", "bad-name": "Model name",
                "taken-name": "already installed", "no-domain-b": "Domain B folder"}[case]
    assert expected in trainer.message.text()
    assert not trainer.process.running and started == []
    assert not (tmp_path / "user-models").exists()
    assert trainer.start_button.isEnabled()


def test_a_crashing_trainer_is_reported_and_the_editor_keeps_working(make_window, qtbot, images,
                                                                     tmp_path):
    crash = tmp_path / "crash.py"
    crash.write_text("import sys\nprint('loading the data', flush=True)\n"
                     "sys.stderr.write('RuntimeError: the trainer blew up\\n')\nsys.exit(1)\n")
    window = make_window(trainer_program=sys.executable, trainer_args=[str(crash)])
    wait_loaded(qtbot, window)
    trainer = window.show_trainer()
    fill(trainer, "sr", images, "crashy", 10)
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        trainer.start_button.click()
    assert ended.args == ["failed"]
    text = trainer.message.text()
    assert "exit code 1" in text and "the trainer blew up" in text
    assert "loading the data" in trainer.log.toPlainText()
    assert trainer.start_button.isEnabled() and not trainer.resume_button.isEnabled()

    # The editor is unaffected: a new start still works.
    c = window.controller
    before = c.doc.image
    with qtbot.waitSignal(c.documentChanged, timeout=LOAD_TIMEOUT):
        c.new_start("random")
    assert c.doc.image is not before


def test_a_trainer_that_cannot_start_is_reported(make_window, qtbot, images, tmp_path):
    window = make_window(trainer_program=str(tmp_path / "no-such-program"))
    wait_loaded(qtbot, window)
    trainer = window.show_trainer()
    fill(trainer, "sr", images, "never", 10)
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        trainer.start_button.click()
    assert ended.args == ["failed"] and "could not be started" in trainer.message.text()
