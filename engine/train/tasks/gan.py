"""DCGAN with DiffAugment and an EMA generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ... import checkpoints, registry
from ...config import (DiscriminatorConfig, GeneratorConfig, SpatialDiscriminatorConfig,
                       SpatialGeneratorConfig, StyleGeneratorConfig)
from ...imaging import grid, to_uint8
from ..augment import diff_augment, parse_policy
from ..data import BatchOrder
from ..ema import make_ema, update_ema
from .. import local_diversity
from ..losses import d_loss, g_loss
from ..options import LOCAL_CODE_ARCHS
from .base import Task, fixed_latents


class GanTask(Task):
    kind = "gan"
    title = "GAN"
    summary = "A DCGAN generator trained with DiffAugment; sample with the EMA generator."

    def __init__(self, *args):
        super().__init__(*args)
        o = self.o
        self.policy = parse_policy(o.augment)
        self.size = o.size
        self.images = self.load_images(o.data, 2 * o.size, "--data")
        self.data_source, self.image_count = str(o.data), len(self.images)
        self.skipped = len(self.images.skipped)
        self.orders["real"] = BatchOrder(len(self.images), o.batch, o.seed)
        device = self.ctx.device
        self.g, self.d = (net.to(device).train() for net in build_pair(o))
        self.init_from_option({"generator": self.g, "discriminator": self.d})
        if o.arch in LOCAL_CODE_ARCHS:
            self.summary = ("A spatial-latent generator (global code + 4x4 grid of local codes) with a "
                            "global + patch discriminator, trained with DiffAugment; sample with the EMA generator.")
        elif o.arch == "style":
            self.summary = ("A StyleGAN-like generator (mapping network, style-modulated convolutions) "
                            "with a global + patch discriminator, trained with DiffAugment; sample "
                            "with the EMA generator.")
        self.g_ema = make_ema(self.g)
        self.networks = {"generator": self.g, "generator_ema": self.g_ema, "discriminator": self.d}
        self.start_networks()
        lr = o.lr or 2e-4
        self.optimizers = {"generator": self.adam(self.g.parameters(), lr),
                           "discriminator": self.adam(self.d.parameters(), lr)}
        self.sample_z = fixed_latents(64 if o.size <= 64 else 32, self.g.z_dim, o.seed, device)

    def _z(self, n: int) -> torch.Tensor:
        return torch.rand(n, self.g.z_dim, device=self.ctx.device) * 2 - 1

    def _judge(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every verdict of D on x; a spatial D's global and patch verdicts weigh the same."""
        verdicts = getattr(self.d, "verdicts", None)
        if verdicts is None:
            return [self.d(x)]
        logits = verdicts(x)
        return [logits[:, :1], logits[:, 1:]]

    def step(self, iteration: int) -> dict[str, float]:
        real = self.square_batch(self.images, self.orders["real"], self.o.size)
        n = real.shape[0]
        aug = lambda x: diff_augment(x, self.policy)  # noqa: E731
        with torch.no_grad():
            fake = self.g(self._z(n))
        real_all, fake_all = self._judge(aug(real)), self._judge(aug(fake))
        loss_d = sum(d_loss(self.o.loss, r, f) for r, f in zip(real_all, fake_all))
        self.optimize("discriminator", loss_d)
        real_logits, fake_logits = real_all[0], fake_all[0]

        self.d.requires_grad_(False)
        z = self._z(n)
        weight = self.o.local_diversity
        if weight > 0:
            z, rows, cols = local_diversity.paired_latents(z, self.g)
        fake = self.g(z)
        loss_g = sum(g_loss(self.o.loss, v) for v in self._judge(aug(fake)))
        extra = {}
        if weight > 0:
            spread = local_diversity.hinge(fake, rows, cols, self.g.config.grid)
            loss_g = loss_g + weight * spread
            extra["local_hinge"] = spread.item()
        self.optimize("generator", loss_g)
        self.d.requires_grad_(True)
        self.sync_buffers(self.g, self.d)
        update_ema(self.g_ema, self.g, (iteration + 1) * self.o.batch, self.o.batch,
                   self.o.ema_half_life)
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item(),
                "d_real": real_logits.mean().item(), "d_fake": fake_logits.mean().item(), **extra}

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        return grid(to_uint8(self.g_ema(self.sample_z)), columns=8)

    def exported(self):
        return {"generator": self.g, "generator_ema": self.g_ema, "discriminator": self.d}

    def export(self, folder: Path, training: dict, info: dict) -> None:
        checkpoints.save_model(folder, "gan", self.exported(), training=training,
                               card=self.card(folder, info),
                               description=self.summary, dtype=self.weights_dtype())


def build_pair(o) -> tuple[torch.nn.Module, torch.nn.Module]:
    """(generator, discriminator) for --arch."""
    if o.arch == "style":   # the spatial design's discriminator: only the generator differs
        return (registry.build("style_generator", StyleGeneratorConfig(
                    image_size=o.size, width=o.width)),
                registry.build("spatial_discriminator", SpatialDiscriminatorConfig(
                    image_size=o.size, width=o.width)))
    if o.arch in LOCAL_CODE_ARCHS:
        layout = "broadcast" if o.arch == "local" else "map"
        return (registry.build("spatial_generator", SpatialGeneratorConfig(
                    image_size=o.size, width=o.width, upsample=o.upsample, layout=layout)),
                registry.build("spatial_discriminator", SpatialDiscriminatorConfig(
                    image_size=o.size, width=o.width)))
    return (registry.build("dcgan_generator", GeneratorConfig(
                image_size=o.size, z_dim=o.z_dim, width=o.width, upsample=o.upsample)),
            registry.build("dcgan_discriminator", DiscriminatorConfig(image_size=o.size, width=o.width)))
