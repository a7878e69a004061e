"""The sketch term: a drawn line asks for one coherent edge along it (a horizon, a trunk), not
for clutter, whose strong gradients in every direction once scored as well or better."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from engine.ops import losses
from engine.ops.constraints import build_cost, line_tangents
from engine.ops.types import EditConstraints

SIZE = 32


def horizontal_line() -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), bool)
    mask[15:17, 3:29] = True
    return mask


def as_batch(*images: np.ndarray) -> torch.Tensor:
    """uint8 HxWx3 images -> (B,3,H,W) in [-1, 1], as the generator makes them."""
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 127.5 - 1


@pytest.mark.parametrize("start, end, expected", [
    ((3, 16), (28, 16), (1, 0)), ((16, 3), (16, 28), (0, 1)), ((3, 3), (28, 28), (0.7071, 0.7071))])
def test_line_tangents_follow_the_drawn_line(start, end, expected):
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.line(mask, start, end, 1, 2)
    tangents = line_tangents(mask.astype(bool))
    middle = tangents[:, 16, 16]
    assert abs(abs(float(middle @ np.array(expected))) - 1) < 0.02   # either way along the line
    assert np.all(tangents[:, mask == 0][:, cv2.dilate(mask, np.ones((3, 3), np.uint8))[mask == 0] == 0] == 0)


def test_a_horizontal_line_prefers_a_horizon_to_clutter_and_to_crossing_edges():
    horizon = np.full((SIZE, SIZE, 3), 200, np.uint8)
    horizon[16:] = 40                                         # bright sky over dark land
    checkers = (np.indices((SIZE, SIZE)) // 2).sum(0) % 2 == 0
    clutter = np.repeat(np.where(checkers, 230, 20)[..., None], 3, axis=2).astype(np.uint8)
    columns = np.broadcast_to(np.arange(SIZE)[None, :] // 2 % 2 == 0, (SIZE, SIZE))
    stripes = np.repeat(np.where(columns, 230, 20)[..., None], 3, axis=2).astype(np.uint8)
    cost = build_cost(EditConstraints(sketch_mask=horizontal_line()), None, 1.0,
                      losses.hog_for(SIZE, torch.device("cpu")), torch.device("cpu"))
    scores = cost(as_batch(horizon, clutter, stripes))
    assert scores[0] < scores[1] and scores[0] < scores[2]
    assert scores[0] < 0.5 * min(scores[1], scores[2])
