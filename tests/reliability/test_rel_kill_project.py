"""A process killed (SIGKILL) while saving a project over an older save leaves the older
project loadable, with its latents and strokes (the project's truth) unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from editor.model.project import MANIFEST, ProjectData, load_project, save_project
from editor.model.tools import Stroke

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# The child kills itself at its N-th atomic rename: files before it are replaced, the rest
# (always including project.json, which is written last) are not.
CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {repo!r})
    import numpy as np
    import engine.atomic
    from editor.model.project import ProjectData, save_project
    from editor.model.tools import Stroke
    real_replace, renames = engine.atomic.os.replace, [0]
    def replace_or_die(*args, **kwargs):
        renames[0] += 1
        if renames[0] == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(*args, **kwargs)
    engine.atomic.os.replace = replace_or_die
    rng = np.random.default_rng(1)
    z = rng.uniform(-1, 1, 4).astype(np.float32)  # inside the prior's box, as projects must be
    image = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    save_project({target!r}, ProjectData(
        model="tiny", image_size=8, z_current=z, z_start=z, z_previous=z,
        strokes=(Stroke("color", ((5.0, 5.0),), 3.0, (1, 2, 3)),) * 2,
        current_image=image, previous_image=image, history=["new"]))
    print("not killed")
""")


def _old_project(target: Path) -> ProjectData:
    rng = np.random.default_rng(0)
    z = rng.uniform(-1, 1, 4).astype(np.float32)  # inside the prior's box, as projects must be
    image = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    return ProjectData(model="tiny", image_size=8, z_current=z, z_start=z, z_previous=-z,
                       strokes=(Stroke("color", ((1.0, 2.0), (3.0, 4.0)), 2.0, (10, 20, 30)),),
                       current_image=image, previous_image=image, history=["old"])


@pytest.mark.parametrize("kill_at", [1, 2, 3], ids=["before-current-image", "before-previous-image",
                                                    "before-project.json"])
def test_killed_project_save_keeps_the_previous_project(tmp_path, kill_at):
    target = save_project(tmp_path / "scene", _old_project(tmp_path))
    old_manifest = (target / MANIFEST).read_bytes()
    code = CHILD.format(repo=str(REPO), target=str(target), kill_at=kill_at)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                           timeout=120, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert child.returncode == -signal.SIGKILL, child.stderr + child.stdout

    assert (target / MANIFEST).read_bytes() == old_manifest
    loaded, old = load_project(target), _old_project(tmp_path)
    assert np.array_equal(loaded.z_current, old.z_current)
    assert np.array_equal(loaded.z_previous, old.z_previous)
    assert loaded.strokes == old.strokes and loaded.history == ["old"]
    # The pixels too: for a retouched project they are the truth, not the latents.
    assert np.array_equal(loaded.current_image, old.current_image)
    assert np.array_equal(loaded.previous_image, old.previous_image)


def test_an_unkilled_save_replaces_the_project(tmp_path):
    """The same child without a kill: proves the kill points above interrupt a real save."""
    target = save_project(tmp_path / "scene", _old_project(tmp_path))
    code = CHILD.format(repo=str(REPO), target=str(target), kill_at=999)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                           timeout=120, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert child.returncode == 0 and "not killed" in child.stdout, child.stderr
    assert load_project(target).history == ["new"] and len(load_project(target).strokes) == 2
