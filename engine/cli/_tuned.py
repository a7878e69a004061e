"""`--tuned G.safetensors`: run an op with a pivotal-tuned generator (from `project --method
pti`) in place of the model's own."""

from __future__ import annotations

import argparse

import numpy as np

from ..checkpoints import Model
from ..ops.tune import load_tuned, with_generator


def add_tuned_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tuned", default=None, metavar="G.safetensors",
                        help="a tuned generator written by `project --method pti` for this model")


def apply_tuned(args: argparse.Namespace, model: Model) -> tuple[Model, np.ndarray | None]:
    """(the model with the tuned generator in place, the pivot) or (model, None) without --tuned."""
    if getattr(args, "tuned", None) is None:
        return model, None
    generator, pivot = load_tuned(args.tuned, model)
    return with_generator(model, generator), pivot
