"""pix2pix: U-Net generator, PatchGAN on (input, output) pairs, reconstruction weight 100.

`--pairs gray` trains a colouriser instead of an RGB -> RGB map: the input is Lab
lightness plus colour-hint channels (engine.chroma), the output is chroma ab only, the
U-Net has a fixed depth (fully convolutional: it runs on a whole photo at any working
size) and the PatchGAN judges (L, ab). Its reconstruction term is the per-pixel
distance sqrt(da^2 + db^2) in ab, the measure the evaluation reports (engine.ops.translate_eval
.chroma_error): where the lightness leaves the colour open it keeps the chroma low instead
of guessing a saturated wrong hue; a lighter adversarial term (COLOR_ADV_WEIGHT) keeps
colours real photos have where the lightness does tell them.

`--chroma-bins` trains the colouriser as Zhang et al. 2016 do instead: the U-Net predicts
a distribution over quantised ab bins (engine.chroma_bins) at half size, trained by
cross-entropy against soft-encoded targets, with no discriminator; colour is read out
by the annealed mean.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ... import checkpoints, chroma_bins, registry
from ...chroma import (AB_SCALE, HINT_CHANNELS, empty_hints, lab_to_rgb, net_chroma,
                       net_lightness, rgb_to_lab, sample_hints)
from ...errors import UserError
from ...imaging import grid, resize, to_tensor, to_uint8
from ...nets.translators import PatchGANConfig, UNetConfig, patchgan_layers_for
from ...pairs import make_input
from ..data import BatchOrder, apply_crop, item_rng, random_square_crop
from ..ema import make_ema, recalibrate_batchnorm, update_ema
from ..losses import d_loss, g_loss
from .base import Task

RECONSTRUCTION_WEIGHT = 100.0   # of L1 (RGB) or of the chroma distance (colouriser)
# Colouriser: halvings in its U-Net (at most; small test sizes get fewer), and the share of
# the shorter side a training crop covers (it is resized to --size, so scales vary 2x).
COLOR_DEPTH = 5
COLOR_CROP_AREA = (0.25, 1.0)
COLOR_ADV_WEIGHT = 0.25
EMA_CALIBRATION_BATCHES = 32   # train --ema: batches that measure the EMA's batch-norm statistics


def chroma_distance(fake: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean per-pixel Euclidean distance between two (B, 2, H, W) ab maps (the eps keeps
    the gradient finite where they agree)."""
    return ((fake - target).pow(2).sum(1) + 1e-6).sqrt().mean()


class Pix2PixTask(Task):
    kind = "pix2pix"
    title = "pix2pix translator"

    def __init__(self, *args):
        super().__init__(*args)
        o, device = self.o, self.ctx.device
        self.size = o.size
        self.mode = o.pairs
        self.transform = o.pairs if o.pairs in ("edges", "gray") else "none"
        self.summary = {"edges": "Turns an edge drawing (black lines on white) into a photo.",
                        "gray": "Colourises a greyscale image."}.get(
            self.mode, "Translates images of the --data folder's kind into the target kind.")
        bound = 2 * o.size
        self.a_images = None
        if self.mode == "folder":
            self.a_images = self.load_images(o.data, bound, "--data")
            self.b_images = self.load_images(o.data_b, bound, "--data-b")
            self.pairs = _match_pairs(self.a_images.names, self.b_images.names)
        else:
            self.b_images = self.load_images(o.data, bound, "--data")
            self.pairs = [(i, i) for i in range(len(self.b_images))]
            if self.mode == "sidebyside":
                _check_side_by_side(self.b_images)
        self.data_source = str(o.data) + (f" + {o.data_b}" if self.mode == "folder" else "") \
            + f" (pairs: {self.mode})"
        self.image_count = len(self.pairs)
        self.skipped = len(self.b_images.skipped) + (len(self.a_images.skipped)
                                                     if self.a_images else 0)
        self.orders["pairs"] = BatchOrder(len(self.pairs), o.batch, o.seed, "the pair list")
        self.colour = self.mode == "gray"
        self.bins = None
        if self.colour:
            out_channels, head = 2, "tanh"
            if o.chroma_bins:
                self.bins = torch.from_numpy(chroma_bins.bin_centres()).to(device)
                out_channels, head = len(self.bins), "bins"
            g_config = UNetConfig(image_size=o.size, width=o.width, max_width=8 * o.width,
                                  in_channels=1 + HINT_CHANNELS, out_channels=out_channels,
                                  depth=min(COLOR_DEPTH, (o.size // 4).bit_length() - 1),
                                  head=head)
        else:
            g_config = UNetConfig(image_size=o.size, width=o.width, max_width=8 * o.width)
        self.g = registry.build("unet", g_config).to(device).train()
        self.networks = {"generator": self.g}
        self.d = None
        if self.bins is None:
            self.d = registry.build("patchgan", PatchGANConfig(
                in_channels=3 if self.colour else 6, width=o.width,
                layers=patchgan_layers_for(o.size))).to(device).train()
            self.networks["discriminator"] = self.d
        self.init_from_option()
        self.start_networks()
        lr = o.lr or 2e-4
        self.optimizers = {name: self.adam(net.parameters(), lr)
                           for name, net in self.networks.items()}
        self.g_ema = None
        if o.ema:   # made after --init, so the average starts from the initial weights
            self.g_ema = make_ema(self.g)
            self.networks["generator_ema"] = self.g_ema
        shown = [self.pair(i, None) for i in range(min(6, len(self.pairs)))]
        if self.colour:
            shown = [self.colour_pair(b, None) for _, b in shown]
            self.sample_a = torch.from_numpy(np.stack([a for a, _ in shown])).to(device)
            self.sample_b = torch.from_numpy(np.stack([b for _, b in shown])).to(device)
        else:
            self.sample_a = to_tensor(np.stack([a for a, _ in shown]), device)
            self.sample_b = to_tensor(np.stack([b for _, b in shown]), device)

    def colour_pair(self, rgb: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
        """float32 CHW (L + hints, ab target) of an RGB crop; hints only with an rng."""
        lab = rgb_to_lab(rgb)
        hints = sample_hints(lab, rng, self.o.hint_strokes) if rng is not None \
            else empty_hints(*lab.shape[:2])
        net_in = np.concatenate([net_lightness(lab[..., :1]), hints], axis=2)
        return net_in.transpose(2, 0, 1).copy(), net_chroma(lab[..., 1:]).transpose(2, 0, 1).copy()

    def pair(self, k: int, rng) -> tuple[np.ndarray, np.ndarray]:
        """(input, target) uint8 crops of pair k; rng None gives the centred full crop."""
        ia, ib = self.pairs[k]
        b = self.b_images.get(ib)
        if self.mode == "sidebyside":
            half = b.shape[1] // 2
            a, b = b[:, :half], b[:, half:2 * half]
        elif self.mode == "folder":
            a = self.a_images.get(ia)
            if a.shape != b.shape:
                a = resize(np.ascontiguousarray(a), b.shape[1], b.shape[0])
        else:
            a = None
        h, w = b.shape[:2]
        area = COLOR_CROP_AREA if self.mode == "gray" else (0.8, 1.0)
        crop = random_square_crop(h, w, rng, area) if rng is not None else _centre(h, w)
        b = apply_crop(b, crop, self.size)
        a = apply_crop(a, crop, self.size) if a is not None else make_input(self.transform, b, rng)
        return a, b

    def batch(self, indices: np.ndarray, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(input, target) tensors of this process's part of a batch of pairs."""
        if self.colour:
            pairs = []
            for pos, k in self.my_part(indices):
                rng = item_rng(seed, pos)
                pairs.append(self.colour_pair(self.pair(int(k), rng)[1], rng))
            return (torch.from_numpy(np.stack([p[0] for p in pairs])).to(self.ctx.device),
                    torch.from_numpy(np.stack([p[1] for p in pairs])).to(self.ctx.device))
        pairs = [self.pair(int(k), item_rng(seed, pos)) for pos, k in self.my_part(indices)]
        return (to_tensor(np.stack([p[0] for p in pairs]), self.ctx.device),
                to_tensor(np.stack([p[1] for p in pairs]), self.ctx.device))

    def step(self, iteration: int) -> dict[str, float]:
        a, b = self.batch(*self.orders["pairs"].next())
        if self.bins is not None:
            return self.after_step(iteration, self.bins_step(a, b))
        # A colouriser's D judges colour for the lightness, not for the hints.
        cond = a[:, :1] if self.colour else a
        fake = self.g(a)
        loss_d = 0.5 * d_loss("nonsat", self.d(torch.cat([cond, b], 1)),
                              self.d(torch.cat([cond, fake.detach()], 1)))
        self.optimize("discriminator", loss_d)
        self.d.requires_grad_(False)
        adv = g_loss("nonsat", self.d(torch.cat([cond, fake], 1)))
        if self.colour:
            distance = chroma_distance(fake, b)
            self.optimize("generator", COLOR_ADV_WEIGHT * adv + RECONSTRUCTION_WEIGHT * distance)
            metrics = {"chroma": distance.item()}
        else:
            l1 = (fake - b).abs().mean()
            self.optimize("generator", adv + RECONSTRUCTION_WEIGHT * l1)
            metrics = {"l1": l1.item()}
        self.d.requires_grad_(True)
        self.sync_buffers(self.g, self.d)
        return self.after_step(iteration, {"loss_d": loss_d.item(), "loss_g_adv": adv.item(),
                                           **metrics})

    def after_step(self, iteration: int, metrics: dict[str, float]) -> dict[str, float]:
        if self.g_ema is not None:
            update_ema(self.g_ema, self.g, (iteration + 1) * self.o.batch, self.o.batch,
                       self.o.ema_half_life)
        return metrics

    def bins_step(self, a: torch.Tensor, b: torch.Tensor) -> dict[str, float]:
        logits = self.g(a)
        loss = chroma_bins.cross_entropy(logits, b, self.bins)
        self.optimize("generator", loss)
        self.sync_buffers(self.g)
        with torch.no_grad():
            ab = chroma_bins.decode(logits, self.bins, chroma_bins.TEMPERATURE, b.shape[-2:])
            distance = chroma_distance(ab, b)
        return {"cross_entropy": loss.item(), "chroma": distance.item()}

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        """Rows: input, output (of the EMA generator where there is one), target."""
        g = self.g_ema if self.g_ema is not None else self.g
        was_training = g.training
        g.eval()
        out = g(self.sample_a)
        g.train(was_training)
        if self.bins is not None:
            out = chroma_bins.decode(out, self.bins, chroma_bins.TEMPERATURE,
                                     self.sample_a.shape[-2:])
        if self.colour:
            def rgb(ab: torch.Tensor) -> np.ndarray:
                return np.stack([_lab_rgb(L, c) for L, c in zip(self.sample_a[:, 0].cpu().numpy(),
                                                                ab.cpu().numpy())])
            rows = np.concatenate([rgb(torch.zeros_like(out)), rgb(out), rgb(self.sample_b)])
            return grid(rows, columns=len(self.sample_a))
        rows = torch.cat([self.sample_a, out, self.sample_b])
        return grid(to_uint8(rows), columns=len(self.sample_a))

    @torch.no_grad()
    def calibrate_ema(self) -> None:
        """The EMA weights carry the raw generator's batch-norm statistics, which belong to
        other weights: measure their own on fixed training batches before exporting."""
        rng = np.random.default_rng(self.o.seed + 777)
        batches = []
        for _ in range(EMA_CALIBRATION_BATCHES):
            indices = rng.integers(0, len(self.pairs), self.o.batch)
            batches.append(self.batch(indices, int(rng.integers(2 ** 31)))[0])
        recalibrate_batchnorm(self.g_ema, batches)

    def exported(self):
        return dict(self.networks)

    def export(self, folder: Path, training: dict, info: dict) -> None:
        if self.g_ema is not None:
            self.calibrate_ema()
        checkpoints.save_model(folder, "pix2pix", self.exported(), training=training,
                               card=self.card(folder, info), description=self.summary,
                               dtype=self.weights_dtype(),
                               extra={"input_transform": self.transform}
                               | ({"output": "lab_ab", "hints": True} if self.colour else {})
                               | ({"chroma_bins": chroma_bins.config_entry()}
                                  if self.bins is not None else {})
                               | ({"hint_strokes": True} if self.o.hint_strokes else {}))


def _lab_rgb(net_l: np.ndarray, net_ab: np.ndarray) -> np.ndarray:
    """Network channels (HxW lightness, 2xHxW chroma) -> uint8 RGB."""
    lab = np.stack([(net_l + 1.0) * 50.0, net_ab[0] * AB_SCALE, net_ab[1] * AB_SCALE], axis=2)
    return lab_to_rgb(lab)


def _centre(h: int, w: int):
    from ..data import Crop
    side = min(h, w)
    return Crop((h - side) // 2, (w - side) // 2, side, side, False)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _match_pairs(a_names: list[str], b_names: list[str]) -> list[tuple[int, int]]:
    """Pair files of --data and --data-b by relative path without extension; all must match."""
    a_index = {_stem(n): i for i, n in enumerate(a_names)}
    b_index = {_stem(n): i for i, n in enumerate(b_names)}
    only_a = sorted(set(a_index) - set(b_index))
    only_b = sorted(set(b_index) - set(a_index))
    if only_a or only_b:
        parts = []
        if only_a:
            parts.append(f"{len(only_a)} in --data without a partner in --data-b "
                         f"(e.g. {', '.join(only_a[:3])})")
        if only_b:
            parts.append(f"{len(only_b)} in --data-b without a partner in --data "
                         f"(e.g. {', '.join(only_b[:3])})")
        raise UserError("mismatched pairs: " + "; ".join(parts)
                        + "; files pair up by name (an unreadable file also breaks its pair)")
    return [(a_index[k], b_index[k]) for k in sorted(a_index)]


def _check_side_by_side(images) -> None:
    for i in range(len(images)):
        _, h, w = (int(v) for v in images.index[i])
        if w < 1.5 * h:
            raise UserError(f"--pairs sidebyside: {images.names[i]} is {w}x{h}; a side-by-side "
                            f"pair is input|target, about twice as wide as it is high")
