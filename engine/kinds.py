"""Model kinds and training kinds: the one place their names are spelled.

A model folder's `config.json` says its `kind` (a ModelKind); `python -m engine train <kind>`
trains a TrainKind, which is a model kind or `encoder` (an encoder added to a gan model).
Both are StrEnums, so they compare equal to, and serialise as, their plain names.
"""

from __future__ import annotations

from enum import StrEnum


class ModelKind(StrEnum):
    GAN = "gan"
    SR = "sr"
    PIX2PIX = "pix2pix"
    CYCLEGAN = "cyclegan"
    FILL = "fill"


class TrainKind(StrEnum):
    GAN = "gan"
    ENCODER = "encoder"
    SR = "sr"
    PIX2PIX = "pix2pix"
    CYCLEGAN = "cyclegan"
    FILL = "fill"


MODEL_KINDS: tuple[str, ...] = tuple(ModelKind)
TRAIN_KINDS: tuple[str, ...] = tuple(TrainKind)
TRANSLATION_KINDS = (ModelKind.PIX2PIX, ModelKind.CYCLEGAN)   # image-to-image translators
