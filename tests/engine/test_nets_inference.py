import pytest
import torch
import torch.nn as nn

from engine import registry
from engine.config import DiscriminatorConfig, EncoderConfig, GeneratorConfig
from engine.nets.inference import PhaseConvTranspose2d, for_inference


def _with_trained_looking_norms(net: nn.Module, seed: int = 0) -> nn.Module:
    """Fresh BatchNorms are identities (mean 0, var 1, scale 1): give them real statistics."""
    gen = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(n, generator=gen) * 2 + 0.1)
            with torch.no_grad():
                m.weight.copy_(torch.rand(n, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(n, generator=gen) * 0.3)
    return net.eval()


def _count(net: nn.Module, kind: type) -> int:
    return sum(isinstance(m, kind) for m in net.modules())


@pytest.mark.parametrize("upsample", ["transpose", "resize"])
def test_rewritten_generator_matches_images_and_latent_gradients(upsample):
    g = _with_trained_looking_norms(registry.build(
        "dcgan_generator", GeneratorConfig(image_size=32, z_dim=6, width=16, upsample=upsample)))
    twin = for_inference(g)
    assert _count(g, nn.BatchNorm2d) == 3 and _count(twin, nn.BatchNorm2d) == 0
    assert _count(twin, PhaseConvTranspose2d) == (1 if upsample == "transpose" else 0)
    z = (torch.rand(5, 6) * 2 - 1).requires_grad_(True)
    z_twin = z.detach().clone().requires_grad_(True)
    x, x_twin = g(z), twin(z_twin)
    assert torch.allclose(x, x_twin, atol=1e-5)
    grad, = torch.autograd.grad((x ** 2).sum(), z)
    grad_twin, = torch.autograd.grad((x_twin ** 2).sum(), z_twin)
    assert torch.allclose(grad, grad_twin, rtol=1e-4, atol=1e-5)
    assert twin.z_dim == g.z_dim and twin.config is not None


def test_rewritten_encoder_and_discriminator_match():
    e = _with_trained_looking_norms(registry.build(
        "dcgan_encoder", EncoderConfig(image_size=32, width=8, z_dim=6)), seed=1)
    d = _with_trained_looking_norms(registry.build(
        "dcgan_discriminator", DiscriminatorConfig(image_size=32, width=8)), seed=2)
    x = torch.rand(3, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        for net in (e, d):
            twin = for_inference(net)
            assert _count(twin, nn.BatchNorm2d) == 0 < _count(net, nn.BatchNorm2d)
            ours, theirs = net(x), twin(x)
            ours = ours if isinstance(ours, torch.Tensor) else ours[0]
            theirs = theirs if isinstance(theirs, torch.Tensor) else theirs[0]
            assert torch.allclose(ours, theirs, atol=1e-5)


def test_original_network_is_left_untouched_and_train_mode_is_not_folded():
    g = _with_trained_looking_norms(registry.build(
        "dcgan_generator", GeneratorConfig(image_size=16, z_dim=4, width=4, upsample="transpose")))
    before = {k: v.clone() for k, v in g.state_dict().items()}
    for_inference(g)
    assert all(torch.equal(before[k], v) for k, v in g.state_dict().items())
    g.train()
    # Training-mode BatchNorm normalises with the batch's own statistics: nothing to fold.
    assert _count(for_inference(g), nn.BatchNorm2d) == 2


@pytest.mark.parametrize("c_in,c_out,size,bias", [(5, 3, 7, True), (4, 2, 1, False), (6, 8, 4, True)])
def test_phase_form_equals_the_transposed_conv(c_in, c_out, size, bias):
    torch.manual_seed(c_in + size)
    layer = nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=bias)
    x = torch.randn(2, c_in, size, size + 2)
    with torch.no_grad():
        assert torch.allclose(PhaseConvTranspose2d(layer)(x), layer(x), atol=1e-5)


def test_phase_form_is_only_used_where_it_applies():
    assert PhaseConvTranspose2d.can_replace(nn.ConvTranspose2d(32, 3, 4, 2, 1))
    assert not PhaseConvTranspose2d.can_replace(nn.ConvTranspose2d(32, 64, 4, 2, 1))
    assert not PhaseConvTranspose2d.can_replace(nn.ConvTranspose2d(32, 3, 3, 2, 1))
    assert not PhaseConvTranspose2d.can_replace(nn.ConvTranspose2d(32, 3, 4, 2, 1, output_padding=1))
