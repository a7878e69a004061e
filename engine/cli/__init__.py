"""`python -m engine` / `manifold`: every engine operation as a subcommand.

Each module in this package with a `register(subparsers)` function adds its
subcommands; the handler it sets with `set_defaults(handler=...)` takes the parsed
args and returns an exit code. User errors become one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from ..errors import UserError
from ..jobs import Cancelled
from ._bounds import check_args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manifold", description="Manifold editor engine: GAN image operations and training.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 1
    try:
        check_args(args)
        return int(handler(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Cancelled:
        print("cancelled", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: out of memory; try a smaller image, batch or model", file=sys.stderr)
        return 3
    except OSError as exc:  # disk full, permission denied, ...
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 3
