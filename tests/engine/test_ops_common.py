import numpy as np
import pytest
import torch

from engine import registry
from engine.config import GeneratorConfig
from engine.errors import UserError
from engine.ops._common import check_mask, fast, fit_to_model


def test_fast_copy_gives_the_same_images_and_follows_weight_changes():
    g = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=4, width=4)).eval()
    z = torch.rand(3, 4) * 2 - 1
    twin = fast(g)
    assert twin is not g and fast(g) is twin
    with torch.no_grad():
        assert torch.allclose(twin(z), g(z), atol=1e-6)
        g.to_rgb[0][1].weight.mul_(2)  # an in-place weight change
    assert fast(g) is not twin
    with torch.no_grad():
        assert torch.allclose(fast(g)(z), g(z), atol=1e-6)
    assert all(p.is_contiguous() for p in g.parameters())  # the original keeps its layout


def test_fit_to_model_crops_the_centre_square_then_resizes():
    image = np.zeros((20, 40, 3), np.uint8)
    image[:, 10:30] = 255
    fitted = fit_to_model(image, 10)
    assert fitted.shape == (10, 10, 3) and fitted.min() == 255
    same = fit_to_model(np.full((10, 10, 3), 7, np.uint8), 10)
    assert same.flags.writeable and same.min() == 7


def test_check_mask_accepts_bool_and_0_1_only():
    assert check_mask(np.array([[0, 1]]), (1, 2), "m").dtype == bool
    with pytest.raises(UserError, match="boolean"):
        check_mask(np.array([[0, 2]]), (1, 2), "m")
    with pytest.raises(UserError, match="2x1"):
        check_mask(np.zeros((2, 1), bool), (1, 2), "m")
