"""A process killed (SIGKILL) in the middle of a write leaves the previous file intact."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from engine import checkpoints, imaging, registry
from engine.config import GeneratorConfig

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# The child replaces os.replace with a function that kills the process: the new data
# is fully written to the temp file, but the rename that publishes it never happens.
KILL_BEFORE_RENAME = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {repo!r})
    import engine.atomic
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    engine.atomic.os.replace = killed
""")


def run_killed_child(body: str):
    code = KILL_BEFORE_RENAME.format(repo=str(REPO)) + textwrap.dedent(body)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr


def test_killed_image_export_keeps_previous_file(tmp_path):
    target = tmp_path / "export.png"
    old = np.full((8, 8, 3), 10, np.uint8)
    imaging.save_image(target, old)
    run_killed_child(f"""
        import numpy as np
        from engine import imaging
        imaging.save_image({str(target)!r}, np.full((64, 64, 3), 200, np.uint8))
    """)
    assert (imaging.load_rgb(target) == old).all()


def test_killed_checkpoint_write_keeps_previous_model(tmp_path):
    g = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=4))
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": g})
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    run_killed_child(f"""
        from engine import checkpoints, registry
        from engine.config import GeneratorConfig
        g = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=4))
        checkpoints.save_model({str(folder)!r}, "gan", {{"generator": g}})
    """)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.endswith(".tmp")}
    assert after == before
    loaded = checkpoints.load_model(folder).net("generator")
    assert torch.equal(loaded.project.weight, g.project.weight)


def test_killed_state_write_keeps_previous_training_state(tmp_path):
    path = tmp_path / "state.safetensors"
    checkpoints.save_state(path, {"iteration": 5, "w": torch.ones(3)})
    run_killed_child(f"""
        import torch
        from engine import checkpoints
        checkpoints.save_state({str(path)!r}, {{"iteration": 9, "w": torch.zeros(3)}})
    """)
    assert checkpoints.load_state(path)["iteration"] == 5


def test_random_sigkill_during_repeated_writes_never_tears_the_file(tmp_path):
    """Kill a writer at an arbitrary moment: the file holds one complete version."""
    target = tmp_path / "data.bin"
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        from engine import atomic
        i = 0
        print("ready", flush=True)
        while True:
            i += 1
            atomic.write_bytes({str(target)!r}, bytes([i % 251]) * 2_000_000)
    """)
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        # Wait for at least one complete write, then kill mid-stream.
        while not target.exists():
            pass
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        data = target.read_bytes()
        assert len(data) == 2_000_000 and data == bytes([data[0]]) * 2_000_000


def test_atomic_writes_get_ordinary_permissions_not_the_temp_files_private_ones(tmp_path, monkeypatch):
    from engine import atomic
    old_umask = os.umask(0o022)
    monkeypatch.setattr(atomic, "_UMASK", 0o022)
    try:
        atomic.write_bytes(tmp_path / "new.bin", b"x")
        assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o644
        (tmp_path / "kept.bin").write_bytes(b"old")
        os.chmod(tmp_path / "kept.bin", 0o640)
        atomic.write_bytes(tmp_path / "kept.bin", b"new")
        assert (tmp_path / "kept.bin").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old_umask)
