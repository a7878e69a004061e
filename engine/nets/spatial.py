"""Spatial-latent generator (PSGAN / spatial GAN style) and a global + patch discriminator.

With few training photos a single global code has to encode the whole scene, so a stroke
at the top and one at the bottom fight over the same numbers. Here a coarse grid of local
codes sits beside one global code: the content of a region is chosen mostly by the codes
near it (each 4x4-stage cell reaches ~1.5 cells around it through the upsampling convs),
while the global code sets what is shared (light, season). With layout "map" the global
code is projected to the whole start map and can lay the scene out by itself; with
"broadcast" it reaches every cell alike, so the layout comes from the local codes. The patch head of the
discriminator judges local realism so that any local code gives plausible "stuff"; the
global head judges the composition.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import SpatialDiscriminatorConfig, SpatialGeneratorConfig, num_doublings
from ..registry import register
from ._blocks import dcgan_init, norm2d, pyramid_widths, upsample_conv
from .dcgan import Generator, _DownPath


@register("spatial_generator")
class SpatialGenerator(nn.Module):
    Config = SpatialGeneratorConfig

    def __init__(self, config: SpatialGeneratorConfig):
        super().__init__()
        config.validate()
        self.config = config
        levels = num_doublings(config.image_size)
        widths = pyramid_widths(config.width, config.max_width, levels - 1)
        bias = config.norm == "none"
        top = widths[-1]
        cells = 16 if config.layout == "map" else 1
        self.global_project = nn.Linear(config.global_dim, top * cells, bias=bias)
        self.local_project = nn.Conv2d(config.local_dim, top, 1, bias=False)
        self.start = nn.Sequential(norm2d(config.norm, top), nn.ReLU(inplace=True))
        stages, injects = [], []
        for i in range(levels - 1, 0, -1):
            stages.append(nn.Sequential(upsample_conv(widths[i], widths[i - 1], config.upsample, bias),
                                        norm2d(config.norm, widths[i - 1]), nn.ReLU(inplace=True)))
            if len(injects) < config.inject_levels:
                injects.append(nn.Conv2d(config.local_dim, widths[i - 1], 1))
        self.stages = nn.ModuleList(stages)
        self.injects = nn.ModuleList(injects)
        self.to_rgb = nn.Sequential(upsample_conv(widths[0], 3, config.upsample, bias=True), nn.Tanh())
        dcgan_init(self)
        for inject in self.injects:  # start as a plain DCGAN-like body; training grows them
            nn.init.zeros_(inject.weight)

    @property
    def z_dim(self) -> int:
        return self.config.z_dim

    def split(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Flat z -> (global (B, G), local map (B, C, grid, grid))."""
        c = self.config
        return z[:, :c.global_dim], z[:, c.global_dim:].reshape(z.shape[0], c.local_dim, c.grid, c.grid)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        g, local = self.split(z)
        g = self.global_project(g)
        g = g.view(z.shape[0], -1, 4, 4) if self.config.layout == "map" else g[..., None, None]
        x = g + self.local_project(local)
        x = self.start(x)
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i < len(self.injects):
                x = x + self.injects[i](F.interpolate(local, size=x.shape[-2:], mode="nearest"))
        return self.to_rgb(x)

    sample_z = Generator.sample_z  # the same uniform prior over the flat latent


@register("spatial_discriminator")
class SpatialDiscriminator(nn.Module):
    """forward() gives one realism logit per image (the mean of the global and patch
    verdicts), as the other discriminators do; training uses every verdict."""
    Config = SpatialDiscriminatorConfig

    def __init__(self, config: SpatialDiscriminatorConfig):
        super().__init__()
        config.validate()
        self.config = config
        self.down = _DownPath(config.image_size, config.width, config.max_width, config.norm)
        self.head = nn.Conv2d(self.down.out_channels, 1, 4, 1, 0)
        self.patch_head = nn.Conv2d(self.down.stages[-2][0].out_channels, 1, 1)
        dcgan_init(self)

    def verdicts(self, x: torch.Tensor, return_features: bool = False):
        """(B, 1 + P) logits: the global one first, then one per 8x8-map patch."""
        features = self.down(x)
        whole = self.head(features[-1]).flatten(1)
        patches = self.patch_head(features[-2]).flatten(1)
        logits = torch.cat([whole, patches], 1)
        return (logits, features) if return_features else logits

    def forward(self, x: torch.Tensor, return_features: bool = False):
        logits, features = self.verdicts(x, return_features=True)
        score = 0.5 * (logits[:, 0] + logits[:, 1:].mean(1))
        return (score, features) if return_features else score

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        return self.down(x)
