"""What the Translate dock needs to know about a translation model, from its config.json only:
whether it turns drawings into pictures (a pix2pix model that is not a colouriser), whether it
takes colour hints, and what its two directions are called (a CycleGAN's "domains")."""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.checkpoints import read_model_config
from engine.errors import UserError
from engine.kinds import ModelKind

from .hints import takes_hints

ARROW = "\u2192"


@dataclass(frozen=True)
class TranslatorTraits:
    takes_drawings: bool = False
    takes_hints: bool = False
    directions: tuple[tuple[str, str], ...] = (("ab", f"A {ARROW} B"),)


def translator_traits(folder: str | os.PathLike) -> TranslatorTraits:
    """An unreadable model gets the sketch pad and one direction (the error shows when it is
    used)."""
    try:
        config = read_model_config(folder)
    except (UserError, OSError, ValueError):
        return TranslatorTraits(takes_drawings=True)
    hints = takes_hints(config)
    if config.get("kind") != ModelKind.CYCLEGAN:
        return TranslatorTraits(takes_drawings=config.get("input_transform") != "gray",
                                takes_hints=hints)
    domains = config.get("domains")
    a, b = "A", "B"
    if isinstance(domains, dict) and all(isinstance(domains.get(k), str) and domains[k].strip()
                                         for k in ("a", "b")):
        a, b = domains["a"].strip(), domains["b"].strip()
    return TranslatorTraits(directions=(("ab", f"{a} {ARROW} {b}"), ("ba", f"{b} {ARROW} {a}")))
