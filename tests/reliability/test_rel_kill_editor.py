"""The real editor process is killed with SIGKILL after it autosaved; a new editor on the
same recovery folder offers the work back and restores it.

The child runs the editor's real entry point (editor.app.main, as `python -m editor` does)
with its real autosave timer; the only thing added is a stroke painted through the
controller once the model is loaded, since nobody is there to drag the mouse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from support.models import build_untrained_gan

from editor.model.project import load_project
from editor.model.tools import Stroke
from editor.qt.app import EditorOptions, create_main_window
from editor.qt.autosave import AUTOSAVE_NAME
from editor.qt.dialogs.prompts import DISCARD, RECOVER, ScriptedPrompter
from engine.ops.types import EditSettings

REPO = Path(__file__).resolve().parents[2]
RECOVER_TITLE = "Recover unsaved work?"
AUTOSAVE_DEADLINE_S = 180
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


STROKE = Stroke("color", ((2.0, 3.0), (14.0, 3.0)), 3.0, (250, 20, 20))
CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    import editor.qt.app as qt_app
    from editor.app import main
    from editor.model.tools import AddStroke, Stroke

    real_create = qt_app.create_main_window

    def create_and_paint(options):
        window = real_create(options)
        def paint():
            if window.controller.doc is None:  # the model is still loading
                QTimer.singleShot(50, paint)
                return
            window.controller.apply_tool_result(AddStroke(Stroke({kind!r}, {points!r}, {width!r},
                                                                 {color!r})))
        QTimer.singleShot(0, paint)
        return window

    qt_app.create_main_window = create_and_paint
    sys.exit(main(["--model", {model!r}]))
""")


def _editor_env(tmp_path: Path, recovery: Path) -> dict:
    """Offscreen, one thread, and private settings/data folders (XDG) so nothing of the
    user's is read or written; autosave every 200 ms into `recovery`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1",
               MANIFOLD_THREADS="1", MANIFOLD_DEVICE="cpu", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"),
               MANIFOLD_RECOVERY_DIR=str(recovery), MANIFOLD_AUTOSAVE_MS="200",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("MANIFOLD_MODEL_PATH", None)
    return env


def _wait_for_autosave(qtbot, proc: subprocess.Popen, manifest: Path) -> None:
    """Wait (pytest-qt polling, no fixed sleep) until the autosave is complete."""
    def saved() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"the editor exited ({proc.returncode}): "
                                 f"{proc.stderr.read()[-2000:]}")
        return manifest.is_file()
    qtbot.waitUntil(saved, timeout=int(AUTOSAVE_DEADLINE_S * 1000))


def test_sigkilled_editor_work_is_recovered_by_the_next_editor(qtbot, tmp_path):
    model = build_untrained_gan(tmp_path / "models" / "tiny")
    recovery = tmp_path / "recovery"
    manifest = recovery / AUTOSAVE_NAME / "project.json"

    code = CHILD.format(kind=STROKE.kind, points=STROKE.points, width=STROKE.width,
                        color=STROKE.color, model=str(model))
    proc = subprocess.Popen([sys.executable, "-c", code],
                            cwd=REPO, env=_editor_env(tmp_path, recovery),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_autosave(qtbot, proc, manifest)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    autosaved = load_project(recovery / AUTOSAVE_NAME)
    assert autosaved.strokes[:1] == (STROKE,)

    prompter = ScriptedPrompter({RECOVER_TITLE: RECOVER, "Unsaved changes": DISCARD})
    window = create_main_window(EditorOptions(
        model=model.name, model_dirs=[model.parent], recovery_dir=recovery,
        settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
        prompter=prompter, seed=0, device="cpu", edit_settings=EditSettings(steps=2, starts=2),
        user_models_dir=tmp_path / "user-models"))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.controller.projectOpened, timeout=60000):
        pass
    assert [title for title, _ in prompter.asked] == [RECOVER_TITLE]
    state = window.controller.doc.state
    assert np.array_equal(state.z_current, autosaved.z_current)
    assert np.array_equal(state.z_start, autosaved.z_start)
    assert state.strokes == autosaved.strokes
    assert window.controller.dirty  # recovered work is unsaved work
