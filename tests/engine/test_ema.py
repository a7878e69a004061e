"""The weight average's batch-norm statistics are measured on its own weights."""

import torch
import torch.nn as nn

from engine.train.ema import make_ema, recalibrate_batchnorm, update_ema


def test_recalibration_gives_the_plain_average_of_the_batches_statistics():
    net = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2)).eval()
    batches = [torch.full((2, 1, 3, 3), float(v)) + torch.randn(2, 1, 3, 3) for v in (0, 4, 8)]
    recalibrate_batchnorm(net, batches)
    with torch.no_grad():
        means = [net[0](x).mean(dim=(0, 2, 3)) for x in batches]
    assert torch.allclose(net[1].running_mean, torch.stack(means).mean(0), atol=1e-5)
    assert net[1].momentum == 0.1 and not net.training


def test_ema_follows_the_weights_and_copies_buffers_until_recalibrated():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = make_ema(net)
    with torch.no_grad():
        net[0].weight.add_(1.0)
        net[1].running_mean.fill_(3.0)
    before = ema[0].weight.clone()
    update_ema(ema, net, images_seen=1000, batch=10, half_life=100)
    moved = (ema[0].weight - before).abs().mean()
    assert 0 < moved < 1.0
    assert torch.equal(ema[1].running_mean, net[1].running_mean)
