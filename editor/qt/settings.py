"""Typed access to the user's preferences (QSettings): window, recent projects, model, brush."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from engine.palette import DEFAULT_BRUSH

MAX_RECENT = 8


class AppSettings:
    def __init__(self, store: QSettings):
        self.store = store

    def _get(self, key: str, default, kind=None):
        value = self.store.value(key, default)
        if kind is None or value is None:
            return value
        try:
            if kind is bool and isinstance(value, str):
                return value.lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    # Window
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self.store.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    # Models
    @property
    def last_model(self) -> str | None:
        return self._get("model/last", None, str) or None

    @last_model.setter
    def last_model(self, value: str) -> None:
        self.store.setValue("model/last", value)

    @property
    def device(self) -> str:
        return self._get("model/device", "auto", str)

    @device.setter
    def device(self, value: str) -> None:
        self.store.setValue("model/device", value)

    @property
    def model_dirs(self) -> list[str]:
        return self._list("model/dirs")

    @model_dirs.setter
    def model_dirs(self, dirs: list[str]) -> None:
        self.store.setValue("model/dirs", list(dirs))

    # Projects
    @property
    def recent_projects(self) -> list[str]:
        return self._list("projects/recent")

    def add_recent(self, path: Path) -> None:
        path = str(Path(path))
        recent = [p for p in self.recent_projects if p != path]
        self.store.setValue("projects/recent", ([path] + recent)[:MAX_RECENT])

    def _list(self, key: str) -> list[str]:
        value = self.store.value(key, [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in value or []]

    # Brush and view
    def brush(self) -> dict:
        color = self._get("brush/color", "#%02x%02x%02x" % DEFAULT_BRUSH.rgb, str)
        return {"tool": self._get("brush/tool", "color", str), "color": color,
                "sizes": {name: self._get(f"brush/size_{name}", None, float)
                          for name in ("color", "sketch", "warp", "eraser", "mask")}}

    def save_brush(self, tool: str, color: str, sizes: dict[str, float]) -> None:
        self.store.setValue("brush/tool", tool)
        self.store.setValue("brush/color", color)
        for name, size in sizes.items():
            self.store.setValue(f"brush/size_{name}", float(size))

    @property
    def smooth(self) -> bool:
        return self._get("view/smooth", True, bool)

    @smooth.setter
    def smooth(self, value: bool) -> None:
        self.store.setValue("view/smooth", bool(value))

    # Edits
    @property
    def live_edits(self) -> bool:
        """Search while the mouse is down (editor/qt/live.py); off: only on release."""
        return self._get("edit/live", True, bool)

    @live_edits.setter
    def live_edits(self, value: bool) -> None:
        self.store.setValue("edit/live", bool(value))
