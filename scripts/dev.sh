#!/usr/bin/env bash
# Set up (or update) the local environment in .venv, then run one thing:
#   scripts/dev.sh editor [args]   launch the editor on the shipped default model
#   scripts/dev.sh test [args]     run the whole test suite (pytest)
#   scripts/dev.sh cli [args]      run the engine CLI (python -m engine)
# TORCH_SPEC overrides the torch requirement, e.g. for a CUDA build (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
VENV=.venv

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || { echo "error: Python 3.11 or newer is needed ($PYTHON is older)" >&2; exit 1; }
    "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when the requirements changed.
stamp="$VENV/.setup-stamp"
want="$(cat pyproject.toml scripts/dev.sh | sha256sum | cut -d' ' -f1) $TORCH_SPEC"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # torch first and pinned: an unpinned torch pulls several GB of CUDA packages.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$TORCH_SPEC"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
    echo "$want" > "$stamp"
fi

what=${1:-editor}
shift || true
case "$what" in
    editor) exec "$VENV/bin/python" -m editor "$@" ;;
    test)   exec env QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@" ;;
    cli)    exec "$VENV/bin/python" -m engine "$@" ;;
    *) echo "usage: scripts/dev.sh editor|test|cli [args]" >&2; exit 2 ;;
esac
