"""Per-pixel weights for the colour term so that every stroke counts alike.

A plain mean over all stroke pixels lets two wide bands outvote a small dot: on scenes64 a
red dot inside grass was missed by ~160 RGB levels while both grass bands were met. Here the
strokes are the connected pieces of the mask of one colour (colours compared at 32 levels a
channel, so a stroke's anti-aliased rim stays with it), and each piece gets the same total
weight.
"""

from __future__ import annotations

import cv2
import numpy as np

QUANT = 8  # colours within 8 levels a channel belong to the same stroke


def stroke_weights(color: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """float32 HxW: 1 / (pieces x piece area) on each stroke piece, 0 off the strokes;
    sums to 1 when the mask has any pixel."""
    weights = np.zeros(mask.shape, np.float32)
    if not mask.any():
        return weights
    quantised = (color.astype(np.int32) // QUANT) @ np.array([1 << 10, 1 << 5, 1])
    pieces = []
    for value in np.unique(quantised[mask]):
        count, labels = cv2.connectedComponents((mask & (quantised == value)).astype(np.uint8), 8)
        pieces.extend(labels == label for label in range(1, count))
    for piece in pieces:
        weights[piece] = 1.0 / (len(pieces) * piece.sum())
    return weights
