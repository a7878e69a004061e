"""The only code that reads or writes weights.

A model is a folder `<name>/` holding one `<role>.safetensors` per network (generator,
discriminator, encoder, ...), a `config.json` that names each network's architecture and
config (so a folder loads without guessing), and a `README.md` model card.

Pickle files are never unpickled: loading one can execute arbitrary code.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

import torch
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import save_file

from . import atomic, paths, registry
from .errors import CheckpointError, UserError
from .kinds import MODEL_KINDS

FORMAT_VERSION = 1
CONFIG_NAME = "config.json"
CARD_NAME = "README.md"
SAMPLE_NAME = "samples.png"
DEFAULT_MODEL = "scenes64"  # spatial latent; outdoor64 (DCGAN) stays for old projects
MODEL_PATH_ENV = "MANIFOLD_MODEL_PATH"
MAX_CONFIG_BYTES = 1024 * 1024   # the shipped configs are a few kB
PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin", ".tar")
_SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.safetensors$")
_SAFE_ROLE = re.compile(r"^[A-Za-z0-9_-]+$")

BUILTIN_WEIGHTS_DIR = paths.builtin_weights_dir()


# ---------------------------------------------------------------- tensor files

def refuse_pickle(path: Path) -> None:
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise CheckpointError(
            f"{path}: refusing to load '{path.suffix}' file: it is a Python pickle, and loading a "
            "pickle can run arbitrary code. Only .safetensors weights with a config.json are accepted.")


def save_tensors(path: str | os.PathLike, tensors: dict[str, torch.Tensor],
                 metadata: dict[str, str] | None = None, dtype: torch.dtype | None = None) -> None:
    """Atomically write tensors to a .safetensors file (floating tensors cast to `dtype` if given)."""
    prepared = {}
    for name, tensor in tensors.items():
        tensor = tensor.detach().to("cpu")
        if dtype is not None and tensor.is_floating_point():
            tensor = tensor.to(dtype)
        prepared[name] = tensor.contiguous().clone()
    with atomic.atomic_path(path) as tmp:
        save_file(prepared, str(tmp), metadata=metadata)


def load_tensors(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    path = Path(path)
    refuse_pickle(path)
    if path.suffix.lower() != ".safetensors":
        raise CheckpointError(f"{path}: not a .safetensors file")
    if not path.is_file():
        raise CheckpointError(f"{path}: file not found")
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
            tensors = {name: f.get_tensor(name) for name in f.keys()}
    except Exception as exc:  # safetensors raises several types for damaged files
        raise CheckpointError(f"{path}: damaged or not a safetensors file ({exc})") from None
    return tensors, metadata


def load_state_into(module: nn.Module, tensors: dict[str, torch.Tensor], source: str) -> None:
    """Copy tensors into a module; every missing, extra or wrongly shaped tensor is named."""
    expected = module.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    wrong = [f"{k} {tuple(tensors[k].shape)} (expected {tuple(v.shape)})"
             for k, v in expected.items() if k in tensors and tensors[k].shape != v.shape]
    _refuse_mismatch(source, _mismatches(missing, unexpected, wrong))
    converted = {k: tensors[k].to(dtype=v.dtype) for k, v in expected.items()}
    for name, tensor in converted.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise CheckpointError(f"{source}: tensor {name} contains NaN or infinity")
    module.load_state_dict(converted)


def _few(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# ---------------------------------------------------------------- model folders

@dataclass
class Model:
    """A loaded model folder: its config and the networks asked for, in eval mode."""
    folder: Path
    config: dict
    networks: dict[str, nn.Module] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.config.get("name") or self.folder.name

    @property
    def kind(self) -> str:
        return self.config["kind"]

    def has(self, role: str) -> bool:
        return role in self.networks

    def net(self, role: str) -> nn.Module:
        if role not in self.networks:
            available = ", ".join(sorted(self.networks)) or "none"
            raise CheckpointError(f"model '{self.name}' has no {role} network (it has: {available})")
        return self.networks[role]

    def generator(self) -> nn.Module:
        """The generator used for images: the EMA weights where the model has them."""
        if "generator_ema" in self.networks:
            return self.networks["generator_ema"]
        return self.net("generator")

    def require_kind(self, *kinds: str) -> None:
        if self.kind not in kinds:
            raise UserError(f"model '{self.name}' is a {self.kind} model; this needs a "
                            f"{' or '.join(kinds)} model")


def read_model_config(folder: str | os.PathLike) -> dict:
    """Read and validate `config.json`; every problem is reported with the file's name."""
    folder = Path(folder)
    path = folder / CONFIG_NAME
    if not path.is_file():
        pickles = [p.name for p in folder.glob("*") if p.suffix.lower() in PICKLE_SUFFIXES] \
            if folder.is_dir() else []
        hint = f" (found pickle file(s) {', '.join(pickles)}, which are never loaded)" if pickles else ""
        raise CheckpointError(f"{folder}: not a model folder, {CONFIG_NAME} is missing{hint}")
    _inside(folder, CONFIG_NAME)
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise CheckpointError(f"{path}: {size:,} bytes is too large for a model config "
                              f"(the limit is {MAX_CONFIG_BYTES:,})")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:   # bad UTF-8 or JSON, absurd nesting or digits
        raise CheckpointError(f"{path}: not valid JSON ({str(exc)[:200]})") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    version = config.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CheckpointError(f"{path}: format_version is missing or not a whole number")
    if version > FORMAT_VERSION:
        raise CheckpointError(f"{path}: made by a newer version of this program (format "
                              f"{version}, this one reads up to {FORMAT_VERSION}); please upgrade")
    if config.get("kind") not in MODEL_KINDS:
        raise CheckpointError(f"{path}: unknown model kind {config.get('kind')!r}; "
                              f"known: {', '.join(MODEL_KINDS)}")
    networks = config.get("networks")
    if not isinstance(networks, dict) or not networks:
        raise CheckpointError(f"{path}: 'networks' must name at least one network")
    for role, entry in networks.items():
        _check_network_entry(path, role, entry)
    return config


def _check_network_entry(path: Path, role: str, entry: Any) -> None:
    if not _SAFE_ROLE.match(role):
        raise CheckpointError(f"{path}: bad network role name {role!r}")
    if not isinstance(entry, dict):
        raise CheckpointError(f"{path}: network '{role}' must be a JSON object")
    for key in ("arch", "config", "file"):
        if key not in entry:
            raise CheckpointError(f"{path}: network '{role}' has no '{key}'")
    if not isinstance(entry["file"], str) or not _SAFE_FILE_NAME.match(entry["file"]):
        raise CheckpointError(f"{path}: network '{role}' file must be a plain "
                              f"'<name>.safetensors' inside the model folder, got {entry['file']!r}")
    if not isinstance(entry["config"], dict):
        raise CheckpointError(f"{path}: network '{role}' config must be a JSON object")


# dtypes a weight file may hold: the float types this program writes (integer counters such
# as BatchNorm's num_batches_tracked stay int64).
_FLOAT_DTYPES = {"F32", "F16", "BF16"}
_INT_DTYPES = {"I64"}


def load_model(name_or_path: str | os.PathLike, device: torch.device | str = "cpu",
               roles: Iterable[str] | None = None,
               search_dirs: Iterable[str | os.PathLike] | None = None) -> Model:
    """Load a model folder (by path, or by name from the model search path).

    Before any network is allocated, each one is planned on the meta device (bounded in
    size) and its weight file's header is checked against it: names, shapes and dtypes.
    After loading, one probe forward pass refuses a network whose outputs are not finite."""
    folder = resolve_model(name_or_path, search_dirs)
    config = read_model_config(folder)
    wanted = list(config["networks"]) if roles is None else list(roles)
    model = Model(folder=folder, config=config)
    for role in wanted:
        entry = config["networks"].get(role)
        if entry is None:
            continue  # Model.net() reports the absence when it is actually needed
        path = _inside(folder, entry["file"])
        try:
            planned = registry.plan(entry["arch"], entry["config"])
        except UserError as exc:
            raise CheckpointError(f"{folder / CONFIG_NAME}: network '{role}': {exc}") from None
        check_header(path, planned.state_dict())
        net = registry.build(entry["arch"], entry["config"])
        tensors, _ = load_tensors(path)
        load_state_into(net, tensors, str(path))
        net = net.to(device).eval()
        probe(net, f"{folder}: network '{role}'")
        model.networks[role] = net
    return model


def read_header(path: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """name -> (safetensors dtype, shape), from the file's header only."""
    refuse_pickle(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: file not found")
    try:
        with open(path, "rb") as f:
            length = int.from_bytes(f.read(8), "little")
            if not 2 <= length <= min(_MAX_HEADER_BYTES, path.stat().st_size - 8):
                raise ValueError(f"header length {length}")
            header = json.loads(f.read(length))
        return {name: (str(v["dtype"]), tuple(int(d) for d in v["shape"]))
                for name, v in header.items() if name != "__metadata__"}
    except (OSError, ValueError, RecursionError, TypeError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"{path}: damaged or not a safetensors file ({exc})") from None


_MAX_HEADER_BYTES = 16 * 1024 * 1024


def check_header(path: Path, expected: dict[str, torch.Tensor]) -> None:
    """Names, shapes and dtypes in the file match the network `expected` describes."""
    header = read_header(path)
    missing = sorted(set(expected) - set(header))
    unexpected = sorted(set(header) - set(expected))
    wrong = [f"{k} {header[k][1]} (expected {tuple(v.shape)})"
             for k, v in expected.items() if k in header and header[k][1] != tuple(v.shape)]
    dtypes = [f"{k} is {header[k][0]}" for k, v in expected.items() if k in header
              and header[k][0] not in (_FLOAT_DTYPES if v.is_floating_point() else _INT_DTYPES)]
    problems = _mismatches(missing, unexpected, wrong)
    if dtypes:
        problems.append("wrong type " + _few(dtypes) + " (weights must be F32, F16 or BF16)")
    _refuse_mismatch(path, problems)


def _mismatches(missing: list[str], unexpected: list[str], wrong: list[str]) -> list[str]:
    labelled = (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong))
    return [f"{label} {_few(names)}" for label, names in labelled if names]


def _refuse_mismatch(source, problems: list[str]) -> None:
    if problems:
        raise CheckpointError(f"{source}: weights do not match the architecture: " + "; ".join(problems))


@torch.no_grad()
def probe(net: nn.Module, what: str) -> None:
    """One small forward pass; finite weights can still give NaN (a negative BatchNorm
    running variance, say). A network whose input this cannot guess is not probed."""
    for name, buffer in net.named_buffers():
        if name.endswith("running_var") and bool((buffer < 0).any()):
            raise CheckpointError(f"{what}: {name} has negative values (a variance cannot be), "
                                  f"so it would draw NaN")
    inputs = _probe_inputs(net)
    if inputs is None:
        return
    try:
        out = net(inputs)
    except Exception:   # noqa: BLE001 (a guessed input that does not fit: no verdict)
        return
    outs = out if isinstance(out, (tuple, list)) else [out]
    for tensor in outs:
        if isinstance(tensor, torch.Tensor) and tensor.is_floating_point() \
                and not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"{what}: gives NaN or infinite outputs on a test input; "
                                  f"the weights are unusable")


def _probe_inputs(net: nn.Module) -> torch.Tensor | None:
    try:
        device = next(net.parameters()).device
    except StopIteration:
        return None
    config = getattr(net, "config", None)
    z_dim = getattr(net, "z_dim", None)
    if "generator" in getattr(net, "arch", "") and isinstance(z_dim, int):
        gen = torch.Generator().manual_seed(0)
        z = torch.cat([torch.zeros(1, z_dim), torch.rand(1, z_dim, generator=gen) * 2 - 1])
        return z.to(device)
    size = getattr(config, "image_size", 32)
    channels = getattr(config, "in_channels", 3)
    if not isinstance(size, int) or not isinstance(channels, int) or size * channels > 4096:
        return None
    ramp = torch.linspace(-1, 1, size * size).reshape(1, 1, size, size)
    return ramp.repeat(2, channels, 1, 1).to(device)


class FileLedger(Protocol):
    """What a writer may replace and what it wrote (the trainer's manifest, engine/train/output.py)."""
    def may_replace(self, name: str) -> bool: ...
    def record(self, *paths: str | os.PathLike) -> None: ...
    def remove_owned(self, names: Iterable[str]) -> None: ...


_ACTIVE_LEDGER: ContextVar[FileLedger | None] = ContextVar("ledger", default=None)


@contextlib.contextmanager
def writing_with(ledger: FileLedger) -> Iterator[None]:
    """Every model file written inside goes through `ledger` (the trainer's export)."""
    token = _ACTIVE_LEDGER.set(ledger)
    try:
        yield
    finally:
        _ACTIVE_LEDGER.reset(token)


def save_model(folder: str | os.PathLike, kind: str, networks: dict[str, nn.Module], *,
               training: dict | None = None, display_name: str | None = None,
               description: str = "", card: str | None = None,
               dtype: torch.dtype | None = None, extra: dict | None = None,
               ledger: FileLedger | None = None) -> Path:
    """Write networks, then config.json last, so a half-written folder never looks loadable.

    With a `ledger`, weights go under names the folder's current config.json does not use
    and the ledger allows, so the old model stays loadable until config.json is replaced;
    the old weight files it then no longer names are removed if the ledger owns them.
    """
    if kind not in MODEL_KINDS:
        raise UserError(f"unknown model kind {kind!r}; known: {', '.join(MODEL_KINDS)}")
    ledger = ledger or _ACTIVE_LEDGER.get()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "name": folder.name,
        "display_name": display_name or folder.name,
        "description": description,
        "networks": {},
        "training": training or {},
    }
    config.update(extra or {})
    old_files = _files_in_use(folder)
    for role, net in networks.items():
        config["networks"][role] = _write_network(folder, role, net, dtype, ledger,
                                                  old_files | _files(config))
    _switch_config(folder, config, old_files, ledger)
    if card is not None:
        write_card(folder, card, ledger)
    return folder


def add_network(folder: str | os.PathLike, role: str, net: nn.Module,
                dtype: torch.dtype | None = None, training: dict | None = None,
                ledger: FileLedger | None = None) -> None:
    """Add or replace one network of an existing model folder (e.g. its encoder)."""
    ledger = ledger or _ACTIVE_LEDGER.get()
    folder = Path(folder)
    config = read_model_config(folder)
    old_files = _files(config)
    config["networks"][role] = _write_network(folder, role, net, dtype, ledger, old_files)
    if training:
        config.setdefault("training", {})[role] = training
    _switch_config(folder, config, old_files, ledger)


def copy_model(source: str | os.PathLike, target: str | os.PathLike,
               ledger: FileLedger | None = None) -> None:
    """Copy a model folder's config, weights, card and samples into `target`."""
    ledger = ledger or _ACTIVE_LEDGER.get()
    source, target = Path(source), Path(target)
    config = read_model_config(source)
    target.mkdir(parents=True, exist_ok=True)
    old_files = _files_in_use(target)
    taken = set(old_files)
    for entry in config["networks"].values():
        name = _free_file_name(target, Path(entry["file"]).stem, ledger, taken)
        taken.add(name)
        _record(ledger, target / name)
        with atomic.atomic_path(target / name) as tmp:
            shutil.copyfile(_inside(source, entry["file"]), tmp)
        entry["file"] = name
    config["name"] = target.name
    _switch_config(target, config, old_files, ledger)
    for extra in (CARD_NAME, SAMPLE_NAME):
        if (source / extra).is_file() and not (source / extra).is_symlink():
            _record(ledger, target / extra)
            atomic.write_bytes(target / extra, (source / extra).read_bytes())


def _inside(folder: Path, name: str) -> Path:
    """`folder / name`, refused if it resolves (through symlinks) outside the folder."""
    path = folder / name
    try:
        real = path.resolve(strict=False)
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:   # RuntimeError: a symlink loop on older Pythons
        raise CheckpointError(f"{path}: cannot be resolved ({exc})") from None
    if real != root and root not in real.parents:
        raise CheckpointError(f"{path}: resolves to {real}, outside the model folder; "
                              f"model files must live inside it")
    return path


def _files(config: dict) -> set[str]:
    return {e["file"] for e in config.get("networks", {}).values()
            if isinstance(e, dict) and isinstance(e.get("file"), str)}


def _files_in_use(folder: Path) -> set[str]:
    """Weight files the folder's current config.json names (none if it has no valid one)."""
    try:
        return _files(read_model_config(folder))
    except UserError:
        return set()


def _switch_config(folder: Path, config: dict, old_files: set[str],
                   ledger: FileLedger | None) -> None:
    _record(ledger, folder / CONFIG_NAME)
    atomic.write_text(folder / CONFIG_NAME, json.dumps(config, indent=2) + "\n")
    if ledger is not None:
        ledger.remove_owned(old_files - _files(config))


def _record(ledger: FileLedger | None, path: Path) -> None:
    if ledger is not None:
        ledger.record(path)


def _free_file_name(folder: Path, role: str, ledger: FileLedger | None, taken: set[str]) -> str:
    """`<role>.safetensors`, or with a ledger the first of `<role>[-N].safetensors` that is
    neither named by the current config.json nor a file the ledger may not replace."""
    if ledger is None:
        return f"{role}.safetensors"
    for n in range(1, 100):
        name = f"{role}.safetensors" if n == 1 else f"{role}-{n}.safetensors"
        if name not in taken and ledger.may_replace(name):
            return name
    raise UserError(f"{folder}: no free file name for the {role} weights")


def _write_network(folder: Path, role: str, net: nn.Module, dtype: torch.dtype | None,
                   ledger: FileLedger | None = None, taken: set[str] = frozenset()) -> dict:
    if not _SAFE_ROLE.match(role):
        raise UserError(f"bad network role name {role!r}")
    file_name = _free_file_name(folder, role, ledger, set(taken))
    _record(ledger, folder / file_name)
    save_tensors(folder / file_name, net.state_dict(), dtype=dtype)
    return {**registry.describe(net), "file": file_name,
            "parameters": sum(p.numel() for p in net.parameters())}


def write_card(folder: str | os.PathLike, text: str, ledger: FileLedger | None = None) -> None:
    _record(ledger or _ACTIVE_LEDGER.get(), Path(folder) / CARD_NAME)
    atomic.write_text(Path(folder) / CARD_NAME, text)


# ---------------------------------------------------------------- single-network files

NETWORK_METADATA = "manifold_network"  # safetensors metadata key holding the JSON description


def network_bytes(net: nn.Module, info: dict | None = None) -> bytes:
    """One network as a self-describing .safetensors payload: its weights, and in the
    metadata (JSON) its architecture, config and `info` (e.g. what it was tuned from)."""
    from safetensors.torch import save
    description = {"format_version": FORMAT_VERSION, **registry.describe(net), "info": info or {}}
    tensors = {k: v.detach().to("cpu").contiguous().clone() for k, v in net.state_dict().items()}
    return save(tensors, metadata={NETWORK_METADATA: json.dumps(description)})


def save_network(path: str | os.PathLike, net: nn.Module, info: dict | None = None) -> Path:
    """Atomically write network_bytes() to a .safetensors file."""
    path = Path(path)
    if path.suffix.lower() != ".safetensors":
        raise UserError(f"{path}: a network file must end in .safetensors")
    atomic.write_bytes(path, network_bytes(net, info))
    return path


def load_network(path: str | os.PathLike,
                 device: torch.device | str = "cpu") -> tuple[nn.Module, dict]:
    """(network in eval mode, its info) from a save_network() file, validated like a model
    folder's weights: no pickles, a known architecture, every tensor present, shaped and finite."""
    tensors, metadata = load_tensors(path)
    try:
        description = json.loads(metadata[NETWORK_METADATA])
    except (KeyError, ValueError):
        raise CheckpointError(f"{path}: not a network file (no {NETWORK_METADATA} description)") \
            from None
    if not isinstance(description, dict) or not isinstance(description.get("config"), dict) \
            or not isinstance(description.get("arch"), str) \
            or not isinstance(description.get("info", {}), dict):
        raise CheckpointError(f"{path}: damaged network description")
    version = description.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise CheckpointError(f"{path}: unknown network file version {version!r}; "
                              f"this program reads up to {FORMAT_VERSION}")
    try:
        net = registry.build(description["arch"], description["config"])
    except UserError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    load_state_into(net, tensors, str(path))
    return net.to(device).eval(), description.get("info", {})


# ---------------------------------------------------------------- finding models

def model_dirs(extra: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """Folders searched for models, in this order: extra ones, $MANIFOLD_MODEL_PATH, the
    user's own models (engine.paths), the shipped weights/. The first folder with a name wins."""
    dirs = [Path(p) for p in (extra or [])]
    env = os.environ.get(MODEL_PATH_ENV, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += [paths.user_models_dir(), BUILTIN_WEIGHTS_DIR]
    unique: list[Path] = []
    for folder in dirs:
        if folder not in unique:
            unique.append(folder)
    return unique


def resolve_model(name_or_path: str | os.PathLike,
                  search_dirs: Iterable[str | os.PathLike] | None = None) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix.lower() in PICKLE_SUFFIXES:
        refuse_pickle(candidate)
    if candidate.is_dir():
        return candidate
    if candidate.is_file():
        if candidate.suffix.lower() == ".safetensors":
            raise CheckpointError(f"{candidate}: a bare weights file; give its model folder, "
                                  f"which also holds {CONFIG_NAME}")
        raise CheckpointError(f"{candidate}: not a model folder")
    name = str(name_or_path)
    if os.sep not in name and "/" not in name:
        dirs = model_dirs(search_dirs)
        for root in dirs:
            if (root / name / CONFIG_NAME).is_file():
                return root / name
        known = sorted({m.name for m in list_models(search_dirs)})
        raise CheckpointError(f"no model named '{name}'; installed: {', '.join(known) or 'none'}")
    raise CheckpointError(f"{name}: model folder not found")


@dataclass
class ModelInfo:
    name: str
    folder: Path
    kind: str
    display_name: str
    summary: str
    size_bytes: int
    roles: list[str]
    sample: Path | None
    error: str | None = None


def list_models(extra_dirs: Iterable[str | os.PathLike] | None = None) -> list[ModelInfo]:
    """Every model folder on the search path; a broken one is listed with its error, and
    one that cannot even be looked at never hides the others."""
    found: dict[str, ModelInfo] = {}
    for root in model_dirs(extra_dirs):
        try:
            folders = sorted(p for p in root.iterdir() if (p / CONFIG_NAME).is_file()) \
                if root.is_dir() else []
        except OSError:
            continue   # an unreadable folder on the search path
        for folder in folders:
            if folder.name not in found:
                found[folder.name] = describe_model(folder)
    return list(found.values())


def describe_model(folder: Path) -> ModelInfo:
    size = 0
    for path in folder.glob("*.safetensors"):
        try:
            size += path.stat().st_size
        except OSError:
            pass   # a dangling link: the config check below reports the real problem
    sample = folder / SAMPLE_NAME
    try:
        config = read_model_config(folder)
        for entry in config["networks"].values():
            _inside(folder, entry["file"])
    except CheckpointError as exc:
        return ModelInfo(folder.name, folder, "?", folder.name, "", size, [], None, str(exc))
    except (OSError, ValueError, RecursionError) as exc:
        return ModelInfo(folder.name, folder, "?", folder.name, "", size, [], None,
                         f"{folder}: cannot be read ({exc})")
    return ModelInfo(
        name=folder.name, folder=folder, kind=config["kind"],
        display_name=str(config.get("display_name") or folder.name)[:200],
        summary=card_summary(folder) or str(config.get("description", ""))[:2000],
        size_bytes=size, roles=list(config["networks"]),
        sample=sample if sample.is_file() else None)


_CARD_READ_BYTES = 64 * 1024   # the summary is the card's first paragraph


def card_summary(folder: Path) -> str:
    """The first paragraph of prose in the model card."""
    card = folder / CARD_NAME
    try:
        with open(card, "rb") if card.is_file() else contextlib.nullcontext(None) as f:
            text = f.read(_CARD_READ_BYTES).decode("utf-8", errors="replace") if f else ""
    except OSError:
        return ""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if stripped.startswith(("#", "!", "|", "<")):
            continue
        lines.append(stripped)
    return " ".join(lines)


# ---------------------------------------------------------------- training state

def save_state(path: str | os.PathLike, state: Any) -> None:
    """Save a nested structure of tensors and JSON values (optimizers, RNG states, counters)."""
    tensors: dict[str, torch.Tensor] = {}
    skeleton = _flatten(state, "", tensors)
    save_tensors(path, tensors, metadata={"state": json.dumps(skeleton),
                                          "format_version": str(FORMAT_VERSION)})


def read_state_header(path: str | os.PathLike) -> dict:
    """The top-level plain values of a training state (kind, iteration...), no tensors read."""
    path = Path(path)
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
    except Exception as exc:  # safetensors raises several types for damaged files
        raise CheckpointError(f"{path}: damaged or not a safetensors file ({exc})") from None
    skeleton = _parse_state_skeleton(path, metadata)
    items = skeleton.get("__dict__") if isinstance(skeleton, dict) else None
    if not isinstance(items, list):
        raise CheckpointError(f"{path}: not a training-state file")
    return {item[0]: item[1] for item in items
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
            and (item[1] is None or isinstance(item[1], (bool, int, float, str)))}


def _parse_state_skeleton(path: Path, metadata: dict) -> Any:
    text = metadata.get("state")
    if not isinstance(text, str):
        raise CheckpointError(f"{path}: not a training-state file")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise CheckpointError(f"{path}: not a training-state file") from None


def load_state(path: str | os.PathLike) -> Any:
    path = Path(path)
    tensors, metadata = load_tensors(path)
    skeleton = _parse_state_skeleton(path, metadata)
    try:
        return _unflatten(skeleton, tensors)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError) as exc:
        raise CheckpointError(f"{path}: damaged training state ({str(exc)[:200]})") from None


def _flatten(value: Any, key: str, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(value, torch.Tensor):
        name = key or "root"
        tensors[name] = value
        return {"__tensor__": name}
    if isinstance(value, dict):
        return {"__dict__": [[k, _flatten(v, f"{key}/{k}", tensors)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_flatten(v, f"{key}/{i}", tensors) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_flatten(v, f"{key}/{i}", tensors) for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot save a {type(value).__name__} in a training state")


def _unflatten(value: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(value, dict):
        if "__tensor__" in value:
            return tensors[value["__tensor__"]]
        if "__tuple__" in value:
            return tuple(_unflatten(v, tensors) for v in value["__tuple__"])
        return {k: _unflatten(v, tensors) for k, v in value["__dict__"]}
    if isinstance(value, list):
        return [_unflatten(v, tensors) for v in value]
    return value
