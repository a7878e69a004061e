"""What every training kind provides to the shared loop."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn as nn

from ...errors import UserError
from ...imaging import to_tensor
from .. import dist
from ..data import (BatchOrder, ImageSet, apply_crop, item_rng, load_image_set, random_square_crop,
                    scan_images, shard)
from ..options import TrainOptions
from ..card import model_card
from ..output import RunFolder
from ..init_weights import init_from_model


class Task:
    """One model kind: builds its networks and data, and runs one training step at a time."""
    kind = ""
    work_name = "training"       # subfolder of the model folder that holds the state
    own_samples = True            # samples.png and log.jsonl in the model folder itself

    def __init__(self, options: TrainOptions, ctx: dist.Context, run: RunFolder,
                 status: Callable[[str], None]):
        self.o = options
        self.ctx = ctx
        self.run = run
        self.status = status
        self.networks: dict[str, nn.Module] = {}       # everything whose weights are state
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self.orders: dict[str, BatchOrder] = {}
        self.data_source = ""
        self.image_count = 0
        self.skipped = 0

    # -- what each kind implements
    def step(self, iteration: int) -> dict[str, float]:
        raise NotImplementedError

    def samples(self) -> np.ndarray:
        raise NotImplementedError

    def export(self, folder: Path, training: dict, info: dict) -> None:
        """Write the finished model (config.json last); `info` feeds the model card."""
        raise NotImplementedError

    def card(self, folder: Path, info: dict) -> str:
        return model_card(f"{folder.name}: {self.title}", self.summary, info)

    def exported(self) -> dict[str, nn.Module]:
        """The networks the finished model folder holds, by role."""
        raise NotImplementedError

    title = "Model"
    summary = ""

    # -- shared helpers
    @classmethod
    def prepare_output(cls, options: TrainOptions) -> RunFolder:
        """Where this run writes (no file system changes yet)."""
        return RunFolder(options.out, cls.work_name, options.cache_dir, cls.own_samples)

    @classmethod
    def data_folders(cls, options: TrainOptions) -> list[tuple[str, str]]:
        """(folder, option name) of every image folder this run reads."""
        folders = [(options.data, "--data")]
        if options.data_b and (cls.kind == "cyclegan" or options.pairs == "folder"):
            folders.append((options.data_b, "--data-b"))
        return folders

    @classmethod
    def validate(cls, options: TrainOptions) -> None:
        """Check the inputs before anything is written: folders exist and hold images."""
        for folder, what in cls.data_folders(options):
            scan_images(folder, what)

    @classmethod
    def prepare(cls, run: RunFolder, options: TrainOptions) -> None:
        """Check the output folder and make its work folder (main process only); a fresh
        run removes nothing: it replaces its own files when it exports."""
        if options.resume:
            run.prepare_resume()
        else:
            run.prepare_new(options.force)

    def load_images(self, folder: str, max_short: int, what: str) -> ImageSet:
        """Rank 0 decodes and caches; the others wait, then read its cache."""
        def report(n: int, total: int) -> None:
            if total >= 200 and (n % 200 == 0 or n == total):   # small folders decode in a blink
                self.status(f"decoding {what} images {n}/{total}")
        images = dist.main_first(
            self.ctx, lambda: load_image_set(folder, max_short, self.run.cache, what, report))
        if images is None:
            images = load_image_set(folder, max_short, self.run.cache, what)
        self._check_sizes(images, what)
        return images

    def _check_sizes(self, images: ImageSet, what: str) -> None:
        """Images smaller than the training crop are blown up into blur: refuse a folder of
        nothing else, and say how many there are otherwise."""
        crop = getattr(self, "size", None) or self.o.size
        if not crop or len(images) == 0:
            return
        short = np.minimum(images.index[:, 1], images.index[:, 2])
        small = int((short < crop).sum())
        if small == len(images):
            raise UserError(f"{what}: every image is smaller than the {crop}px training crop "
                            f"(the largest has a {int(short.max())}px shorter side); use larger "
                            f"images or a smaller --size")
        if small:
            self.status(f"warning: {small} of {len(images)} {what} images are smaller than the "
                        f"{crop}px training crop and will be enlarged")

    def adam(self, params, lr: float, betas=(0.5, 0.999)) -> torch.optim.Optimizer:
        return torch.optim.Adam(params, lr=lr, betas=betas)

    def optimize(self, name: str, loss: torch.Tensor) -> None:
        """Backward, average gradients across processes, step."""
        opt = self.optimizers[name]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        dist.average_gradients(self.ctx, [p for g in opt.param_groups for p in g["params"]])
        opt.step()

    def sync_buffers(self, *nets: nn.Module) -> None:
        for net in nets:
            dist.average_buffers(self.ctx, net)

    def my_part(self, indices: np.ndarray) -> list[tuple[int, int]]:
        """(position in the global batch, image index) pairs this process handles."""
        part = shard(len(indices), self.ctx.rank, self.ctx.world)
        return list(enumerate(indices))[part]

    def square_batch(self, images: ImageSet, order: BatchOrder, size: int,
                     area=(0.7, 1.0)) -> torch.Tensor:
        indices, seed = order.next()
        crops = []
        for pos, i in self.my_part(indices):
            rgb = images.get(int(i))
            crop = random_square_crop(rgb.shape[0], rgb.shape[1], item_rng(seed, pos), area)
            crops.append(apply_crop(rgb, crop, size))
        return to_tensor(np.stack(crops), self.ctx.device)

    def weights_dtype(self):
        return torch.float16 if self.o.fp16 else None

    def data_state(self) -> dict:
        return {name: order.state_dict() for name, order in self.orders.items()}

    def load_data_state(self, state: dict) -> None:
        for name, order in self.orders.items():
            order.load_state_dict(state[name])

    def init_from_option(self, networks: dict | None = None) -> None:
        """--init MODEL: copy the model's matching weights into `networks` (default: the
        run's networks); a resumed run keeps its own."""
        if self.o.init and not self.o.resume:
            init_from_model(self.o.init, self.kind, networks or self.networks)

    def start_networks(self) -> None:
        """Every process starts from rank 0's initial weights."""
        for net in self.networks.values():
            dist.broadcast_module(self.ctx, net)


def fixed_latents(n: int, z_dim: int, seed: int, device) -> torch.Tensor:
    """The latents of samples.png: the same through a run, drawn without touching global RNG."""
    gen = torch.Generator().manual_seed(seed + 12345)
    return (torch.rand(n, z_dim, generator=gen) * 2 - 1).to(device)
