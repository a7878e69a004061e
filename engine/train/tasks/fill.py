"""The learned fill: a gated-convolution U-Net fills random holes in random photo crops.

Each item is a random square crop (30-100 % of the image's area, resized to --size,
flipped left-right half the time) and a random hole (free-form strokes, a box, or both:
engine/ops/fill_masks.py); the net sees it pre-filled by Telea and learns a correction.
The loss is L1 inside the hole, per image normalised by the hole's area: outside it the
net's output is the input itself. No adversarial term: on
PSNR it costs dB (the Context Encoder reproduction: 19.5 dB L2-only, 16.3 with one).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from ... import checkpoints, registry
from ...imaging import center_crop_square, grid, resize, to_tensor, to_uint8
from ...nets.fill import FillConfig
from ...ops.fill import prefill
from ...ops.fill_masks import training_mask
from ..data import BatchOrder, apply_crop, item_rng, random_square_crop
from .base import Task

CROP_AREA = (0.3, 1.0)
FINAL_LR = 0.1   # the learning rate falls along a half cosine to this fraction of the start
SAMPLE_SEED = 4242


def hole_l1(fill: torch.Tensor, target: torch.Tensor, hole: torch.Tensor) -> torch.Tensor:
    """Mean absolute error over hole pixels, per image, averaged over the batch."""
    area = hole.flatten(1).sum(1).clamp_min(1) * fill.shape[1]
    return ((fill - target).abs() * hole).flatten(1).sum(1).div(area).mean()


def hole_psnr(fill: torch.Tensor, target: torch.Tensor, hole: torch.Tensor) -> float:
    """PSNR in dB over hole pixels of [-1, 1] images (the whole batch pooled)."""
    error = (((fill.clamp(-1, 1) - target) / 2) ** 2 * hole).sum() / (hole.sum() * 3).clamp_min(1)
    return float(10 * torch.log10(1 / error.clamp_min(1e-12)))


class FillTask(Task):
    kind = "fill"
    title = "Learned fill (inpainting)"
    summary = ("A U-Net of gated convolutions that corrects a Telea fill of the hole, trained "
               "with L1 inside random free-form and box holes on photo crops.")

    def __init__(self, *args):
        super().__init__(*args)
        o, device = self.o, self.ctx.device
        self.size = o.size
        self.images = self.load_images(o.data, max(2 * o.size, 256), "--data")
        self.data_source, self.image_count = str(o.data), len(self.images)
        self.skipped = len(self.images.skipped)
        self.orders["crops"] = BatchOrder(len(self.images), o.batch, o.seed)
        config = FillConfig(width=o.width, image_size=o.size)
        self.net = registry.build("fill_gated_unet", config).to(device).train()
        self.networks = {"fill": self.net}
        self.lr = o.lr or 5e-4
        self.optimizers = {"fill": self.adam(self.net.parameters(), self.lr, (0.9, 0.99))}
        self.init_from_option()
        self.start_networks()
        rng = np.random.default_rng(SAMPLE_SEED)
        shown = range(min(4, len(self.images)))
        shown = [resize(center_crop_square(self.images.get(i)), o.size, o.size) for i in shown]
        masks = [training_mask(o.size, rng) for _ in shown]
        self.sample_image = to_tensor(np.stack(shown), device)
        self.sample_input = self._prefilled(shown, masks)
        self.sample_hole = self._holes(masks)

    def _prefilled(self, crops: list[np.ndarray], masks: list[np.ndarray]) -> torch.Tensor:
        return to_tensor(np.stack([prefill(c, m, self.net.config.prefill)
                                   for c, m in zip(crops, masks)]), self.ctx.device)

    def _holes(self, masks: list[np.ndarray]) -> torch.Tensor:
        return torch.from_numpy(np.stack(masks)[:, None].astype(np.float32)).to(self.ctx.device)

    def batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(crops, their prefilled copies, holes)"""
        indices, seed = self.orders["crops"].next()
        crops, masks = [], []
        for pos, i in self.my_part(indices):
            rgb, rng = self.images.get(int(i)), item_rng(seed, pos)
            crop = random_square_crop(rgb.shape[0], rgb.shape[1], rng, CROP_AREA)
            crops.append(apply_crop(rgb, crop, self.size))
            masks.append(training_mask(self.size, rng))
        return (to_tensor(np.stack(crops), self.ctx.device), self._prefilled(crops, masks),
                self._holes(masks))

    def step(self, iteration: int) -> dict[str, float]:
        progress = min(iteration / self.o.iters, 1.0)
        lr = self.lr * (FINAL_LR + (1 - FINAL_LR) * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in self.optimizers["fill"].param_groups:
            group["lr"] = lr
        target, given, hole = self.batch()
        fill = self.net(given, hole)
        loss = hole_l1(fill, target, hole)
        self.optimize("fill", loss)
        return {"l1_hole": loss.item(), "psnr_hole": hole_psnr(fill.detach(), target, hole),
                "psnr_hole_prefill": hole_psnr(given, target, hole)}

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        """Rows: the image with its hole (grey), the prefill, the fill, the original."""
        self.net.eval()
        fill = self.net(self.sample_input, self.sample_hole)
        self.net.train()
        holed = self.sample_image * (1 - self.sample_hole)
        rows = torch.cat([holed, self.sample_input, fill, self.sample_image])
        return grid(to_uint8(rows), columns=len(self.sample_image))

    def exported(self):
        return {"fill": self.net}

    def export(self, folder: Path, training: dict, info: dict) -> None:
        with torch.no_grad():
            fill = self.net.eval()(self.sample_input, self.sample_hole)
            self.net.train()
        training["psnr_hole_samples"] = round(hole_psnr(fill, self.sample_image, self.sample_hole), 3)
        training["psnr_hole_samples_prefill"] = round(
            hole_psnr(self.sample_input, self.sample_image, self.sample_hole), 3)
        checkpoints.save_model(folder, "fill", {"fill": self.net}, training=training,
                               card=self.card(folder, info), description=self.summary,
                               dtype=self.weights_dtype(), extra={"image_size": self.size})
