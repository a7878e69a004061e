"""The learned fill's network and its hole masks."""

import numpy as np
import pytest
import torch

from engine import checkpoints, registry
from engine.errors import UserError
from engine.nets.fill import FillConfig
from engine.ops.fill_masks import (MAX_HOLE_FRACTION, centred_box, free_form, free_form_photo,
                                   training_mask)

TINY = FillConfig(width=4, max_width=8, depth=2, dilated=1, image_size=16)


def tiny_net(seed=0, fresh=False):
    """fresh: as built (its correction starts at zero); else with a random last layer."""
    torch.manual_seed(seed)
    net = registry.build("fill_gated_unet", TINY).eval()
    if not fresh:
        torch.nn.init.normal_(net.to_rgb.weight, 0.0, 0.1)
    return net


def test_output_is_the_input_outside_the_hole_at_any_multiple_of_its_size():
    net = tiny_net()
    image = torch.rand(2, 3, 12, 20) * 2 - 1
    hole = torch.zeros(2, 1, 12, 20)
    hole[:, :, 4:8, 6:14] = 1
    with torch.no_grad():
        out = net(image, hole)
    assert out.shape == image.shape
    assert torch.equal(out[hole.expand_as(out) == 0], image[hole.expand_as(image) == 0])
    assert out.abs().max() <= 1
    assert net.multiple == 4


def test_a_fresh_net_returns_its_prefill_and_a_trained_one_corrects_it():
    image = torch.rand(1, 3, 16, 16) * 2 - 1
    hole = torch.zeros(1, 1, 16, 16)
    hole[..., 5:11, 5:11] = 1
    with torch.no_grad():
        assert torch.equal(tiny_net(fresh=True)(image, hole), image)
        corrected = tiny_net()(image, hole)
    assert not torch.equal(corrected[..., 5:11, 5:11], image[..., 5:11, 5:11])


def test_saved_fill_model_round_trips(tmp_path):
    net = tiny_net(3)
    folder = checkpoints.save_model(tmp_path / "fill", "fill", {"fill": net},
                                    extra={"image_size": 16}, dtype=torch.float16)
    model = checkpoints.load_model(folder)
    assert model.kind == "fill" and model.net("fill").config == TINY
    x, hole = torch.rand(1, 3, 16, 16) * 2 - 1, torch.ones(1, 1, 16, 16)
    with torch.no_grad():
        assert torch.allclose(model.net("fill")(x, hole), net(x, hole), atol=0.02)


@pytest.mark.parametrize("change, message", [
    ({"width": 0}, "width"), ({"depth": 7}, "depth"), ({"dilated": -1}, "dilated"),
    ({"prefill": "blur"}, "prefill"),
])
def test_bad_settings_are_named(change, message):
    settings = {**TINY.__dict__, **change}
    with pytest.raises(UserError, match=message):
        registry.build("fill_gated_unet", settings)


def test_training_masks_are_seeded_bounded_and_varied():
    masks = [training_mask(64, np.random.default_rng([7, i])) for i in range(40)]
    again = [training_mask(64, np.random.default_rng([7, i])) for i in range(40)]
    assert all(np.array_equal(a, b) for a, b in zip(masks, again))
    fractions = np.array([m.mean() for m in masks])
    assert fractions.min() > 0 and fractions.max() <= MAX_HOLE_FRACTION
    assert fractions.std() > 0.02   # strokes and boxes of many sizes, not one shape
    # boxes fill their bounding rectangle; strokes do not
    full = [m[np.ix_(m.any(1), m.any(0))].all() for m in masks]
    assert 0 < sum(full) < len(full)


def test_photo_masks_fit_the_photo():
    stroke = free_form_photo(30, 50, np.random.default_rng(1))
    assert stroke.shape == (30, 50) and stroke.any() and not stroke[:, :10].any()
    box = centred_box(30, 50, 10)
    assert box.sum() == 100 and box[10:20, 20:30].all()
    assert free_form(32, np.random.default_rng(2)).dtype == bool
