"""The engine: networks, checkpoints and image operations. Never imports Qt or editor."""

__version__ = "0.1.0"
