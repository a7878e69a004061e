"""Stop and Resume in the trainer window: Stop (SIGTERM) leaves a checkpoint, Resume goes on
from the iteration where the run stopped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from support.images import write_image_folder
from support.models import build_untrained_gan
from ui_helpers import wait_loaded

TRAIN_TIMEOUT = 180000
TINY = ["--size", "16", "--width", "8", "--batch", "8", "--sample-every", "5", "--threads", "1"]


@pytest.fixture
def edit_model(tmp_path):
    """The editor's own model does not matter here: an untrained one saves the training."""
    return build_untrained_gan(tmp_path / "models" / "tiny-base")


def test_stop_leaves_a_checkpoint_that_resume_continues(make_window, qtbot, tmp_path):
    images = write_image_folder(tmp_path / "train-images", 24, 16, seed=5)
    window = make_window(trainer_extra_args=TINY)
    wait_loaded(qtbot, window)
    trainer = window.show_trainer()
    trainer.kind.setCurrentIndex(trainer.kind.findData("gan"))
    trainer.data.setText(str(images))
    trainer.name.setText("halfway")
    trainer.iters.setValue(100000)  # far more than it will run before Stop
    trainer.batch.setValue(8)       # the folder's size: no note about the batch

    trainer.start_button.click()
    qtbot.waitUntil(lambda: any(e["event"] == "progress" for e in trainer.events),
                    timeout=TRAIN_TIMEOUT)
    assert trainer.message.text() == ""   # "Starting..." goes once the iterations run
    assert "ETA" in trainer.progress_label.text()
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        qtbot.mouseClick(trainer.stop_button, Qt.LeftButton)
    assert ended.args == ["stopped"], trainer.message.text()
    assert "iteration" in trainer.progress_label.text() and "ETA" not in trainer.progress_label.text()
    checkpoints = [e for e in trainer.events if e["event"] == "checkpoint"]
    stopped_at = checkpoints[-1]["iter"]
    assert 0 < stopped_at < 100000
    assert (tmp_path / "user-models" / "halfway" / "training" / "state.safetensors").is_file()
    assert f"iteration {stopped_at}" in trainer.message.text()
    assert trainer.resume_button.isEnabled() and trainer.start_button.isEnabled()

    seen = len(trainer.events)
    trainer.iters.setValue(stopped_at + 8)
    with qtbot.waitSignal(trainer.trainingEnded, timeout=TRAIN_TIMEOUT) as ended:
        qtbot.mouseClick(trainer.resume_button, Qt.LeftButton)
    assert ended.args == ["done"], trainer.message.text()
    resumed = trainer.events[seen:]
    gan_progress = []
    for event in resumed:
        if event["event"] == "done":
            break
        if event["event"] == "progress":
            gan_progress.append(event["iter"])
    assert stopped_at < gan_progress[0] <= stopped_at + 8   # it went on, not from 1
    assert gan_progress[-1] == stopped_at + 8
    dones = [e for e in resumed if e["event"] == "done"]
    assert len(dones) == 2 and dones[0]["iter"] == stopped_at + 8 and not dones[0]["stopped"]
    assert (tmp_path / "user-models" / "halfway" / "encoder.safetensors").is_file()
