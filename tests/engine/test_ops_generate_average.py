"""The 'average image' start: the most typical of many seeded samples, not z = 0."""

import numpy as np
import pytest
import torch

from engine.ops.generate import average_z, generate, random_z
from support.ops_models import gan, one_thread  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def test_average_start_is_the_sample_nearest_the_mean_image(gan):
    generator = gan.generator()
    z = average_z(generator, samples=64, seed=5)
    assert z.shape == (8,) and np.abs(z).max() <= 1 and np.abs(z).max() > 0.05
    draws = generator.sample_z(64, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        images = generator(draws).flatten(1)
    distances = (images - images.mean(0)).pow(2).sum(1)
    assert np.allclose(z, draws[int(distances.argmin())].numpy())
    assert np.array_equal(average_z(generator, samples=64, seed=5), z)   # deterministic


def test_with_a_critic_the_average_start_is_the_typical_one_of_the_best_rated(gan):
    generator, critic = gan.generator(), gan.net("discriminator")
    z = average_z(generator, samples=64, seed=5, critic=critic)
    draws = generator.sample_z(64, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        images = generator(draws)
        scores = critic(images).reshape(64, -1).mean(1)
    best = scores.argsort(descending=True)[:16]   # REALISTIC_SHARE of 64
    chosen = int(np.flatnonzero((draws.numpy() == z).all(1))[0])
    assert chosen in best.tolist()
    flat = images.flatten(1)[best]
    assert chosen == int(best[(flat - flat.mean(0)).pow(2).sum(1).argmin()])
    assert np.array_equal(average_z(generator, samples=64, seed=5, critic=critic), z)   # deterministic


class RatesOddOnesHighest(torch.nn.Module):
    """A stand-in critic that scores an image by its distance from a given mean image."""

    def __init__(self, mean):
        super().__init__()
        self.mean = torch.nn.Parameter(mean)

    def forward(self, images):
        return (images.flatten(1) - self.mean).pow(2).sum(1)


def test_the_critic_decides_which_samples_take_part(gan):
    generator = gan.generator()
    plain = average_z(generator, samples=64, seed=5)
    draws = generator.sample_z(64, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        mean = generator(draws).flatten(1).mean(0)
    rated = average_z(generator, samples=64, seed=5, critic=RatesOddOnesHighest(mean))
    assert not np.array_equal(rated, plain)   # the plain pick, nearest the mean, is rated lowest


def test_average_start_is_more_typical_than_random_samples(gan):
    generator = gan.generator()
    others = generate(generator, random_z(generator, 64, 9)).astype(float).reshape(64, -1)
    mean = others.mean(0)
    typical = generate(generator, average_z(generator)).astype(float).reshape(-1)
    assert ((typical - mean) ** 2).mean() < np.median(((others - mean) ** 2).mean(1))


def test_average_start_follows_changed_weights_and_needs_no_sample_z(gan):
    generator = gan.generator()
    first = average_z(generator, samples=32)
    with torch.no_grad():
        for p in generator.parameters():
            p.add_(torch.randn_like(p) * 0.5)
    assert not np.array_equal(average_z(generator, samples=32), first)
    critic = gan.net("discriminator")
    rated = average_z(generator, samples=32, critic=critic)
    with torch.no_grad():
        for p in critic.parameters():
            p.mul_(-1)   # the critic's ranking reversed: another pick
    assert not np.array_equal(average_z(generator, samples=32, critic=critic), rated)

    class Plain(torch.nn.Module):  # a generator without sample_z: a uniform prior is assumed
        z_dim = 4

        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(1))

        def forward(self, z):
            return torch.tanh(self.scale * z.mean(1)).view(-1, 1, 1, 1).expand(-1, 3, 4, 4)

    z = average_z(Plain(), samples=16)
    assert z.shape == (4,) and np.abs(z).max() <= 1
