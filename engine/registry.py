"""Architecture name -> network class. Each class has a `Config` dataclass attribute."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn as nn

from .config import config_from_dict, config_to_dict
from .errors import RegistryError

_ARCHITECTURES: dict[str, type[nn.Module]] = {}


def register(name: str) -> Callable[[type[nn.Module]], type[nn.Module]]:
    def decorate(cls: type[nn.Module]) -> type[nn.Module]:
        if name in _ARCHITECTURES and _ARCHITECTURES[name] is not cls:
            raise RuntimeError(f"architecture '{name}' registered twice")
        if not hasattr(cls, "Config"):
            raise RuntimeError(f"{cls.__name__} needs a Config dataclass to be registered")
        cls.arch = name
        _ARCHITECTURES[name] = cls
        return cls
    return decorate


def _load_all() -> None:
    from . import nets  # noqa: F401  (importing registers every architecture)


def known() -> list[str]:
    _load_all()
    return sorted(_ARCHITECTURES)


def get(name: str) -> type[nn.Module]:
    _load_all()
    try:
        return _ARCHITECTURES[name]
    except KeyError:
        raise RegistryError(f"unknown architecture '{name}'; known: {', '.join(known())}") from None


# Bounds on a network read from a file, checked before any memory is allocated: every
# whole-number setting, and the parameter count of the network it describes (measured on
# torch's meta device, which allocates nothing; checkpoints.load_model plans every network
# it reads). The shipped models have under 10 M; pix2pix's gpu preset about 50 M.
MAX_INT_SETTING = 1 << 16
MAX_PARAMETERS = 100_000_000


def _config(cls: type[nn.Module], name: str, config: dict | object | None):
    if config is None:
        return cls.Config()
    if isinstance(config, dict):
        for key, value in config.items():
            if isinstance(value, int) and not isinstance(value, bool) \
                    and abs(value) > MAX_INT_SETTING:
                raise RegistryError(f"{name}: setting {key} = {value} is out of range "
                                    f"(at most {MAX_INT_SETTING})")
        return config_from_dict(cls.Config, config)
    if not isinstance(config, cls.Config):
        raise RegistryError(f"{name} takes a {cls.Config.__name__}, got {type(config).__name__}")
    return config


def plan(name: str, config: dict | object | None = None) -> nn.Module:
    """The network on the meta device (shapes, no memory), refused above MAX_PARAMETERS."""
    cls = get(name)
    config = _config(cls, name, config)
    try:
        with torch.device("meta"):
            net = cls(config)
    except (ValueError, RuntimeError, TypeError, ZeroDivisionError) as exc:
        raise RegistryError(f"{name}: the settings do not make a network ({exc})") from None
    count = sum(t.numel() for t in net.state_dict().values())
    if count > MAX_PARAMETERS:
        raise RegistryError(f"{name}: these settings make a network of {count:,} values, "
                            f"more than the limit of {MAX_PARAMETERS:,}")
    return net


def build(name: str, config: dict | object | None = None) -> nn.Module:
    """Build a network by architecture name from a config dataclass or a plain dict."""
    cls = get(name)
    return cls(_config(cls, name, config))


def describe(net: nn.Module) -> dict:
    return {"arch": net.arch, "config": config_to_dict(net.config)}
