"""Data-parallel training across processes started by torchrun.

Each step every process computes gradients on its shard of the global batch; the
gradients are then averaged with one all_reduce per network before the optimiser step,
and floating buffers (BatchNorm statistics) are averaged after it. This is what
DistributedDataParallel does, done explicitly (as StyleGAN2-ADA does) because a GAN step
alternates networks and freezes one while the other learns, which DDP's per-module
bucketing handles badly. Every process therefore holds identical weights.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as td
import torch.nn as nn


@dataclass
class Context:
    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup(device: torch.device) -> Context:
    """Join the process group when started by torchrun with WORLD_SIZE > 1."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Context(device=device)
    rank = int(os.environ["RANK"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
    if not td.is_initialized():
        td.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return Context(rank=rank, world=world, device=device)


def teardown(ctx: Context) -> None:
    if ctx.distributed and td.is_initialized():
        td.destroy_process_group()


def average_gradients(ctx: Context, params) -> None:
    if not ctx.distributed:
        return
    params = [p for p in params if p.grad is not None]
    if not params:
        return
    flat = torch.cat([p.grad.reshape(-1) for p in params])
    td.all_reduce(flat)
    flat /= ctx.world
    offset = 0
    for p in params:
        n = p.grad.numel()
        p.grad.copy_(flat[offset:offset + n].view_as(p.grad))
        offset += n


@torch.no_grad()
def average_buffers(ctx: Context, module: nn.Module) -> None:
    if not ctx.distributed:
        return
    buffers = [b for b in module.buffers() if b.is_floating_point()]
    if not buffers:
        return
    flat = torch.cat([b.reshape(-1) for b in buffers])
    td.all_reduce(flat)
    flat /= ctx.world
    offset = 0
    for b in buffers:
        b.copy_(flat[offset:offset + b.numel()].view_as(b))
        offset += b.numel()


@torch.no_grad()
def broadcast_module(ctx: Context, module: nn.Module) -> None:
    """Start every process from rank 0's weights."""
    if not ctx.distributed:
        return
    for t in list(module.parameters()) + list(module.buffers()):
        td.broadcast(t.data, src=0)


def agree(ctx: Context, *flags: bool) -> tuple[bool, ...]:
    """True where any process says True (stop requests, checkpoint deadlines)."""
    if not ctx.distributed:
        return tuple(flags)
    t = torch.tensor([int(f) for f in flags], dtype=torch.int64,
                     device=ctx.device if ctx.device.type == "cuda" else "cpu")
    td.all_reduce(t, op=td.ReduceOp.MAX)
    return tuple(bool(v) for v in t.tolist())


def main_first(ctx: Context, fn):
    """Run fn on rank 0 only; an error there is raised on every process, not left hanging."""
    from ..errors import UserError
    error, result = None, None
    if ctx.is_main:
        try:
            result = fn()
        except Exception as exc:  # re-raised below, after the others know
            error = exc
    (failed,) = agree(ctx, error is not None)
    if error is not None:
        raise error
    if failed:
        raise UserError("the main training process failed; see its message")
    return result


def gather_objects(ctx: Context, obj) -> list:
    if not ctx.distributed:
        return [obj]
    out = [None] * ctx.world
    td.all_gather_object(out, obj)
    return out


def barrier(ctx: Context) -> None:
    if ctx.distributed:
        td.barrier()
