import pytest
import torch

from engine import registry
from engine.config import DiscriminatorConfig, EncoderConfig, GeneratorConfig
from engine.errors import RegistryError, UserError


@pytest.mark.parametrize("size", [32, 64, 128, 256])
@pytest.mark.parametrize("upsample", ["resize", "transpose"])
def test_generator_output_shape_and_range(size, upsample):
    g = registry.build("dcgan_generator", GeneratorConfig(image_size=size, z_dim=16, width=4,
                                                          upsample=upsample)).eval()
    out = g(g.sample_z(2))
    assert out.shape == (2, 3, size, size)
    assert out.abs().max() <= 1.0


@pytest.mark.parametrize("size", [16, 32, 64, 128, 256])
def test_discriminator_logits_and_features(size):
    d = registry.build("dcgan_discriminator", DiscriminatorConfig(image_size=size, width=4))
    logits, features = d(torch.randn(3, 3, size, size), return_features=True)
    assert logits.shape == (3,)
    assert features[0].shape[-1] == size // 2 and features[-1].shape[-1] == 4


@pytest.mark.parametrize("size", [32, 64])
def test_encoder_maps_image_into_prior_range(size):
    e = registry.build("dcgan_encoder", EncoderConfig(image_size=size, z_dim=12, width=4))
    z = e(torch.randn(2, 3, size, size) * 3)
    assert z.shape == (2, 12)
    assert z.abs().max() <= 1.0


def test_gradients_flow_from_image_to_z():
    g = registry.build("dcgan_generator", GeneratorConfig(image_size=32, z_dim=8, width=4)).eval()
    z = g.sample_z(2).requires_grad_(True)
    g(z).pow(2).mean().backward()
    assert z.grad is not None and z.grad.abs().sum() > 0


def test_hog_is_differentiable_and_sees_edges():
    hog = registry.build("hog")
    flat = torch.zeros(1, 3, 32, 32)
    edge = flat.clone()
    edge[..., :, 16:] = 1.0  # a vertical edge
    assert hog(edge).abs().sum() > hog(flat).abs().sum() + 1.0
    image = edge.clone().requires_grad_(True)
    hog(image).sum().backward()
    assert image.grad.abs().sum() > 0


def test_hog_orientation_bins_differ_for_vertical_and_horizontal_edges():
    hog = registry.build("hog")
    vertical = torch.zeros(1, 3, 32, 32)
    vertical[..., :, 16:] = 1.0
    horizontal = vertical.transpose(2, 3).contiguous()
    hv = hog.cell_histograms(vertical).sum((0, 2, 3))
    hh = hog.cell_histograms(horizontal).sum((0, 2, 3))
    assert hv.argmax() != hh.argmax()


def test_unknown_architecture_lists_known_ones():
    with pytest.raises(RegistryError) as info:
        registry.build("stylegan9")
    assert "dcgan_generator" in str(info.value) and "stylegan9" in str(info.value)


@pytest.mark.parametrize("bad", [{"image_size": 48}, {"norm": "group"}, {"width": 0},
                                 {"upsample": "bilinear"}, {"colour": 3}, {"width": "8"}])
def test_bad_generator_settings_are_refused_with_the_setting_named(bad):
    with pytest.raises(UserError) as info:
        registry.build("dcgan_generator", bad)
    assert next(iter(bad)) in str(info.value)
