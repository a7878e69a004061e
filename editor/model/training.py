"""Training from the editor (Qt-free): what the user asked for, its checks, the trainer command
lines it becomes, and the trainer's JSON lines (`python -m engine train ... --json`).

"GAN + encoder" is two runs: the gan, then an encoder for it (written into the same model
folder). Resuming continues the run that was stopped and starts the later ones afresh.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import UserError
from engine.kinds import ModelKind, TrainKind
from engine.train.data import scan_images

KINDS = {ModelKind.GAN: "GAN + encoder", ModelKind.SR: "Super-resolution (SR)",
         ModelKind.PIX2PIX: "pix2pix (paired)", ModelKind.CYCLEGAN: "CycleGAN (unpaired)"}
PRESETS = {"cpu-quick": "CPU quick", "cpu": "CPU full", "gpu": "GPU"}
PAIR_MODES = {"edges": "edges drawn from the photos", "gray": "grey to colour",
              "folder": "inputs and targets in two folders", "sidebyside": "input|target images"}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class TrainRequest:
    kind: str                       # gan | sr | pix2pix | cyclegan
    data: Path
    name: str                       # the model folder's name, inside models_dir
    models_dir: Path
    preset: str = "cpu-quick"
    iters: int | None = None        # None: the preset's
    data_b: Path | None = None      # cyclegan: domain B; pix2pix --pairs folder: targets
    pairs: str | None = None        # pix2pix
    device: str | None = None
    batch: int | None = None        # None: the preset's, or fewer for a small folder
    sample_every: int | None = None # None: the preset's
    extra: list[str] = field(default_factory=list)   # more trainer options (tests: tiny sizes)

    @property
    def out(self) -> Path:
        return self.models_dir / self.name

    def needs_second_folder(self) -> bool:
        return self.kind == ModelKind.CYCLEGAN or (self.kind == ModelKind.PIX2PIX
                                                  and self.pairs == "folder")


@dataclass(frozen=True)
class Stage:
    label: str
    args: tuple[str, ...]           # after `python -m engine`


def check_request(request: TrainRequest) -> None:
    """Everything that can be checked before a process starts; UserError says what is wrong."""
    if request.kind not in KINDS:
        raise UserError(f"unknown kind of model {request.kind!r}")
    if request.preset not in PRESETS:
        raise UserError(f"unknown preset {request.preset!r}")
    if not NAME_PATTERN.match(request.name or ""):
        raise UserError("Model name: use letters, digits, '-', '_' or '.', starting with a "
                        "letter or digit (it becomes a folder name)")
    if request.iters is not None and request.iters < 1:
        raise UserError("Iterations must be at least 1")
    if request.batch is not None and request.batch < 1:
        raise UserError("Batch size must be at least 1")
    if request.kind == ModelKind.PIX2PIX and request.pairs not in PAIR_MODES:
        raise UserError("pix2pix needs a way to pair images: choose one under 'Pairs'")
    check_folder(request.data, "Data")
    if request.needs_second_folder():
        what = "Domain B" if request.kind == ModelKind.CYCLEGAN else "Targets"
        if request.data_b is None or not str(request.data_b).strip():
            raise UserError(f"{what} folder: choose a folder of images")
        check_folder(request.data_b, what)


def check_folder(folder: Path | None, what: str) -> int:
    """The number of images in the folder; a missing, empty or image-less one raises."""
    if folder is None or not str(folder).strip():
        raise UserError(f"{what} folder: choose a folder of images")
    return len(scan_images(Path(folder), what))


def preset_batch(kind: str, preset: str) -> int:
    from engine.train.options import preset_defaults
    return int(preset_defaults(kind, preset)["batch"])


def fitting_batch(request: TrainRequest) -> int | None:
    """The batch to use when none was chosen: the preset's, or for a folder with fewer images
    than that, the largest power of two it holds (the trainer refuses a batch larger than the
    folder). None: the preset's fits. Raises UserError for a folder without images."""
    if request.batch is not None:
        return request.batch
    count = check_folder(request.data, "Data")
    if request.needs_second_folder() and request.kind == ModelKind.CYCLEGAN:
        count = min(count, check_folder(request.data_b, "Domain B"))
    wanted = preset_batch(request.kind, request.preset)
    if count >= wanted:
        return None
    return 1 << (count.bit_length() - 1)


def stages(request: TrainRequest) -> list[Stage]:
    common = ["--preset", request.preset, "--json"]
    if request.iters is not None:
        common += ["--iters", str(request.iters)]
    if request.batch is not None:
        common += ["--batch", str(request.batch)]
    if request.sample_every is not None:
        common += ["--sample-every", str(request.sample_every)]
    if request.device:
        common += ["--device", request.device]
    common += list(request.extra)
    out, data = str(request.out), str(request.data)
    if request.kind == ModelKind.GAN:
        return [Stage("GAN", ("train", TrainKind.GAN, "--data", data, "--out", out, *common)),
                Stage("Encoder", ("train", "encoder", "--model", out, "--data", data, *common))]
    args = ["train", request.kind, "--data", data, "--out", out]
    if request.kind == ModelKind.PIX2PIX:
        args += ["--pairs", request.pairs]
    if request.needs_second_folder():
        args += ["--data-b", str(request.data_b)]
    return [Stage(KINDS[request.kind], tuple(args + common))]


def stage_args(stage: Stage, resume: bool = False, force: bool = False) -> list[str]:
    return list(stage.args) + (["--resume"] if resume else []) + (["--force"] if force else [])


def folder_in_use(request: TrainRequest) -> bool:
    """The output folder exists and holds something (a model or a run)."""
    out = request.out
    return out.is_dir() and any(out.iterdir())


def parse_event(line: str) -> dict | None:
    """A trainer JSON line as a dict with an 'event', or None for any other output."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("event"), str) else None


def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class LossHistory:
    """Loss values by name over iterations; thinned to at most `limit` points per series."""

    def __init__(self, limit: int = 400):
        self.limit = limit
        self.series: dict[str, list[tuple[int, float]]] = {}

    def add(self, iteration: int, metrics: dict) -> None:
        for name, value in metrics.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) \
                    or not math.isfinite(value):
                continue
            points = self.series.setdefault(name, [])
            if points and iteration <= points[-1][0]:
                # a resumed run repeats iterations after its checkpoint: keep the new ones
                while points and points[-1][0] >= iteration:
                    points.pop()
            points.append((int(iteration), float(value)))
            if len(points) > self.limit:
                self.series[name] = points[::2]

    def clear(self) -> None:
        self.series.clear()
