"""Super-resolution: L1 on (area-downsampled crop, crop) pairs, cosine learning rate;
optional PatchGAN stage."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ... import checkpoints, registry
from ...imaging import center_crop_square, grid, resize, to_tensor, to_uint8
from ...nets.sr import SRConfig
from ...nets.translators import PatchGANConfig, patchgan_layers_for
from ..data import BatchOrder, apply_crop, item_rng, random_fixed_crop
from ..losses import d_loss, g_loss
from .base import Task

ADVERSARIAL_WEIGHT = 0.005   # small: the GAN term sharpens texture, L1 keeps the content


def downscale(hr: torch.Tensor, scale: int) -> torch.Tensor:
    """The low-resolution input, made as the evaluation and the editor's shrink make it.

    engine.ops.evaluate shrinks a photo with engine.imaging.resize (OpenCV INTER_AREA: for a
    whole factor, the mean of each scale x scale block) and gives the net uint8 pixels; so
    here too: a box mean, rounded to the 256 levels of a uint8 image. (Until Dec 2026 this
    was an antialiased bicubic, a wider, blurrier kernel than the evaluation's: the net
    learned to undo a blur its real inputs do not have.)
    """
    lr = F.avg_pool2d(hr, scale)
    return (torch.round((lr.clamp(-1, 1) + 1) * 127.5) / 127.5 - 1)


def cosine_lr(base: float, iteration: int, total: int) -> float:
    """Cosine decay from `base` at iteration 0 towards 0 at `total` (a function of the
    iteration only, so a resumed run follows the same schedule)."""
    return base * 0.5 * (1 + math.cos(math.pi * min(iteration, total) / max(total, 1)))


def psnr(a: torch.Tensor, b: torch.Tensor, border: int) -> float:
    """PSNR in dB of [-1, 1] images, on RGB, ignoring `border` pixels at each edge."""
    if border:
        a, b = a[..., border:-border, border:-border], b[..., border:-border, border:-border]
    mse = ((a.clamp(-1, 1) - b) / 2).pow(2).mean().item()
    return 10 * math.log10(1.0 / max(mse, 1e-12))


class SRTask(Task):
    kind = "sr"
    title = "Super-resolution"

    def __init__(self, *args):
        super().__init__(*args)
        o, device = self.o, self.ctx.device
        self.size, self.scale = o.size, o.scale
        self.summary = (f"A compact x{o.scale} super-resolution net (SRVGG-style), trained with L1 "
                        "on area-downscaled inputs, cosine learning rate"
                        + (" and a PatchGAN fine-tune." if o.adversarial else "."))
        self.images = self.load_images(o.data, max(2 * o.size, 512), "--data")
        self.data_source, self.image_count = str(o.data), len(self.images)
        self.skipped = len(self.images.skipped)
        self.orders["hr"] = BatchOrder(len(self.images), o.batch, o.seed)
        self.net = registry.build("sr_compact", SRConfig(scale=o.scale, width=o.width,
                                                         blocks=o.blocks)).to(device).train()
        self.networks = {"sr": self.net}
        self.base_lr = lr = o.lr or 5e-4
        self.optimizers = {"sr": self.adam(self.net.parameters(), lr, (0.9, 0.99))}
        if o.adversarial:
            self.d = registry.build("patchgan", PatchGANConfig(
                in_channels=3, width=o.width, layers=patchgan_layers_for(o.size))).to(device)
            self.networks["discriminator"] = self.d
            self.optimizers["discriminator"] = self.adam(self.d.parameters(), lr, (0.9, 0.99))
        self.init_from_option()
        self.start_networks()
        shown = [resize(center_crop_square(self.images.get(i)), o.size, o.size)
                 for i in range(min(4, len(self.images)))]
        self.sample_hr = to_tensor(np.stack(shown), device)

    def hr_batch(self) -> torch.Tensor:
        indices, seed = self.orders["hr"].next()
        crops = []
        for pos, i in self.my_part(indices):
            rgb = self.images.get(int(i))
            crop = random_fixed_crop(rgb.shape[0], rgb.shape[1], self.size, item_rng(seed, pos))
            crops.append(apply_crop(rgb, crop, self.size))
        return to_tensor(np.stack(crops), self.ctx.device)

    def step(self, iteration: int) -> dict[str, float]:
        for group in self.optimizers["sr"].param_groups:
            group["lr"] = cosine_lr(self.base_lr, iteration, self.o.iters)
        hr = self.hr_batch()
        lr = downscale(hr, self.scale)
        sr = self.net(lr)
        l1 = (sr - hr).abs().mean()
        metrics = {"l1": l1.item(), "psnr": psnr(sr.detach(), hr, self.scale)}
        loss = l1
        if self.o.adversarial and iteration >= self.o.iters // 2:
            loss_d = d_loss("nonsat", self.d(hr), self.d(sr.detach()))
            self.optimize("discriminator", loss_d)
            self.d.requires_grad_(False)
            adv = g_loss("nonsat", self.d(sr))
            self.d.requires_grad_(True)
            loss = l1 + ADVERSARIAL_WEIGHT * adv
            metrics.update(loss_d=loss_d.item(), adv=adv.item())
        self.optimize("sr", loss)
        return metrics

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        """Rows: bicubic, this net, the original."""
        lr = downscale(self.sample_hr, self.scale)
        bicubic = F.interpolate(lr, scale_factor=self.scale, mode="bicubic", align_corners=False)
        rows = torch.cat([bicubic, self.net(lr), self.sample_hr])
        return grid(to_uint8(rows), columns=len(self.sample_hr))

    def exported(self):
        return {"sr": self.net}

    def export(self, folder: Path, training: dict, info: dict) -> None:
        lr = downscale(self.sample_hr, self.scale)
        with torch.no_grad():
            bicubic = F.interpolate(lr, scale_factor=self.scale, mode="bicubic", align_corners=False)
            training["psnr_samples"] = round(psnr(self.net(lr), self.sample_hr, self.scale), 3)
            training["psnr_bicubic"] = round(psnr(bicubic, self.sample_hr, self.scale), 3)
        checkpoints.save_model(folder, "sr", {"sr": self.net}, training=training,
                               card=self.card(folder, info), description=self.summary,
                               dtype=self.weights_dtype(), extra={"scale": self.scale})
