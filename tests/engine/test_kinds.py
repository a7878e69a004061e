"""Model and training kinds are spelled once (engine.kinds) and used everywhere."""

from __future__ import annotations

import json

from engine import checkpoints
from engine.kinds import MODEL_KINDS, TRAIN_KINDS, ModelKind, TrainKind
from engine.train import KINDS
from engine.train.tasks import TASKS


def test_every_training_kind_has_a_task_and_every_model_kind_is_trainable():
    assert set(TASKS) == set(TrainKind) and KINDS == TRAIN_KINDS
    assert set(ModelKind) <= set(TrainKind) and checkpoints.MODEL_KINDS is MODEL_KINDS
    assert all(TASKS[kind].kind == kind for kind in TrainKind)


def test_kinds_are_their_plain_names_in_files_and_comparisons():
    assert ModelKind.GAN == "gan" and json.dumps({"kind": ModelKind.PIX2PIX}) == '{"kind": "pix2pix"}'
    assert ModelKind("cyclegan") is ModelKind.CYCLEGAN


def test_the_editor_trainer_offers_model_kinds():
    from editor.model.training import KINDS as OFFERED
    assert set(OFFERED) <= set(ModelKind)
