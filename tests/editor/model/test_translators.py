"""What the Translate dock reads from a translation model's config: drawings, hints, directions."""

from __future__ import annotations

import pytest

from editor.model.translators import translator_traits
from engine import checkpoints, registry


def save_translator(folder, kind, **extra):
    pytest.importorskip("torch")
    net = registry.build("resnet_translator", {"width": 4, "blocks": 1})
    roles = ({"generator_ab": net, "generator_ba": net} if kind == "cyclegan"
             else {"generator": net})
    return checkpoints.save_model(folder, kind, roles, extra=extra, card="# test\n")


def test_a_cyclegan_names_its_directions_by_its_domains(tmp_path):
    named = save_translator(tmp_path / "named", "cyclegan", domains={"a": "green", "b": "warm"})
    traits = translator_traits(named)
    assert [text for _, text in traits.directions] == ["green \u2192 warm", "warm \u2192 green"]
    assert [key for key, _ in traits.directions] == ["ab", "ba"]
    assert not traits.takes_drawings and not traits.takes_hints
    blank = save_translator(tmp_path / "blank", "cyclegan", domains={"a": " ", "b": "warm"})
    assert [text for _, text in translator_traits(blank).directions] == ["A \u2192 B", "B \u2192 A"]


def test_a_sketch_model_takes_drawings_and_a_colouriser_does_not(tmp_path):
    sketch = translator_traits(save_translator(tmp_path / "sketch", "pix2pix",
                                               input_transform="edges"))
    grey = translator_traits(save_translator(tmp_path / "grey", "pix2pix", input_transform="gray"))
    assert sketch.takes_drawings and len(sketch.directions) == 1
    assert not grey.takes_drawings


def test_an_unreadable_model_keeps_the_pad_and_one_direction(tmp_path):
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{not json")
    traits = translator_traits(tmp_path / "broken")
    assert traits.takes_drawings and not traits.takes_hints and len(traits.directions) == 1
