"""The session fixtures other tests build on: tiny trained gan, sr and pix2pix models."""

import numpy as np
import torch

from engine import checkpoints
from engine.imaging import to_tensor, to_uint8
from engine.ops.generate import generate, random_z
from support.images import make_scenes


def test_tiny_gan_loads_and_samples_vary_in_colour(tiny_gan):
    model = checkpoints.load_model(tiny_gan)
    assert model.kind == "gan"
    assert {"generator", "generator_ema", "discriminator", "encoder"} <= set(model.networks)
    g = model.generator()
    images = generate(g, random_z(g, 32, seed=0))
    assert images.shape == (32, 16, 16, 3)
    top, bottom = images[:, :4].mean((1, 2)), images[:, -4:].mean((1, 2))  # sky, ground
    assert top.std(0).mean() > 20          # skies differ from sample to sample
    assert np.abs(top - bottom).mean() > 15  # sky differs from ground


def test_tiny_gan_encoder_reconstructs_better_than_a_random_latent(tiny_gan):
    model = checkpoints.load_model(tiny_gan)
    g, e = model.generator(), model.net("encoder")
    real = to_tensor(make_scenes(32, 16, seed=99))
    with torch.no_grad():
        encoded = torch.nn.functional.mse_loss(g(e(real)), real).item()
        random = torch.nn.functional.mse_loss(g(g.sample_z(32, torch.Generator().manual_seed(0))),
                                              real).item()
    assert encoded < 0.7 * random


def test_tiny_sr_and_pix2pix_load(tiny_sr, tiny_pix2pix):
    sr = checkpoints.load_model(tiny_sr)
    assert sr.kind == "sr" and sr.config["scale"] == 4
    out = sr.net("sr")(torch.zeros(1, 3, 8, 8))
    assert out.shape == (1, 3, 32, 32)
    p2p = checkpoints.load_model(tiny_pix2pix)
    assert p2p.kind == "pix2pix" and p2p.config["input_transform"] == "edges"
    assert to_uint8(p2p.net("generator")(torch.zeros(1, 3, 32, 32))).shape == (1, 32, 32, 3)
