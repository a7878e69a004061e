"""Training options, presets per model kind, and their validation."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..config import IMAGE_SIZES
from ..errors import UserError
from ..kinds import TRAIN_KINDS

KINDS = TRAIN_KINDS
PRESETS = ("cpu-quick", "cpu", "gpu")
PAIR_MODES = ("edges", "gray", "folder", "sidebyside")
GAN_LOSSES = ("nonsat", "hinge")
# gan: one global z; a global code + a grid of local codes; the same with the layout left to
# the local codes (the global code broadcast to every cell: SpatialGeneratorConfig.layout)
GAN_ARCHS = ("dcgan", "spatial", "local", "style")
LOCAL_CODE_ARCHS = ("spatial", "local")   # GAN_ARCHS whose generator has a grid of local codes
INIT_KINDS = ("gan", "sr", "fill", "pix2pix")   # kinds that can start from a model (--init)

# Per kind and preset: the defaults an option takes when it is left as None.
# The CPU numbers are sized for a 2-core laptop (see the README, "Training your own models", for measured costs).
_PRESET_TABLE: dict[str, dict[str, dict]] = {
    "gan": {
        "cpu-quick": dict(size=64, width=16, batch=32, iters=2000, sample_every=200),
        "cpu": dict(size=64, width=32, batch=64, iters=10000, sample_every=500),
        "gpu": dict(size=64, width=64, batch=128, iters=60000, sample_every=1000),
    },
    "encoder": {
        "cpu-quick": dict(width=16, batch=32, iters=1000, sample_every=200),
        "cpu": dict(width=32, batch=64, iters=5000, sample_every=500),
        "gpu": dict(width=64, batch=128, iters=20000, sample_every=1000),
    },
    "sr": {
        "cpu-quick": dict(size=64, width=16, blocks=4, batch=16, iters=1000, sample_every=200),
        "cpu": dict(size=128, width=32, blocks=6, batch=16, iters=5000, sample_every=500),
        "gpu": dict(size=192, width=64, blocks=16, batch=32, iters=50000, sample_every=1000),
    },
    "pix2pix": {
        "cpu-quick": dict(size=64, width=16, batch=8, iters=1000, sample_every=200),
        "cpu": dict(size=64, width=32, batch=16, iters=5000, sample_every=500),
        "gpu": dict(size=128, width=64, batch=16, iters=40000, sample_every=1000),
    },
    "cyclegan": {
        "cpu-quick": dict(size=64, width=16, blocks=3, batch=4, iters=1000, sample_every=200),
        "cpu": dict(size=64, width=32, blocks=6, batch=4, iters=5000, sample_every=500),
        "gpu": dict(size=128, width=64, blocks=9, batch=8, iters=40000, sample_every=1000),
    },
    "fill": {
        "cpu-quick": dict(size=64, width=16, batch=8, iters=500, sample_every=100),
        "cpu": dict(size=128, width=16, batch=8, iters=5000, sample_every=500),
        "gpu": dict(size=256, width=32, batch=32, iters=40000, sample_every=1000),
    },
}


@dataclass
class TrainOptions:
    """Everything a training run needs; None means 'the preset's value'."""
    data: str | None = None            # image folder (domain A for cyclegan, pairs for pix2pix)
    out: str | None = None             # output model folder (encoder: defaults to --model)
    data_b: str | None = None          # domain B (cyclegan) or targets (pix2pix --pairs folder)
    preset: str = "cpu"
    size: int | None = None            # model resolution (sr: the high-resolution crop side)
    iters: int | None = None
    batch: int | None = None           # global batch, split across processes under torchrun
    width: int | None = None           # channels at full resolution
    blocks: int | None = None          # sr: conv layers; cyclegan: residual blocks
    z_dim: int = 100                   # dcgan only; spatial sizes its latent from its grid
    arch: str = "dcgan"                # gan: one of GAN_ARCHS
    lr: float | None = None
    loss: str = "nonsat"               # gan: nonsat or hinge
    # gan: transposed convs need ~2.4x fewer FLOPs than resize-then-conv, which is what
    # keeps editing interactive on a CPU; resize avoids checkerboard artifacts.
    upsample: str = "transpose"
    augment: str = "color,translation,cutout"   # DiffAugment policy ("" or "none": off)
    model: str | None = None           # encoder: the gan model folder or name
    local_diversity: float = 0.0       # gan, spatial archs: weight of the local-code hinge
    init: str | None = None            # gan: start from this gan model's matching weights
    pairs: str | None = None           # pix2pix: edges, gray, folder or sidebyside
    chroma_bins: bool = False          # pix2pix --pairs gray: predict ab bins (engine.chroma_bins)
    hint_strokes: bool = False         # pix2pix --pairs gray: painted strokes among the hints
    ema: bool = False                  # pix2pix: keep a weight average of the generator and use it
    scale: int = 4                     # sr
    adversarial: bool = False          # sr: PatchGAN fine-tune over the second half
    seed: int = 0
    device: str | None = None
    resume: bool = False
    force: bool = False
    sample_every: int | None = None
    log_every: int = 10
    checkpoint_every: float = 300.0    # seconds between training-state checkpoints
    cache_dir: str | None = None
    fp16: bool = False                 # store the finished model's weights as float16
    ema_half_life: float = 10_000.0    # images; ramped up early in training
    extra: dict = field(default_factory=dict)

    def replace(self, **changes) -> "TrainOptions":
        return dataclasses.replace(self, **changes)


def preset_defaults(kind: str, preset: str) -> dict:
    """The values a preset gives the options left as None (a copy)."""
    if kind not in KINDS or preset not in PRESETS:
        raise UserError(f"unknown training kind or preset: {kind!r}, {preset!r}")
    return dict(_PRESET_TABLE[kind][preset])


def resolve(kind: str, options: TrainOptions) -> TrainOptions:
    """Fill the preset's defaults in and check every value; bad ones raise UserError."""
    if kind not in KINDS:
        raise UserError(f"unknown training kind {kind!r}; choose one of {', '.join(KINDS)}")
    if options.preset not in PRESETS:
        raise UserError(f"unknown preset {options.preset!r}; choose one of {', '.join(PRESETS)}")
    defaults = _PRESET_TABLE[kind][options.preset]
    filled = {k: (getattr(options, k) if getattr(options, k) is not None else v)
              for k, v in defaults.items()}
    options = options.replace(**filled)
    _check_common(kind, options)
    return options


def _positive(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise UserError(f"--{name.replace('_', '-')} must be a positive whole number, got {value!r}")


def _check_common(kind: str, o: TrainOptions) -> None:
    for name in ("iters", "batch", "width", "blocks", "z_dim", "log_every", "sample_every"):
        value = getattr(o, name)
        if value is not None:
            _positive(name, value)
    if o.checkpoint_every <= 0:
        raise UserError(f"--checkpoint-every must be positive seconds, got {o.checkpoint_every}")
    if o.lr is not None and not o.lr > 0:
        raise UserError(f"--lr must be positive, got {o.lr}")
    if kind == "encoder":
        if not o.model:
            raise UserError("training an encoder needs --model: the gan model folder or name")
    elif not o.data:
        raise UserError("--data is required: a folder of images")
    if kind in ("gan", "pix2pix", "cyclegan") and o.size not in IMAGE_SIZES:
        raise UserError(f"--size must be one of {', '.join(map(str, IMAGE_SIZES))}, got {o.size}")
    if kind == "gan" and o.upsample not in ("transpose", "resize"):
        raise UserError(f"--upsample must be transpose or resize, got {o.upsample!r}")
    if o.init is not None and kind not in INIT_KINDS:
        raise UserError(f"--init is for {', '.join(INIT_KINDS)} training only")
    if kind == "gan" and o.arch not in GAN_ARCHS:
        raise UserError(f"--arch must be one of {', '.join(GAN_ARCHS)}, got {o.arch!r}")
    if not o.local_diversity >= 0:
        raise UserError(f"--local-diversity must be 0 or more, got {o.local_diversity}")
    if o.local_diversity > 0 and (kind != "gan" or o.arch not in LOCAL_CODE_ARCHS):
        raise UserError("--local-diversity is for gan training with --arch "
                        f"{' or '.join(LOCAL_CODE_ARCHS)} (the generators with local codes)")
    if kind == "gan" and o.loss not in GAN_LOSSES:
        raise UserError(f"--loss must be one of {', '.join(GAN_LOSSES)}, got {o.loss!r}")
    if kind == "sr":
        if o.scale not in (2, 4):
            raise UserError(f"--scale must be 2 or 4, got {o.scale}")
        if o.size is None or o.size % o.scale or o.size // o.scale < 8:
            raise UserError(f"--size (the high-resolution crop) must be a multiple of the scale "
                            f"{o.scale} and give at least 8 low-resolution pixels, got {o.size}")
    if kind == "fill" and (o.size is None or o.size % 16 or not 32 <= o.size <= 512):
        raise UserError(f"--size must be a multiple of 16 from 32 to 512 for a fill, got {o.size}")
    if kind == "pix2pix":
        if o.pairs is None:
            raise UserError(f"pix2pix needs --pairs: one of {', '.join(PAIR_MODES)}")
        if o.pairs not in PAIR_MODES:
            raise UserError(f"--pairs must be one of {', '.join(PAIR_MODES)}, got {o.pairs!r}")
        if (o.chroma_bins or o.hint_strokes) and o.pairs != "gray":
            raise UserError("--chroma-bins and --hint-strokes are for a colouriser: "
                            "pix2pix --pairs gray")
        if o.pairs == "folder" and not o.data_b:
            raise UserError("--pairs folder needs --data-b: the folder of target images "
                            "with the same file names as --data")
    if o.ema and kind != "pix2pix":
        raise UserError("--ema is for pix2pix training (gan training always keeps an EMA "
                        "generator)")
    if (o.chroma_bins or o.hint_strokes) and kind != "pix2pix":
        raise UserError("--chroma-bins and --hint-strokes are for a colouriser: "
                        "pix2pix --pairs gray")
    if kind == "cyclegan" and not o.data_b:
        raise UserError("cyclegan needs --data-b: the folder of domain-B images")
    if not o.out and kind != "encoder":
        raise UserError("--out is required: the model folder to create, e.g. weights/mymodel")
