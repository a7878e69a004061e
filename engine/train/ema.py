"""Exponential moving average of a network's weights, for sampling."""

from __future__ import annotations

import copy

import torch
import torch.nn as nn


def make_ema(net: nn.Module) -> nn.Module:
    ema = copy.deepcopy(net).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    return ema


@torch.no_grad()
def update_ema(ema: nn.Module, net: nn.Module, images_seen: int, batch: int,
               half_life: float, rampup: float = 0.05) -> None:
    """Average parameters with a half-life in images (ramped up early, as StyleGAN2-ADA
    does, so short runs are not dominated by the initial weights); copy buffers (BN stats)."""
    half_life = min(half_life, images_seen * rampup) if rampup else half_life
    beta = 0.5 ** (batch / max(half_life, 1e-8))
    for p_ema, p in zip(ema.parameters(), net.parameters()):
        p_ema.lerp_(p.detach(), 1.0 - beta)
    for b_ema, b in zip(ema.buffers(), net.buffers()):
        b_ema.copy_(b)


@torch.no_grad()
def recalibrate_batchnorm(net: nn.Module, batches) -> None:
    """Replace every batch-norm layer's running statistics by their plain average over
    `batches` (inputs run through `net` in training mode); the net's mode is restored."""
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None   # cumulative average
    was_training = net.training
    net.train()
    for x in batches:
        net(x)
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    net.train(was_training)
