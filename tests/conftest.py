"""Shared test set-up: offscreen Qt, fixed seeds, tiny models and synthetic images."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MANIFOLD_DEVICE", "cpu")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from support.images import *  # noqa: E402,F401,F403
from support.models import *  # noqa: E402,F401,F403


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    np.random.seed(0)
    yield
