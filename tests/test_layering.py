"""Dependencies point one way: editor.qt -> editor.model -> engine. Each import runs in a fresh
interpreter, so modules loaded by other tests cannot hide a violation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import importlib, json, pkgutil, sys
package = importlib.import_module({package!r})
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "editor")
                        or m.startswith("editor."))))
"""


def loaded_modules(package: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", CHECK.format(package=package)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_engine_never_imports_qt_or_the_editor():
    assert loaded_modules("engine") == []


@pytest.mark.parametrize("package", ["editor.model"])
def test_editor_model_never_imports_qt(package):
    offenders = [m for m in loaded_modules(package) if m.split(".")[0] in ("PySide6", "shiboken6")
                 or m.startswith("editor.qt") or m == "editor.jobs"]
    assert offenders == []
