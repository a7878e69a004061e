"""The output folder of a run: refuse to clobber, clean with --force, find what --resume needs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .. import atomic
from ..checkpoints import CARD_NAME, CONFIG_NAME, SAMPLE_NAME
from ..errors import UserError

STATE_NAME = "state.safetensors"
LOG_NAME = "log.jsonl"
# What a run writes; --force removes exactly these (and nothing the user put there).
_RUN_FILES = (CONFIG_NAME, CARD_NAME, SAMPLE_NAME, LOG_NAME)


class RunFolder:
    """Paths of one run. `work` holds the resumable state (a subfolder of the model folder)."""

    def __init__(self, model: str | os.PathLike, work_name: str = "training",
                 cache_dir: str | os.PathLike | None = None, own_samples: bool = True):
        self.model = Path(model)
        self.work = self.model / work_name
        self.state = self.work / STATE_NAME
        self.cache = Path(cache_dir) if cache_dir else self.model / "cache"
        base = self.model if own_samples else self.work
        self.samples = base / SAMPLE_NAME
        self.log = base / LOG_NAME

    def prepare_new(self, force: bool) -> None:
        """A fresh run: the folder must be new or empty, unless --force."""
        if self.model.exists() and not self.model.is_dir():
            raise UserError(f"--out {self.model} exists and is not a folder")
        leftovers = [p for p in self.model.iterdir() if p.name != "cache"] \
            if self.model.is_dir() else []
        if leftovers and not force:
            raise UserError(f"output folder {self.model} already exists and is not empty; "
                            f"use --resume to continue its training or --force to start over")
        if leftovers:
            self.clean()
        self.check_writable()

    def prepare_resume(self) -> None:
        if not self.state.is_file():
            raise UserError(f"nothing to resume: {self.state} does not exist "
                            f"(start without --resume)")
        self.check_writable()

    def discard_unstarted(self, existed: bool) -> None:
        """A fresh run that failed before its first step leaves nothing that blocks a retry."""
        if self.state.is_file():
            return
        if not existed:
            shutil.rmtree(self.model, ignore_errors=True)
        elif self.work.is_dir():
            shutil.rmtree(self.work, ignore_errors=True)

    def clean(self) -> None:
        for name in _RUN_FILES:
            (self.model / name).unlink(missing_ok=True)
        for path in self.model.glob("*.safetensors"):
            path.unlink()
        if self.work.is_dir():
            shutil.rmtree(self.work)

    def check_writable(self) -> None:
        try:
            self.work.mkdir(parents=True, exist_ok=True)
            atomic.write_text(self.work / ".write-test", "ok")
            (self.work / ".write-test").unlink()
        except OSError as exc:
            raise UserError(f"cannot write to output folder {self.model}: "
                            f"{exc.strerror or exc}") from None

    # ---------------------------------------------------------------- loss log

    def truncate_log(self, iteration: int) -> None:
        """On resume, drop log lines written after the checkpoint being resumed."""
        if not self.log.is_file():
            return
        kept = []
        for line in self.log.read_text(encoding="utf-8").splitlines():
            try:
                if json.loads(line).get("iter", 0) <= iteration:
                    kept.append(line)
            except json.JSONDecodeError:
                continue
        atomic.write_text(self.log, "".join(k + "\n" for k in kept))

    def append_log(self, entry: dict) -> None:
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
