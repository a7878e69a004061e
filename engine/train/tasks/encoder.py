"""An encoder for an existing gan model: image -> z, so projection starts close.

The generator (EMA) and discriminator stay frozen. Loss: latent MSE on generated pairs
(z, G(z)), plus pixel MSE and discriminator-feature MSE between real images and
G(E(x)) (a perceptual loss that needs no download, as in VAE/GAN).

When the --augment policy includes "color", each real image gets DiffAugment's random
brightness, saturation and contrast (clipped to the image range) before it is encoded and
used as its own target: a photo more colourful than the training set (outdoor64's
held-out flowers) otherwise drove the encoder to the edge of the latent box. Translation
and cutout are not used here: a cut-out square is nothing the generator can draw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ... import checkpoints, registry
from ...config import EncoderConfig
from ...errors import UserError
from ...imaging import center_crop_square, grid, resize, to_tensor, to_uint8
from ..augment import color, parse_policy
from ..data import BatchOrder
from ..options import TrainOptions
from ..output import RunFolder
from .base import Task

FEATURE_WEIGHT = 1.0
PIXEL_WEIGHT = 1.0
LATENT_WEIGHT = 1.0


class EncoderTask(Task):
    kind = "encoder"
    work_name = "encoder_training"
    own_samples = False
    title = "Encoder"
    summary = "Maps an image to a latent of this model's generator (a start for projection)."

    @classmethod
    def prepare_output(cls, options: TrainOptions) -> RunFolder:
        source = checkpoints.resolve_model(options.model)
        target = Path(options.out) if options.out else source
        return RunFolder(target, cls.work_name, options.cache_dir, cls.own_samples)

    @classmethod
    def data_folders(cls, options: TrainOptions) -> list[tuple[str, str]]:
        data = options.data or cls._source_config(options).get("training", {}).get("data")
        if not isinstance(data, str) or not data:
            raise UserError("--data is required: this model does not record its training images")
        return [(data, "--data")]

    @classmethod
    def validate(cls, options: TrainOptions) -> None:
        config = cls._source_config(options)
        if config["kind"] != "gan":
            raise UserError(f"--model {options.model} is a {config['kind']} model; "
                            f"an encoder needs a gan model")
        super().validate(options)

    @classmethod
    def _source_config(cls, options: TrainOptions) -> dict:
        return checkpoints.read_model_config(checkpoints.resolve_model(options.model))

    @classmethod
    def prepare(cls, run: RunFolder, options: TrainOptions) -> None:
        """The gan model is read from --model throughout; a separate --out receives a copy
        of it with the encoder at export, so until then that folder is left as it was."""
        source = checkpoints.resolve_model(options.model)
        separate = run.model.resolve() != source.resolve()
        if options.resume:
            run.prepare_resume()
            return
        if separate:
            run.prepare_new(options.force, planned=run.planned() + [
                checkpoints.CONFIG_NAME, checkpoints.CARD_NAME, checkpoints.SAMPLE_NAME])
            return
        config = checkpoints.read_model_config(run.model)
        if "encoder" in config["networks"] and not options.force:
            raise UserError(f"model {run.model} already has an encoder; use --force to "
                            f"train a new one or --resume to continue")
        run.prepare_in_place()

    def __init__(self, *args):
        super().__init__(*args)
        o, device = self.o, self.ctx.device
        self.source = checkpoints.resolve_model(o.model)
        model = checkpoints.load_model(self.source, device,
                                       roles=("generator_ema", "generator", "discriminator"))
        self.g = model.generator().eval().requires_grad_(False)
        self.d = model.net("discriminator").eval().requires_grad_(False)
        self.size = self.g.config.image_size
        data = o.data or model.config.get("training", {}).get("data")
        if not data:
            raise UserError("--data is required: this model does not record its training images")
        self.images = self.load_images(data, 2 * self.size, "--data")
        self.data_source, self.image_count = str(data), len(self.images)
        self.skipped = len(self.images.skipped)
        self.orders["real"] = BatchOrder(len(self.images), o.batch, o.seed)
        self.recolour = "color" in parse_policy(o.augment)
        self.e = registry.build("dcgan_encoder", EncoderConfig(
            image_size=self.size, z_dim=self.g.z_dim, width=o.width)).to(device).train()
        self.networks = {"encoder": self.e}
        self.start_networks()
        self.optimizers = {"encoder": self.adam(self.e.parameters(), o.lr or 1e-3, (0.9, 0.999))}
        shown = [resize(center_crop_square(self.images.get(i)), self.size, self.size)
                 for i in range(min(8, len(self.images)))]
        self.sample_real = to_tensor(np.stack(shown), device)

    def step(self, iteration: int) -> dict[str, float]:
        real = self.square_batch(self.images, self.orders["real"], self.size)
        if self.recolour:
            real = color(real).clamp(-1, 1)
        n = real.shape[0]
        z = torch.rand(n, self.g.z_dim, device=self.ctx.device) * 2 - 1
        with torch.no_grad():
            fake = self.g(z)
        loss_latent = F.mse_loss(self.e(fake), z)
        rec = self.g(self.e(real))
        loss_pixel = F.mse_loss(rec, real)
        loss_feature = sum(F.mse_loss(a, b) for a, b in
                           zip(self.d.features(rec), self.d.features(real)))
        loss = LATENT_WEIGHT * loss_latent + PIXEL_WEIGHT * loss_pixel \
            + FEATURE_WEIGHT * loss_feature
        self.optimize("encoder", loss)
        self.sync_buffers(self.e)
        return {"loss": loss.item(), "latent": loss_latent.item(), "pixel": loss_pixel.item(),
                "feature": float(loss_feature.item())}

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        """Top row: real images; bottom row: G(E(x))."""
        self.e.eval()
        rec = self.g(self.e(self.sample_real))
        self.e.train()
        return grid(to_uint8(torch.cat([self.sample_real, rec])), columns=len(self.sample_real))

    def exported(self):
        return {"encoder": self.e}

    def export(self, folder: Path, training: dict, info: dict) -> None:
        if folder.resolve() != self.source.resolve():
            checkpoints.copy_model(self.source, folder)
        checkpoints.add_network(folder, "encoder", self.e.eval(), dtype=self.weights_dtype(),
                                training=training)
        self.e.train()
        card = folder / checkpoints.CARD_NAME
        text = card.read_text(encoding="utf-8") if card.is_file() else f"# {folder.name}\n"
        text = text.split("\n## Encoder\n")[0].rstrip("\n") + "\n\n" + \
            _encoder_section(info, self.recolour)
        checkpoints.write_card(folder, text)


def _encoder_section(info: dict, recoloured: bool) -> str:
    net = info["networks"]["encoder"]
    images = "recoloured at random (DiffAugment colour) " if recoloured else ""
    return (f"## Encoder\n\n{net['arch']}, {net['parameters']:,} parameters, trained "
            f"{info['iteration']} iterations (batch {info['batch']}) on {info['images']} images "
            f"{images}from `{info['data']}` in {info['wall_seconds'] / 60:.1f} min "
            f"on {info['hardware']}. "
            f"Reconstructions: `{EncoderTask.work_name}/samples.png`.\n")
