"""Choose where the edit's optimisation starts: the best of many prior samples.

Adam from a random start only finds the basin nearest to it; on scenes64 a sky band over a
grass band most often ended as sky over sea because most samples' lower half is water or
sand. Scoring a large pool of prior samples by the strokes' cost (forward passes only, no
gradients) and starting from the best few puts the search in the right basin first.
"""

from __future__ import annotations

import torch

from ._common import seeded_uniform

CHUNK = 64  # samples per forward pass while scoring the pool


@torch.no_grad()
def best_of_pool(generator, cost_of, pool: int, keep: int, seed: int,
                 device: torch.device, blend=None, held=None) -> torch.Tensor:
    """(keep, Z): the `keep` lowest-cost latents among `pool` seeded prior samples
    (`blend`, when given, maps G(z) to the image the cost sees, as in the edit; `held`
    maps a sample to the latent the edit may reach, its other entries held fixed)."""
    z = seeded_uniform((pool, generator.z_dim), seed, device)
    if held is not None:
        z = held(z)
    costs = []
    for chunk in z.split(CHUNK):
        x = generator(chunk)
        costs.append(cost_of(blend(x) if blend is not None else x))
    order = torch.argsort(torch.cat(costs))[:keep]
    return z[order]
