"""Compute floors: the machine's measured matmul rate and the FLOPs of a piece of work.

measured time / (FLOPs / matmul rate) says how far a workload is from the best this
hardware does on dense fp32 arithmetic (convs on small maps rarely get close).
"""

from __future__ import annotations

import time
from typing import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_rate(n: int = 2048, repeats: int = 3, device: torch.device | str = "cpu",
                dtype: torch.dtype = torch.float32) -> float:
    """FLOP/s of an n x n matmul on this device: the best of `repeats` after a warm-up."""
    device = torch.device(device)
    a = torch.randn(n, n, device=device, dtype=dtype, generator=None)
    b = torch.randn(n, n, device=device, dtype=dtype)
    a @ b
    _sync(device)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        _sync(device)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n ** 3 / best


def count_flops(fn: Callable[[], object]) -> int:
    """FLOPs (multiply-add = 2) of the matmuls and convolutions fn runs, backward included."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def time_calls(fn: Callable[[], object], warmup: int, repeats: int,
               device: torch.device | str = "cpu") -> float:
    """Seconds per call: mean of `repeats` timed calls after `warmup` untimed ones."""
    device = torch.device(device)
    for _ in range(warmup):
        fn()
    _sync(device)
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    _sync(device)
    return (time.perf_counter() - start) / repeats
