"""Tiny model folders for tests, built (and where needed trained) by the tests themselves."""

from __future__ import annotations

import pytest

from engine import checkpoints, registry
from engine.config import DiscriminatorConfig, EncoderConfig, GeneratorConfig


def train_gan_arch(root, arch: str, iters: int):
    """A gan of `arch` trained `iters` steps on 16 px test images under `root`:
    (folder, model, log entries)."""
    import json

    from engine.train import TrainOptions, run_training
    from support.images import write_image_folder

    data = write_image_folder(root / "data", 16, 32, seed=3)
    folder = run_training("gan", TrainOptions(
        data=str(data), out=str(root / "model"), preset="cpu-quick", arch=arch,
        size=16, batch=4, width=8, iters=iters, log_every=1, device="cpu"))
    log = [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]
    return folder, checkpoints.load_model(folder), log


def build_untrained_gan(folder, size: int = 16, z_dim: int = 8, width: int = 8):
    """A randomly initialised gan model folder (G, EMA G, D, E): for shapes and I/O tests."""
    g = registry.build("dcgan_generator", GeneratorConfig(image_size=size, z_dim=z_dim, width=width))
    d = registry.build("dcgan_discriminator", DiscriminatorConfig(image_size=size, width=width))
    e = registry.build("dcgan_encoder", EncoderConfig(image_size=size, z_dim=z_dim, width=width))
    return checkpoints.save_model(folder, "gan", {"generator": g, "generator_ema": g,
                                                  "discriminator": d, "encoder": e},
                                  card="# tiny\n\nAn untrained test model.\n")


@pytest.fixture
def untrained_gan(tmp_path):
    return build_untrained_gan(tmp_path / "tiny-untrained")


# ---------------------------------------------------------------- trained tiny models (session)

TINY_GAN_ITERS = 400
TINY_ENCODER_ITERS = 150


def _one_thread():
    """Tiny nets train several times faster on one thread than on two busy ones."""
    import contextlib

    import torch

    @contextlib.contextmanager
    def scope():
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(before)
    return scope()


def train_tiny_gan(root, size: int = 16, z_dim: int = 8, width: int = 16):
    """A gan folder trained on synthetic scenes (sky above ground plus a blob), with an encoder.

    Deterministic: fixed data, seeds and one thread."""
    import torch

    from engine.train import TrainOptions, run_training
    from support.images import write_image_folder

    scenes = write_image_folder(root / "tiny-gan-scenes", 256, size, seed=1)
    common = dict(data=str(scenes), preset="cpu-quick", batch=32, width=width, seed=0,
                  cache_dir=str(root / "cache"), device="cpu")
    with _one_thread():
        torch.manual_seed(0)
        folder = run_training("gan", TrainOptions(
            out=str(root / "tiny-gan"), size=size, z_dim=z_dim, iters=TINY_GAN_ITERS, lr=5e-4,
            augment="none", sample_every=TINY_GAN_ITERS, **common))
        run_training("encoder", TrainOptions(model=str(folder), iters=TINY_ENCODER_ITERS,
                                             sample_every=TINY_ENCODER_ITERS, **common))
    return folder


@pytest.fixture(scope="session")
def tiny_gan(tmp_path_factory):
    """A trained 16x16 gan model folder (z_dim 8, width 16) with generator, generator_ema,
    discriminator and encoder. Its samples vary in sky and ground colour."""
    return train_tiny_gan(tmp_path_factory.mktemp("tiny-gan"))


@pytest.fixture(scope="session")
def tiny_sr(tmp_path_factory):
    """An untrained sr_compact x4 model (width 8): it starts as bicubic enlargement."""
    from engine.nets.sr import SRConfig
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = registry.build("sr_compact", SRConfig(scale=4, width=8, blocks=2))
    return checkpoints.save_model(tmp_path_factory.mktemp("tiny-sr") / "tiny-sr", "sr",
                                  {"sr": net}, extra={"scale": 4},
                                  card="# tiny-sr\n\nAn untrained x4 test model.\n")


@pytest.fixture(scope="session")
def tiny_pix2pix(tmp_path_factory):
    """An untrained 32x32 pix2pix model (edges -> photo): unet generator, patchgan discriminator."""
    from engine.nets.translators import PatchGANConfig, UNetConfig
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    g = registry.build("unet", UNetConfig(image_size=32, width=8, max_width=32))
    d = registry.build("patchgan", PatchGANConfig(in_channels=6, width=8, layers=3))
    return checkpoints.save_model(tmp_path_factory.mktemp("tiny-pix2pix") / "tiny-pix2pix",
                                  "pix2pix", {"generator": g, "discriminator": d},
                                  extra={"input_transform": "edges"},
                                  card="# tiny-pix2pix\n\nAn untrained edges-to-photo test model.\n")


@pytest.fixture
def one_torch_thread():
    """Tiny training runs are several times faster on one thread on a shared 2-core machine."""
    with _one_thread():
        yield
