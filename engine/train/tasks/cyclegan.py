"""CycleGAN: unpaired A <-> B with ResNet generators, LSGAN PatchGANs, cycle 10, identity 0.5."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import torch

from ... import checkpoints, registry
from ...imaging import center_crop_square, grid, resize, to_tensor, to_uint8
from ...nets.translators import PatchGANConfig, ResnetTranslatorConfig, patchgan_layers_for
from ..data import BatchOrder
from ..losses import d_loss, g_loss
from .base import Task

CYCLE_WEIGHT = 10.0
IDENTITY_WEIGHT = 0.5 * CYCLE_WEIGHT   # as the CycleGAN reference: lambda_idt x lambda_cycle


class CycleGanTask(Task):
    kind = "cyclegan"
    title = "CycleGAN translator"
    summary = "Translates between two image domains learnt from unpaired folders (A <-> B)."

    def __init__(self, *args):
        super().__init__(*args)
        o, device = self.o, self.ctx.device
        self.size = o.size
        self.a_images = self.load_images(o.data, 2 * o.size, "--data")
        self.b_images = self.load_images(o.data_b, 2 * o.size, "--data-b")
        self.data_source = f"A: {o.data}, B: {o.data_b}"
        self.image_count = len(self.a_images) + len(self.b_images)
        self.skipped = len(self.a_images.skipped) + len(self.b_images.skipped)
        self.orders["a"] = BatchOrder(len(self.a_images), o.batch, o.seed, "--data")
        self.orders["b"] = BatchOrder(len(self.b_images), o.batch, o.seed + 1, "--data-b")
        g_config = ResnetTranslatorConfig(width=o.width, blocks=o.blocks)
        d_config = PatchGANConfig(in_channels=3, width=o.width, norm="instance",
                                  layers=patchgan_layers_for(o.size))
        build = lambda arch, cfg: registry.build(arch, cfg).to(device).train()  # noqa: E731
        self.g_ab, self.g_ba = build("resnet_translator", g_config), build("resnet_translator", g_config)
        self.d_a, self.d_b = build("patchgan", d_config), build("patchgan", d_config)
        self.networks = {"generator_ab": self.g_ab, "generator_ba": self.g_ba,
                         "discriminator_a": self.d_a, "discriminator_b": self.d_b}
        self.start_networks()
        lr = o.lr or 2e-4
        self.optimizers = {
            "generators": self.adam(itertools.chain(self.g_ab.parameters(), self.g_ba.parameters()), lr),
            "discriminators": self.adam(itertools.chain(self.d_a.parameters(), self.d_b.parameters()), lr)}
        self.sample_a = _fixed(self.a_images, o.size, device)
        self.sample_b = _fixed(self.b_images, o.size, device)

    def step(self, iteration: int) -> dict[str, float]:
        a = self.square_batch(self.a_images, self.orders["a"], self.size, (0.8, 1.0))
        b = self.square_batch(self.b_images, self.orders["b"], self.size, (0.8, 1.0))
        ds = (self.d_a, self.d_b)
        for d in ds:
            d.requires_grad_(False)
        fake_b, fake_a = self.g_ab(a), self.g_ba(b)
        adv = g_loss("lsgan", self.d_b(fake_b)) + g_loss("lsgan", self.d_a(fake_a))
        cycle = (self.g_ba(fake_b) - a).abs().mean() + (self.g_ab(fake_a) - b).abs().mean()
        identity = (self.g_ab(b) - b).abs().mean() + (self.g_ba(a) - a).abs().mean()
        self.optimize("generators", adv + CYCLE_WEIGHT * cycle + IDENTITY_WEIGHT * identity)
        for d in ds:
            d.requires_grad_(True)
        loss_d = d_loss("lsgan", self.d_a(a), self.d_a(fake_a.detach())) \
            + d_loss("lsgan", self.d_b(b), self.d_b(fake_b.detach()))
        self.optimize("discriminators", loss_d)
        self.sync_buffers(*self.networks.values())
        return {"loss_g_adv": adv.item(), "cycle": cycle.item(), "identity": identity.item(),
                "loss_d": loss_d.item()}

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        """Rows: A, A->B, A->B->A, B, B->A, B->A->B."""
        fake_b, fake_a = self.g_ab(self.sample_a), self.g_ba(self.sample_b)
        rows = torch.cat([self.sample_a, fake_b, self.g_ba(fake_b),
                          self.sample_b, fake_a, self.g_ab(fake_a)])
        return grid(to_uint8(rows), columns=len(self.sample_a))

    def exported(self):
        return dict(self.networks)

    def export(self, folder: Path, training: dict, info: dict) -> None:
        checkpoints.save_model(folder, "cyclegan", self.exported(), training=training,
                               card=self.card(folder, info), description=self.summary,
                               dtype=self.weights_dtype())


def _fixed(images, size: int, device) -> torch.Tensor:
    shown = [resize(center_crop_square(images.get(i)), size, size)
             for i in range(min(4, len(images)))]
    return to_tensor(np.stack(shown), device)
