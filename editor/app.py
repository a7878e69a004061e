"""`manifold-editor` / `python -m editor`: start the editor."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from engine.checkpoint_search import DEFAULT_MODEL
from engine.device import VOCABULARY, parse_device
from engine.errors import UserError

# Where crash-recovery autosaves go and how often (tests and portable installs set these).
RECOVERY_DIR_ENV = "MANIFOLD_RECOVERY_DIR"
AUTOSAVE_MS_ENV = "MANIFOLD_AUTOSAVE_MS"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="manifold-editor",
        description="Paint coarse strokes; a GAN finds realistic images that match them.")
    parser.add_argument("project", nargs="?", type=Path, help="a project to open (NAME.manifold), or a photo to edit")
    parser.add_argument("--model", help="model name or folder (default: the last one used, "
                                        f"else {DEFAULT_MODEL})")
    parser.add_argument("--device", type=_device_name, metavar="DEVICE",
                        help=f"where the model runs: {VOCABULARY} "
                             "(default: the saved choice, else auto)")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add the editor to your application menu (writes a .desktop file "
                             "and an icon under $XDG_DATA_HOME, ~/.local/share by default) and exit")
    return parser.parse_args(argv)


def install_desktop_entry() -> int:
    from .desktop_entry import install
    try:
        written = install()
    except UserError as exc:
        print(f"manifold-editor: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"manifold-editor: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 3
    for path in written:
        print(path)
    return 0


def _device_name(text: str) -> str:
    try:
        return parse_device(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.install_desktop_entry:
        return install_desktop_entry()
    from .xcb_check import check as check_xcb
    problem = check_xcb()
    if problem is not None:  # instead of Qt's abort that names no package
        print(f"manifold-editor: {problem}", file=sys.stderr)
        return 2
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from engine.device import THREADS_ENV, configure_threads
    from engine.errors import UserError

    from .qt.app import APPLICATION, ORGANIZATION, EditorOptions, create_main_window

    # Fractional scale factors (150 %) as they are, rather than rounded: sharp on high-DPI.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    try:
        # Leave one core to the GUI thread (and a trainer child process): on a 2-core
        # machine, torch on 2 threads beside other busy threads ran 10x slower than on 1.
        configure_threads(None if os.environ.get(THREADS_ENV) else max(1, (os.cpu_count() or 2) - 1))
    except UserError as exc:
        print(f"manifold-editor: {exc}", file=sys.stderr)
        return 2
    options = EditorOptions(model=args.model, device=args.device, project=args.project)
    if os.environ.get(RECOVERY_DIR_ENV):
        options.recovery_dir = Path(os.environ[RECOVERY_DIR_ENV])
    if os.environ.get(AUTOSAVE_MS_ENV, "").isdigit() and int(os.environ[AUTOSAVE_MS_ENV]) > 0:
        options.autosave_interval_ms = int(os.environ[AUTOSAVE_MS_ENV])
    window = create_main_window(options)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
