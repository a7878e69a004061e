"""A StyleGAN-like generator at the product's small sizes (issue 14, design (c)).

A mapping network turns the latent z into a style vector w; every layer of the synthesis
network scales its input channels by an affine map of w (modulation) and renormalises its
output (demodulation), as in StyleGAN2. Modulating the activations instead of the weights
gives the same result with one ordinary batched convolution, the fast path on a CPU.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import StyleGeneratorConfig, num_doublings
from ..registry import register
from ._blocks import pyramid_widths
from .dcgan import Generator


class ModulatedConv(nn.Module):
    """k x k convolution whose input channels are scaled per sample by a style; with
    `demodulate`, each output channel is rescaled to unit expected variance."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, w_dim: int, demodulate: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_ch, in_ch, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(out_ch))
        self.gain = 1 / math.sqrt(in_ch * kernel * kernel)   # equalised learning rate
        self.style = nn.Linear(w_dim, in_ch)
        nn.init.ones_(self.style.bias)                        # start as an unmodulated conv
        self.demodulate = demodulate

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        s = self.style(w)                                     # (B, in)
        weight = self.weight * self.gain
        out = F.conv2d(x * s[:, :, None, None], weight, padding=weight.shape[-1] // 2)
        if self.demodulate:
            energy = s.pow(2) @ weight.pow(2).sum((2, 3)).t()  # (B, out)
            out = out * torch.rsqrt(energy + 1e-8)[:, :, None, None]
        return out + self.bias[None, :, None, None]


def _double(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


@register("style_generator")
class StyleGenerator(nn.Module):
    Config = StyleGeneratorConfig

    def __init__(self, config: StyleGeneratorConfig):
        super().__init__()
        config.validate()
        self.config = config
        levels = num_doublings(config.image_size)
        # As the DCGAN-style generators: hidden layers up to half resolution (widths[0]), the
        # last doubling made by the RGB layer; a full-resolution hidden layer cost 3x the time.
        widths = pyramid_widths(config.width, config.max_width, levels - 1)
        layers, dim = [], config.z_dim
        for _ in range(config.mapping_layers):
            layers += [nn.Linear(dim, config.w_dim), nn.LeakyReLU(0.2)]
            dim = config.w_dim
        self.mapping = nn.Sequential(*layers)
        self.constant = nn.Parameter(torch.randn(1, widths[-1], 4, 4))
        self.convs = nn.ModuleList([ModulatedConv(widths[-1], widths[-1], 3, config.w_dim)])
        for i in range(levels - 1, 0, -1):
            self.convs.append(ModulatedConv(widths[i], widths[i - 1], 3, config.w_dim))
        self.to_rgb = ModulatedConv(widths[0], 3, 3, config.w_dim, demodulate=False)

    @property
    def z_dim(self) -> int:
        return self.config.z_dim

    def styles(self, z: torch.Tensor) -> torch.Tensor:
        """z -> w; the mapping normalises z first (its scale carries no meaning)."""
        return self.mapping(z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8))

    def synthesis(self, w: torch.Tensor) -> torch.Tensor:
        x = self.constant.expand(w.shape[0], -1, -1, -1)
        for i, conv in enumerate(self.convs):
            if i:
                x = _double(x)
            x = F.leaky_relu(conv(x, w), 0.2)
        return torch.tanh(self.to_rgb(_double(x), w))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.synthesis(self.styles(z))

    sample_z = Generator.sample_z  # the same uniform prior over z
