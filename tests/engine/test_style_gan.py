"""The StyleGAN-like generator (issue 14, design (c)): z in the ops' uniform box, a mapping to
w, style-modulated convolutions; it trains and loads like any gan model."""

import numpy as np
import pytest
import torch

from engine import registry
from engine.config import StyleGeneratorConfig
from engine.errors import UserError
from engine.nets.style import ModulatedConv
from support.models import train_gan_arch

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _generator(size=64, **kw):
    torch.manual_seed(0)
    return registry.build("style_generator", StyleGeneratorConfig(image_size=size, width=8,
                                                                  **kw)).eval()


def test_latent_is_the_uniform_box_and_the_same_latent_gives_the_same_image():
    g = _generator(z_dim=16)
    z = g.sample_z(3, generator=torch.Generator().manual_seed(1))
    assert z.shape == (3, 16) and z.abs().max() <= 1
    first, second = g(z), g(z)
    assert first.shape == (3, 3, 64, 64) and first.abs().max() <= 1
    assert torch.equal(first, second)                  # no noise inputs
    assert (first[0] - first[1]).abs().mean() > 0      # the latent matters


def test_w_alone_decides_the_image():
    g = _generator()
    z = g.sample_z(2, generator=torch.Generator().manual_seed(2))
    w = g.styles(z)
    assert w.shape == (2, g.config.w_dim)
    assert torch.equal(g.synthesis(w), g(z))
    assert torch.allclose(g.synthesis(w[:1].expand(2, -1))[1], g(z[:1])[0], atol=1e-5)


def test_demodulation_makes_the_output_independent_of_the_style_scale():
    torch.manual_seed(3)
    conv = ModulatedConv(4, 5, 3, w_dim=6)
    x, w = torch.randn(2, 4, 8, 8), torch.randn(2, 6)
    with torch.no_grad():
        base = conv(x, w)
        conv.style.weight.mul_(3)
        conv.style.bias.mul_(3)
        assert torch.allclose(conv(x, w), base, atol=1e-4)
    plain = ModulatedConv(4, 5, 3, w_dim=6, demodulate=False)
    with torch.no_grad():
        before = plain(x, w) - plain.bias[None, :, None, None]
        plain.style.weight.mul_(3)
        plain.style.bias.mul_(3)
        assert torch.allclose(plain(x, w) - plain.bias[None, :, None, None], 3 * before, atol=1e-4)


def test_config_refuses_a_zero_mapping():
    with pytest.raises(UserError, match="mapping_layers"):
        StyleGeneratorConfig(mapping_layers=0).validate()


def test_style_gan_trains_and_loads_as_a_gan_model(tmp_path):
    folder, model, log = train_gan_arch(tmp_path, "style", iters=4)
    g, d = model.generator(), model.net("discriminator")
    assert g.arch == "style_generator" and d.arch == "spatial_discriminator"
    image = g(g.sample_z(2))
    assert image.shape == (2, 3, 16, 16) and torch.isfinite(image).all()
    assert len(log) == 4 and np.isfinite(log[-1]["loss_g"])
    assert "StyleGAN-like" in (folder / "README.md").read_text()
