"""Training: datasets, DiffAugment, losses and one loop for every model kind.

    from engine.train import TrainOptions, run_training
    folder = run_training("gan", TrainOptions(data="photos/", out="weights/mine", preset="cpu"))
"""

from .events import TrainEvent, TrainProgress
from .loop import Trainer, run_training
from .options import KINDS, PAIR_MODES, PRESETS, TrainOptions

__all__ = ["KINDS", "PAIR_MODES", "PRESETS", "TrainEvent", "TrainOptions", "TrainProgress",
           "Trainer", "run_training"]
