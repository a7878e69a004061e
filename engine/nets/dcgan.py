"""DCGAN-style generator, discriminator (with intermediate features) and encoder."""

from __future__ import annotations

import torch
import torch.nn as nn

from ..config import DiscriminatorConfig, EncoderConfig, GeneratorConfig, num_doublings
from ..registry import register
from ._blocks import dcgan_init, down_conv, norm2d, pyramid_widths, upsample_conv


@register("dcgan_generator")
class Generator(nn.Module):
    Config = GeneratorConfig

    def __init__(self, config: GeneratorConfig):
        super().__init__()
        config.validate()
        self.config = config
        levels = num_doublings(config.image_size)
        # widths[0] is the last hidden layer (half resolution), as DCGAN's ngf.
        widths = pyramid_widths(config.width, config.max_width, levels - 1)
        bias = config.norm == "none"
        top = widths[-1]
        # z -> 4x4 map with a linear layer (same as DCGAN's first 4x4 transposed conv).
        self.project = nn.Linear(config.z_dim, top * 16, bias=bias)
        self.project_norm = nn.Sequential(norm2d(config.norm, top), nn.ReLU(inplace=True))
        blocks = []
        for i in range(levels - 1, 0, -1):
            blocks += [upsample_conv(widths[i], widths[i - 1], config.upsample, bias),
                       norm2d(config.norm, widths[i - 1]), nn.ReLU(inplace=True)]
        self.body = nn.Sequential(*blocks)
        self.to_rgb = nn.Sequential(upsample_conv(widths[0], 3, config.upsample, bias=True), nn.Tanh())
        dcgan_init(self)

    @property
    def z_dim(self) -> int:
        return self.config.z_dim

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.project(z).view(z.shape[0], -1, 4, 4)
        return self.to_rgb(self.body(self.project_norm(x)))

    def sample_z(self, n: int, generator: torch.Generator | None = None,
                 device: torch.device | str = "cpu") -> torch.Tensor:
        return torch.rand(n, self.z_dim, generator=generator, device=device) * 2 - 1


class _DownPath(nn.Module):
    """image_size -> 4x4 feature pyramid shared by D and E."""

    def __init__(self, image_size: int, width: int, max_width: int, norm: str):
        super().__init__()
        levels = num_doublings(image_size)
        widths = pyramid_widths(width, max_width, levels)
        bias = norm == "none"
        stages = [nn.Sequential(down_conv(3, widths[0], bias=True), nn.LeakyReLU(0.2, inplace=True))]
        for i in range(1, levels):
            stages.append(nn.Sequential(down_conv(widths[i - 1], widths[i], bias),
                                        norm2d(norm, widths[i]), nn.LeakyReLU(0.2, inplace=True)))
        self.stages = nn.ModuleList(stages)
        self.out_channels = widths[levels - 1]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        return features


@register("dcgan_discriminator")
class Discriminator(nn.Module):
    Config = DiscriminatorConfig

    def __init__(self, config: DiscriminatorConfig):
        super().__init__()
        config.validate()
        self.config = config
        self.down = _DownPath(config.image_size, config.width, config.max_width, config.norm)
        self.head = nn.Conv2d(self.down.out_channels, 1, 4, 1, 0)
        dcgan_init(self)

    def forward(self, x: torch.Tensor, return_features: bool = False):
        """Logits (B,); with return_features also the list of intermediate feature maps."""
        features = self.down(x)
        logits = self.head(features[-1]).flatten(1).mean(1)
        return (logits, features) if return_features else logits

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        return self.down(x)


@register("dcgan_encoder")
class Encoder(nn.Module):
    """Image -> z in the prior's range [-1, 1]."""
    Config = EncoderConfig

    def __init__(self, config: EncoderConfig):
        super().__init__()
        config.validate()
        self.config = config
        self.down = _DownPath(config.image_size, config.width, config.max_width, config.norm)
        self.head = nn.Linear(self.down.out_channels * 16, config.z_dim)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.head(self.down(x)[-1].flatten(1)))
