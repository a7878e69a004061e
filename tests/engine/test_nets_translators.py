"""Image-to-image and super-resolution networks: shapes, ranges, registry round-trips."""

import pytest
import torch
import torch.nn.functional as F

from engine import registry
from engine.errors import UserError
from engine.nets.sr import SRConfig
from engine.nets.translators import (PatchGANConfig, ResnetTranslatorConfig, UNetConfig,
                                     patchgan_layers_for)


@pytest.mark.parametrize("size", [16, 32, 64])
@pytest.mark.parametrize("upsample", ["resize", "transpose"])
def test_unet_maps_image_to_image_in_range(size, upsample):
    net = registry.build("unet", UNetConfig(image_size=size, width=4, max_width=16,
                                            upsample=upsample, in_channels=1, out_channels=3))
    out = net(torch.randn(2, 1, size, size) * 3)
    assert out.shape == (2, 3, size, size)
    assert out.abs().max() <= 1.0


def test_unet_output_depends_on_fine_input_detail_through_skips():
    torch.manual_seed(0)
    net = registry.build("unet", UNetConfig(image_size=32, width=4)).eval()
    x = torch.zeros(1, 3, 32, 32)
    y = x.clone()
    y[..., 5, 5] = 1.0  # one pixel
    diff = (net(x) - net(y)).abs()[0].sum(0)
    assert diff[5, 5] > 0 and diff[5, 5] >= diff[28, 28]


@pytest.mark.parametrize("size", [16, 32, 64, 128])
def test_patchgan_gives_a_map_of_logits(size):
    layers = patchgan_layers_for(size)
    net = registry.build("patchgan", PatchGANConfig(in_channels=6, width=4, layers=layers))
    out = net(torch.randn(2, 6, size, size))
    assert out.shape[:2] == (2, 1) and out.shape[2] >= 2 and out.shape[3] >= 2


def test_patchgan_with_three_layers_sees_70_pixels():
    net = registry.build("patchgan", PatchGANConfig(in_channels=3, width=4, layers=3)).eval()
    x = torch.zeros(1, 3, 128, 128, requires_grad=True)
    net(x)[0, 0, 7, 7].backward()
    rows = (x.grad.abs().sum((0, 1, 3)) > 0).nonzero()
    assert rows.max() - rows.min() + 1 == 70


def test_resnet_translator_keeps_size_and_range():
    net = registry.build("resnet_translator", ResnetTranslatorConfig(width=4, blocks=2))
    out = net(torch.randn(2, 3, 32, 48))
    assert out.shape == (2, 3, 32, 48) and out.abs().max() <= 1.0


@pytest.mark.parametrize("scale", [2, 4])
def test_sr_compact_starts_as_bicubic_and_enlarges(scale):
    torch.manual_seed(0)
    net = registry.build("sr_compact", SRConfig(scale=scale, width=8, blocks=2))
    x = torch.rand(2, 3, 8, 12) * 2 - 1
    out = net(x)
    assert out.shape == (2, 3, 8 * scale, 12 * scale)
    bicubic = F.interpolate(x, scale_factor=scale, mode="bicubic", align_corners=False)
    assert (out - bicubic).abs().max() < 0.05


@pytest.mark.parametrize("arch,config", [
    ("unet", {"image_size": 24}), ("patchgan", {"layers": 0}),
    ("resnet_translator", {"norm": "group"}), ("sr_compact", {"scale": 5}),
])
def test_bad_configs_are_user_errors(arch, config):
    with pytest.raises(UserError):
        registry.build(arch, config)
