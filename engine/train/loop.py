"""The one training loop every kind shares: steps, samples, loss log, checkpoints, resume, stop."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import signal
import threading
import time
from pathlib import Path
from typing import Callable

from .. import checkpoints
from ..device import resolve_device
from ..errors import UserError
from ..imaging import save_image
from ..jobs import Cancelled, Progress
from . import dist, rng
from .card import hardware_line
from .events import TrainEvent, TrainProgress
from .options import TrainOptions, resolve
from .tasks import TASKS



class Trainer:
    """Run one training job. Use from Python, the CLI, or a torchrun process."""

    def __init__(self, kind: str, options: TrainOptions,
                 progress_fn: Callable[[Progress], None] | None = None,
                 should_stop: Callable[[], bool] | None = None):
        self.kind = kind
        self.options = resolve(kind, options)
        self.progress_fn = progress_fn or (lambda p: None)
        self.should_stop = should_stop or (lambda: False)
        self.signalled = False
        self.checksum = ""
        self.stopped = False
        self.iteration = 0
        self.ctx: dist.Context | None = None

    # ---------------------------------------------------------------- run

    def run(self) -> Path:
        o = self.options
        self.ctx = ctx = dist.setup(resolve_device(o.device))
        try:
            if o.batch % ctx.world:
                raise UserError(f"--batch {o.batch} must be divisible by the {ctx.world} processes")
            task_cls = TASKS[self.kind]
            task_cls.validate(o)   # every input checked before the output folder is touched
            self.run_folder = run = task_cls.prepare_output(o)
            if o.resume:
                _check_resumable(run.state, self.kind)
            existed = run.model.exists()
            try:
                dist.main_first(ctx, lambda: task_cls.prepare(run, o))
                rng.seed_all(o.seed + ctx.rank)
                self.task = task_cls(o, ctx, run, self._status)
                elapsed = 0.0
                if o.resume:
                    elapsed = self._load_state(run.state)
                    if ctx.is_main:
                        run.truncate_log(self.iteration)
            except BaseException:
                if ctx.is_main and not o.resume:
                    run.discard_unstarted(existed)
                raise
            with _stop_signals(self):
                return self._loop(elapsed)
        finally:
            dist.teardown(ctx)

    def _loop(self, elapsed_before: float) -> Path:
        o, ctx, run, task = self.options, self.ctx, self.run_folder, self.task
        start = time.perf_counter()
        last_checkpoint = time.monotonic()
        elapsed = lambda: elapsed_before + time.perf_counter() - start  # noqa: E731
        while self.iteration < o.iters:
            metrics = task.step(self.iteration)
            self.iteration += 1
            it = self.iteration
            if ctx.is_main:
                if it % o.log_every == 0 or it == o.iters:
                    run.append_log({"iter": it, "time": round(elapsed(), 3), **metrics})
                self.progress_fn(TrainProgress(it, o.iters, "", None, metrics))
                if it % o.sample_every == 0:
                    self._write_samples()
            stop, checkpoint_due = dist.agree(
                ctx, self.should_stop() or self.signalled,
                time.monotonic() - last_checkpoint >= o.checkpoint_every)
            if stop:
                self.stopped = self.iteration < o.iters
                break
            if checkpoint_due:
                self._save_state(elapsed())
                last_checkpoint = time.monotonic()
        self._save_state(elapsed())
        if self.iteration % o.sample_every:
            self._write_samples()   # unless the loop just wrote this iteration's
        if ctx.is_main:
            self._export(elapsed())
        self.checksum = weights_checksum(task.exported())
        self.progress_fn(TrainProgress(self.iteration, o.iters, "", None,
                                       {"wall_seconds": round(elapsed(), 3)}, TrainEvent.DONE))
        return run.model

    def _status(self, text: str) -> None:
        """Setup news (e.g. decoding images); also where a stop request during setup lands."""
        if self.should_stop():
            raise Cancelled("stopped before training started")
        if self.ctx is None or self.ctx.is_main:
            self.progress_fn(TrainProgress(self.iteration, self.options.iters, text,
                                           event=TrainEvent.STATUS))

    # ---------------------------------------------------------------- outputs

    def _write_samples(self) -> None:
        if not self.ctx.is_main:
            return
        sheet = self.task.samples()
        self.run_folder.record(self.run_folder.samples)
        save_image(self.run_folder.samples, sheet)
        self.progress_fn(TrainProgress(self.iteration, self.options.iters, "", sheet,
                                       event=TrainEvent.SAMPLE))

    def _export(self, wall: float) -> None:
        o, task = self.options, self.task
        nets = {role: {**_describe(net)} for role, net in task.exported().items()}
        info = {"kind": self.kind, "data": task.data_source, "images": task.image_count,
                "skipped": task.skipped, "size": getattr(task, "size", o.size),
                "iteration": self.iteration, "iters": o.iters, "batch": o.batch, "wall_seconds": wall,
                "hardware": hardware_line(self.ctx.device, self.ctx.world),
                "preset": o.preset, "networks": nets, "stopped": self.stopped}
        training = {k: v for k, v in info.items() if k != "networks"}
        training["options"] = _options_json(o)
        with checkpoints.writing_with(self.run_folder):   # the manifest records each file
            task.export(self.run_folder.model, training, info)

    # ---------------------------------------------------------------- state

    def _save_state(self, elapsed: float) -> None:
        ctx, task = self.ctx, self.task
        rng_states = dist.gather_objects(ctx, rng.get_state(ctx.device))
        if not ctx.is_main:
            return
        state = {
            "kind": self.kind,
            "iteration": self.iteration,
            "elapsed": elapsed,
            "world": ctx.world,
            "options": json.dumps(_options_json(self.options)),
            "networks": {role: net.state_dict() for role, net in task.networks.items()},
            "optimizers": {name: opt.state_dict() for name, opt in task.optimizers.items()},
            "data": task.data_state(),
            "rng": rng_states,
        }
        self.run_folder.before_state_write()
        checkpoints.save_state(self.run_folder.state, state)
        self.progress_fn(TrainProgress(self.iteration, self.options.iters,
                                       metrics={"iteration": float(self.iteration)},
                                       event=TrainEvent.CHECKPOINT))

    def _load_state(self, path: Path) -> float:
        ctx, task = self.ctx, self.task
        state = _checked_state(checkpoints.load_state(path), path, self.kind)
        try:
            for role, net in task.networks.items():
                net.load_state_dict(state["networks"][role])
            for name, opt in task.optimizers.items():
                opt.load_state_dict(state["optimizers"][name])
        except (KeyError, RuntimeError, ValueError, TypeError, IndexError, AttributeError) as exc:
            raise UserError(f"{path}: the saved networks do not match these settings "
                            f"(same --size, --width and kind needed to resume): "
                            f"{(str(exc).splitlines() or [''])[0][:300]}") from None
        try:
            task.load_data_state(state["data"])
            states = state["rng"]
            if len(states) == ctx.world:
                rng.set_state(states[ctx.rank], ctx.device)
            else:  # a different process count: resume with fresh, still deterministic streams
                rng.seed_all(self.options.seed + 1000 * state["iteration"] + ctx.rank)
        except (KeyError, RuntimeError, ValueError, TypeError, IndexError, AttributeError,
                OverflowError, RecursionError) as exc:
            raise UserError(f"{path}: damaged training state ({str(exc)[:300]})") from None
        self.iteration = state["iteration"]
        return float(state["elapsed"])


def _checked_state(state, path: Path, kind: str) -> dict:
    """The top level of a training state: the right kind, counters in range, parts typed."""
    if not isinstance(state, dict):
        raise UserError(f"{path}: damaged training state (not a mapping)")
    if state.get("kind") != kind:
        raise UserError(f"{path}: that run trained a {state.get('kind')} model, not {kind}")
    iteration, elapsed = state.get("iteration"), state.get("elapsed")
    if not isinstance(iteration, int) or isinstance(iteration, bool) or not 0 <= iteration <= 10 ** 9:
        raise UserError(f"{path}: damaged training state (iteration {iteration!r})")
    if not isinstance(elapsed, (int, float)) or isinstance(elapsed, bool) \
            or not 0 <= float(elapsed) < 1e12:
        raise UserError(f"{path}: damaged training state (elapsed {elapsed!r})")
    for key, expected in (("networks", dict), ("optimizers", dict), ("data", dict), ("rng", list)):
        if not isinstance(state.get(key), expected):
            raise UserError(f"{path}: damaged training state ('{key}' is missing or of the "
                            f"wrong type)")
    return state


def _check_resumable(path: Path, kind: str) -> None:
    """--resume: the state exists and is of this kind, read from its header before any data."""
    if not path.is_file():
        raise UserError(f"nothing to resume: {path} does not exist (start without --resume)")
    saved = checkpoints.read_state_header(path).get("kind")
    if saved != kind:
        raise UserError(f"{path}: that run trained a {saved} model, not {kind}")


def run_training(kind: str, options: TrainOptions,
                 progress_fn: Callable[[Progress], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> Path:
    """Train a model of `kind`; returns its folder, loadable with checkpoints.load_model."""
    return Trainer(kind, options, progress_fn, should_stop).run()


def _describe(net) -> dict:
    from .. import registry
    return {**registry.describe(net), "parameters": sum(p.numel() for p in net.parameters())}


def _options_json(o: TrainOptions) -> dict:
    return {k: v for k, v in dataclasses.asdict(o).items() if k not in ("resume", "force")}


def weights_checksum(nets: dict) -> str:
    """SHA-1 over every network's tensors: equal on every process of a data-parallel run."""
    digest = hashlib.sha1()
    for role in sorted(nets):
        for name, tensor in sorted(nets[role].state_dict().items()):
            digest.update(role.encode() + name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


class _stop_signals:
    """SIGINT / SIGTERM ask the loop to stop after the current step, then save everything."""

    def __init__(self, trainer: Trainer):
        self.trainer = trainer
        self.previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.trainer.signalled and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl+C: stop now, without saving
        self.trainer.signalled = True

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
