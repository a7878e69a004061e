"""Engine ops take their main arguments by position and every option by keyword
(`project(G, target, *, method, steps, ...)`, as stylegan2-ada's projector does), so a call
reads the same in the CLI, the editor and the tests, and an option cannot be passed in the
wrong place."""

from __future__ import annotations

import inspect

import pytest

from engine.ops.colorize import colorize
from engine.ops.edit import edit
from engine.ops.evaluate import evaluate
from engine.ops.fill import fill
from engine.ops.fill_eval import evaluate_fill
from engine.ops.inpaint import inpaint
from engine.ops.interpolate import interpolate
from engine.ops.project import project
from engine.ops.translate import translate
from engine.ops.transfer import transfer
from engine.ops.tune import tune
from engine.ops.upscale import upscale

MAIN = {project: ("model", "image"), inpaint: ("model", "image", "mask"),
        fill: ("model", "image", "mask"), tune: ("model", "image", "pivot"),
        interpolate: ("z0", "z1"), translate: ("model", "image"),
        colorize: ("model", "net", "image"), evaluate: ("model", "images_dir"),
        evaluate_fill: ("model", "images_dir"), edit: ("model", "constraints"),
        transfer: ("photo", "before", "after"), upscale: ("model", "image")}


@pytest.mark.parametrize("op", list(MAIN), ids=lambda op: op.__name__)
def test_options_are_keyword_only(op):
    params = list(inspect.signature(op).parameters.values())
    positional = tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD)
    assert positional == MAIN[op]
    assert all(p.kind is p.KEYWORD_ONLY for p in params[len(positional):])


def test_an_option_passed_by_position_is_refused():
    import numpy as np
    with pytest.raises(TypeError):
        interpolate(np.zeros(4), np.ones(4), 3)
