"""Grab a screenshot of the real editor window into docs/screenshot.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py [--model NAME_OR_PATH]

Starts the editor at 1280x800 on the model (default: the default model), paints a sky stroke and a
ground stroke, waits for the edit, and saves `window.grab()`. It uses a throw-away settings
file and recovery folder, so the user's own settings are untouched. Qt's offscreen platform
has an 800x800 screen, so there the window comes out 796x796; for the README's picture run it
on a virtual screen instead (`Xvfb :99 -screen 0 1600x1000x24`, then `DISPLAY=:99
QT_QPA_PLATFORM=xcb`), as docs/screenshot.png was (by hand in the real window, 2026-12-07).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from engine.checkpoints import DEFAULT_MODEL

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="model name or folder")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--seed", type=int, default=3, help="the random start")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for each step")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from editor.model.tools import COLOR, AddStroke, Stroke
    from editor.qt.app import EditorOptions, create_main_window
    from editor.qt.dialogs.prompts import DISCARD, ScriptedPrompter

    app = QApplication.instance() or QApplication(sys.argv[:1])
    scratch = Path(tempfile.mkdtemp(prefix="manifold-screenshot-"))
    window = create_main_window(EditorOptions(
        model=args.model, settings=QSettings(str(scratch / "settings.ini"), QSettings.IniFormat),
        recovery_dir=scratch / "recovery", seed=args.seed,
        prompter=ScriptedPrompter({"Unsaved changes": DISCARD})))
    window.resize(1280, 800)
    window.show()

    def wait_for(what: str, *signals) -> tuple:
        """Run the event loop until one of the signals fires; returns (signal index, args)."""
        received: list = []
        loop = QEventLoop()
        for index, signal in enumerate(signals):
            signal.connect(lambda *values, i=index: (received.append((i, values)), loop.quit()))
        QTimer.singleShot(int(args.timeout * 1000), loop.quit)
        loop.exec()
        if not received:
            raise SystemExit(f"screenshot: timed out waiting for {what}")
        return received[0]

    controller = window.controller
    which, values = wait_for("the model to load", controller.documentReplaced,
                             controller.modelFailed)
    if which == 1:
        raise SystemExit(f"screenshot: cannot load model '{args.model}': {values[0]}")
    size = controller.doc.image_size
    strokes = [Stroke(COLOR, ((size * 0.1, size * 0.15), (size * 0.9, size * 0.12)),
                      max(1.0, size / 12), (70, 130, 220)),
               Stroke(COLOR, ((size * 0.1, size * 0.85), (size * 0.9, size * 0.88)),
                      max(1.0, size / 12), (60, 140, 50))]
    for stroke in strokes:
        controller.apply_tool_result(AddStroke(stroke))
    outcome = "cancelled"
    while outcome == "cancelled":  # the first stroke's edit is superseded by the second's
        outcome = wait_for("the edit", controller.editEnded)[1][0]
    if outcome != "applied":
        raise SystemExit(f"screenshot: the edit ended with '{outcome}'")
    app.processEvents()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(args.out)):
        raise SystemExit(f"screenshot: cannot write {args.out}")
    print(f"wrote {args.out} ({window.width()}x{window.height()})")
    controller.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
