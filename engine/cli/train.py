"""`train KIND`: train a gan, encoder, sr, pix2pix or cyclegan model on an image folder.

Progress goes to stderr as the commands' shared tqdm bar (plain lines when stderr is not
a terminal), or with --json to stdout as JSON lines
({"event": "progress" | "status" | "sample" | "checkpoint" | "done" | "error", ...}) for
the editor's trainer window. SIGINT / SIGTERM stop after the current step and save.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from ..errors import UserError
from ..jobs import Progress
from ..train import KINDS, PAIR_MODES, PRESETS, TrainEvent, Trainer
from ..train.events import event_of
from ..train.options import GAN_ARCHS, GAN_LOSSES, TrainOptions
from ._common import add_device_args, add_json_arg
from ._progress import ProgressBar

PROGRESS_EVERY_S = 0.25   # at most this often a JSON progress line


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "train", help="train a model on a folder of images",
        description="Train a model; the output folder becomes a model the editor loads. "
                    "Under torchrun it trains data-parallel across processes.")
    p.add_argument("kind", choices=KINDS, help="what to train")
    p.add_argument("--data", help="image folder (searched recursively); cyclegan: domain A")
    p.add_argument("--data-b", help="cyclegan: domain-B folder; pix2pix --pairs folder: targets")
    p.add_argument("--out", help="output model folder, e.g. weights/mymodel "
                                 "(encoder: defaults to the --model folder)")
    p.add_argument("--preset", choices=PRESETS, default="cpu",
                   help="defaults sized for the hardware (default: cpu)")
    p.add_argument("--size", type=int, help="resolution in pixels (sr: high-resolution crop)")
    p.add_argument("--iters", type=int, help="training iterations")
    p.add_argument("--batch", type=int, help="images per iteration (over all processes)")
    p.add_argument("--width", type=int, help="network width (channels at full resolution)")
    p.add_argument("--blocks", type=int, help="sr: conv layers; cyclegan: residual blocks")
    p.add_argument("--z-dim", type=int, default=100, help="gan: latent size (default 100)")
    p.add_argument("--lr", type=float, help="learning rate (default per kind)")
    p.add_argument("--loss", choices=GAN_LOSSES, default="nonsat", help="gan: adversarial loss")
    p.add_argument("--upsample", choices=("transpose", "resize"), default="transpose",
                   help="gan: generator upsampling (transpose: fastest on CPU; resize: no checkerboard)")
    p.add_argument("--augment", default="color,translation,cutout",
                   help="gan: DiffAugment policy, comma-separated, or 'none'")
    p.add_argument("--model", help="encoder: the gan model folder or name")
    p.add_argument("--pairs", choices=PAIR_MODES,
                   help="pix2pix: edges or gray (made from --data), folder (--data + --data-b "
                        "with matching names), sidebyside (input|target images)")
    p.add_argument("--chroma-bins", action="store_true",
                   help="pix2pix --pairs gray: predict a distribution over ab colour bins "
                        "(cross-entropy, annealed mean; Zhang et al. 2016) instead of ab")
    p.add_argument("--hint-strokes", action="store_true",
                   help="pix2pix --pairs gray: half the hinted crops get painted strokes of one "
                        "colour instead of dots (engine.chroma.sample_stroke_hints)")
    p.add_argument("--ema", action="store_true",
                   help="pix2pix: also keep an exponential moving average of the generator's "
                        "weights (half-life 10,000 images); the model uses it")
    p.add_argument("--scale", type=int, default=4, choices=(2, 4), help="sr: upscaling factor")
    p.add_argument("--adversarial", action="store_true",
                   help="sr: add a PatchGAN loss over the second half of training")
    p.add_argument("--arch", choices=GAN_ARCHS, default="dcgan",
                   help="gan: dcgan (one global latent), spatial (global code + a 4x4 grid of local codes) "
                        "local (the same, with the layout left to the local codes) or style (a "
                        "mapping network and style-modulated convolutions, StyleGAN-like)")
    p.add_argument("--local-diversity", type=float, default=0.0, metavar="W",
                   help="gan, --arch spatial or local: weight of a term that makes each local code "
                        "change the image around its cell (engine/train/local_diversity.py; default 0)")
    p.add_argument("--init", help="gan, sr, fill, pix2pix: start from this model's weights where "
                   "names and shapes match (a variant of a trained design, or more training "
                   "for a shipped model)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="continue the run saved in --out")
    p.add_argument("--force", action="store_true", help="replace an existing --out")
    p.add_argument("--sample-every", type=int, help="iterations between samples.png updates")
    p.add_argument("--log-every", type=int, default=10, help="iterations between log.jsonl lines")
    p.add_argument("--checkpoint-every", type=float, default=300.0,
                   help="seconds between resumable checkpoints (default 300)")
    p.add_argument("--cache-dir", help="where decoded images are cached (default OUT/cache)")
    p.add_argument("--fp16", action="store_true", help="store the finished weights as float16")
    add_device_args(p)
    add_json_arg(p)
    p.set_defaults(handler=run_train)


def options_from_args(args: argparse.Namespace) -> TrainOptions:
    return TrainOptions(
        data=args.data, data_b=args.data_b, out=args.out, preset=args.preset, size=args.size,
        iters=args.iters, batch=args.batch, width=args.width, blocks=args.blocks,
        z_dim=args.z_dim, arch=args.arch, local_diversity=args.local_diversity, lr=args.lr, loss=args.loss, upsample=args.upsample, augment=args.augment, model=args.model, init=args.init,
        pairs=args.pairs, chroma_bins=args.chroma_bins, hint_strokes=args.hint_strokes,
        ema=args.ema, scale=args.scale,
        adversarial=args.adversarial, seed=args.seed,
        device=args.device, resume=args.resume, force=args.force,
        sample_every=args.sample_every, log_every=args.log_every,
        checkpoint_every=args.checkpoint_every, cache_dir=args.cache_dir, fp16=args.fp16)


def run_train(args: argparse.Namespace) -> int:
    from ..device import configure_threads
    reporter = Reporter(args.json)
    try:
        configure_threads(args.threads)
        trainer = Trainer(args.kind, options_from_args(args), progress_fn=reporter)
        reporter.trainer = trainer
        folder = trainer.run()
    except UserError as exc:
        reporter.event({"event": TrainEvent.ERROR, "message": str(exc)})
        raise
    except OSError as exc:
        reporter.event({"event": TrainEvent.ERROR,
                        "message": f"{exc.strerror or exc}: {exc.filename or ''}"})
        raise
    rank = trainer.ctx.rank if trainer.ctx else 0
    reporter.event({"event": TrainEvent.DONE, "model": str(folder), "iter": trainer.iteration,
                    "stopped": trainer.stopped, "checksum": trainer.checksum, "rank": rank,
                    "wall_seconds": reporter.wall}, always=True)
    if not args.json and rank == 0:
        print(folder)
    return 0


class Reporter:
    """Turns the trainer's Progress into JSON lines on stdout, or the progress bar on stderr."""

    def __init__(self, as_json: bool, stream=None):
        self.as_json = as_json
        self.trainer: Trainer | None = None
        self.first: tuple[float, int] | None = None
        self.last_print = 0.0
        self.wall = 0.0
        self.bar = None if as_json else ProgressBar(stream or sys.stderr, unit="it")

    @property
    def is_main(self) -> bool:
        ctx = self.trainer.ctx if self.trainer else None
        return ctx is None or ctx.is_main

    def event(self, data: dict, always: bool = False) -> None:
        if not (self.is_main or always):
            return
        if self.as_json:
            print(json.dumps(data), flush=True)
        elif data["event"] not in (TrainEvent.ERROR, TrainEvent.DONE):  # errors: printed by the CLI
            self.bar.write(_text(data))

    def __call__(self, p: Progress) -> None:
        now = time.perf_counter()
        event = event_of(p)
        if event == TrainEvent.DONE:
            self.wall = p.metrics.get("wall_seconds", 0.0)
            if self.bar is not None:
                self.bar.close()
            return
        if event == TrainEvent.SAMPLE:
            self.event({"event": TrainEvent.SAMPLE, "iter": p.step,
                        "path": str(self.trainer.run_folder.samples)})
            return
        if event == TrainEvent.CHECKPOINT:
            self.event({"event": TrainEvent.CHECKPOINT, "iter": p.step,
                        "path": str(self.trainer.run_folder.state)})
            return
        if event == TrainEvent.STATUS:
            self.event({"event": TrainEvent.STATUS, "message": p.message})
            return
        if self.bar is not None:
            if self.is_main:
                self.bar.update(p.step, p.total, "train", p.metrics)
            return
        if self.first is None:
            self.first = (now, p.step)   # rates count from the first step this process ran
        if now - self.last_print < PROGRESS_EVERY_S and p.step < p.total:
            return
        self.last_print = now
        t0, s0 = self.first
        rate = (p.step - s0) / (now - t0) if p.step > s0 and now > t0 else 0.0
        eta = (p.total - p.step) / rate if rate > 0 else None
        data = {"event": TrainEvent.STEP, "iter": p.step, "total": p.total,
                "seconds_per_iter": round(1 / rate, 4) if rate else None,
                "eta_seconds": None if eta is None else round(eta, 1),
                "metrics": {k: round(v, 5) for k, v in p.metrics.items()}}
        self.event(data)


def _text(data: dict) -> str:
    if data["event"] == TrainEvent.STATUS:
        return data["message"] + "\n"
    return f"{data['event']} at iteration {data['iter']}: {data['path']}\n"
