"""The output folder of a run: refuse to clobber, replace only what a run wrote, resume.

A fresh run never clears the folder. It trains beside the previous model (whose
config.json and weights stay loadable until the end) and switches at export, when the new
weights land under names the old config.json does not use and config.json is replaced in
one rename. Every file the trainer writes is first recorded in a manifest
(`.trainer-files.json`); --force replaces and removes only files listed there, so nothing
the user put in the folder is ever touched.
"""

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
MANIFEST_NAME = ".trainer-files.json"
_MANIFEST_MAX_BYTES = 1 << 20
_WORK_NAMES = ("training", "encoder_training")   # every kind's work folder (legacy manifests)


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
        self.manifest = self.model / MANIFEST_NAME
        self._fresh_log = False
        self._recorded: set[str] = set()
        self._created: list[Path] = []   # made by this run before its first checkpoint

    # ---------------------------------------------------------------- what the trainer wrote

    def owned(self) -> set[str]:
        """Paths (relative to the model folder) that a training run wrote."""
        if self.manifest.is_file() and self.manifest.stat().st_size <= _MANIFEST_MAX_BYTES:
            try:
                names = json.loads(self.manifest.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                names = None
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                return {n for n in names if _is_relative(n)}
        return self._legacy_owned()

    def _legacy_owned(self) -> set[str]:
        """A folder trained before the manifest existed: what that trainer is known to write."""
        from ..checkpoints import read_model_config
        owned: set[str] = set()
        has_state = False
        for work in _WORK_NAMES:
            state = f"{work}/{STATE_NAME}"
            if _is_state_file(self.model / state):
                owned |= {state, f"{work}/{SAMPLE_NAME}", f"{work}/{LOG_NAME}"}
                has_state = True
        try:
            config = read_model_config(self.model)
        except UserError:
            config = None
        trained = isinstance(config, dict) and isinstance(config.get("training"), dict) \
            and bool(config["training"])
        if trained:
            owned |= {CONFIG_NAME, CARD_NAME}
            owned |= {entry["file"] for entry in config["networks"].values()}
        if trained or has_state:
            owned |= {SAMPLE_NAME, LOG_NAME}
        return owned

    def may_replace(self, name: str) -> bool:
        """May the run write over `name` (relative path)? Yes if it is new or a run wrote it."""
        return not (self.model / name).exists() and not (self.model / name).is_symlink() \
            or name in self.owned()

    def record(self, *paths: str | os.PathLike) -> None:
        """Add paths to the manifest; called before each write, so a kill never orphans one."""
        names = {self._relative(p) for p in paths}
        if names <= self._recorded:
            return
        current = self.owned()
        if names <= current and self.manifest.is_file():
            self._recorded |= names
            return
        self.model.mkdir(parents=True, exist_ok=True)
        atomic.write_text(self.manifest, json.dumps(sorted(current | names), indent=1) + "\n")
        self._recorded |= names

    def remove_owned(self, names) -> None:
        """Remove files a run wrote (a superseded weight file); anything else stays."""
        owned = self.owned()
        for name in names:
            if name in owned:
                (self.model / name).unlink(missing_ok=True)

    def _relative(self, path: str | os.PathLike) -> str:
        path = Path(path)
        if path.parts[:len(self.model.parts)] == self.model.parts:
            path = path.relative_to(self.model)
        elif path.is_absolute():
            path = Path(os.path.relpath(path, self.model.resolve()))
        return path.as_posix()

    # ---------------------------------------------------------------- starting

    def planned(self) -> list[str]:
        """Fixed-name files a run writes (weights get free names at export)."""
        return [self._relative(p) for p in (self.model / CONFIG_NAME, self.model / CARD_NAME,
                                            self.samples, self.log, self.state)]

    def prepare_new(self, force: bool, planned: list[str] | None = None) -> None:
        """A fresh run: the folder must be new or empty, unless --force (nothing removed here)."""
        if self.model.exists() and not self.model.is_dir():
            raise UserError(f"--out {self.model} exists and is not a folder")
        leftovers = [p for p in self.model.iterdir() if p.name != "cache"] \
            if self.model.is_dir() else []
        if leftovers and not force:
            raise UserError(f"output folder {self.model} already exists and is not empty; "
                            f"use --resume to continue its training or --force to start over")
        blockers = [n for n in (planned or self.planned()) if not self.may_replace(n)]
        if blockers:
            raise UserError(f"--force replaces only files an earlier training run wrote; "
                            f"{self.model / blockers[0]} was not written by the trainer "
                            f"(move it away or choose another --out)")
        if self.work.exists() and not self.work.is_dir():
            raise UserError(f"{self.work} exists and is not a folder; move it away")
        self._fresh_log = True
        self.check_writable()

    def prepare_in_place(self) -> None:
        """A fresh run that adds to the model already in the folder (an encoder)."""
        blockers = [n for n in (self.samples, self.log, self.state)
                    if not self.may_replace(self._relative(n))]
        if blockers:
            raise UserError(f"{blockers[0]} was not written by the trainer; "
                            f"move it away or choose another --out")
        self._fresh_log = True
        self.check_writable()

    def prepare_resume(self) -> None:
        if not self.state.is_file():
            raise UserError(f"nothing to resume: {self.state} does not exist "
                            f"(start without --resume)")
        self.check_writable()

    def discard_unstarted(self, existed: bool) -> None:
        """A fresh run that failed before its first checkpoint removes what it created."""
        if not existed:
            shutil.rmtree(self.model, ignore_errors=True)   # it made the folder itself
            return
        for path in reversed(self._created):
            try:
                path.unlink() if path.is_file() else path.rmdir()
            except OSError:
                pass   # a folder the user has since put files in stays

    def check_writable(self) -> None:
        try:
            for folder in (self.model, self.work):
                if not folder.exists():
                    folder.mkdir(parents=True)
                    self._created.append(folder)
            atomic.write_text(self.work / ".write-test", "ok")
            (self.work / ".write-test").unlink()
        except OSError as exc:
            raise UserError(f"cannot write to output folder {self.model}: "
                            f"{exc.strerror or exc}") from None

    def before_state_write(self) -> None:
        if not self.state.exists():
            self._created.append(self.state)
        self.record(self.state)

    # ---------------------------------------------------------------- loss log

    def truncate_log(self, iteration: int) -> None:
        """On resume, drop log lines written after the checkpoint being resumed."""
        if not self.log.is_file():
            return
        kept = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                if isinstance(entry, dict) and entry.get("iter", 0) <= iteration:
                    kept.append(line)
            except (ValueError, TypeError, RecursionError):
                continue
        atomic.write_text(self.log, "".join(k + "\n" for k in kept))

    def append_log(self, entry: dict) -> None:
        self.record(self.log)   # a fresh run starts its own log; an earlier run's goes
        with open(self.log, "w" if self._fresh_log else "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        self._fresh_log = False


def _is_relative(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def _is_state_file(path: Path) -> bool:
    from ..checkpoints import read_state_header
    try:
        return path.is_file() and "kind" in read_state_header(path)
    except UserError:
        return False
