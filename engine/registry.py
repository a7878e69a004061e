"""Architecture name -> network class. Each class has a `Config` dataclass attribute."""

from __future__ import annotations

from typing import Callable

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


def build(name: str, config: dict | object | None = None) -> nn.Module:
    """Build a network by architecture name from a config dataclass or a plain dict."""
    cls = get(name)
    if config is None:
        config = cls.Config()
    elif isinstance(config, dict):
        config = config_from_dict(cls.Config, config)
    elif not isinstance(config, cls.Config):
        raise RegistryError(f"{name} takes a {cls.Config.__name__}, got {type(config).__name__}")
    return cls(config)


def describe(net: nn.Module) -> dict:
    return {"arch": net.arch, "config": config_to_dict(net.config)}
