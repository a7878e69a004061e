"""Training: datasets, DiffAugment, losses and one loop for every model kind.

    from engine.train import TrainOptions, run_training
    folder = run_training("gan", TrainOptions(data="photos/", out="weights/mine", preset="cpu"))
"""

from .loop import CHECKPOINT, DONE, SAMPLE, STATUS, Trainer, run_training
from .options import KINDS, PAIR_MODES, PRESETS, TrainOptions

__all__ = ["CHECKPOINT", "DONE", "KINDS", "PAIR_MODES", "PRESETS", "SAMPLE", "STATUS",
           "TrainOptions", "Trainer", "run_training"]
