"""A full disk (ENOSPC from the write) gives a clear error and leaves the previous file."""

import errno

import numpy as np
import pytest

from editor.model.project import MANIFEST, ProjectError, load_project, save_project
from engine import atomic, imaging
from test_rel_kill_project import _old_project


def full_disk(monkeypatch, after_bytes: int = 0):
    """Writes fail with ENOSPC once `after_bytes` have been written by this process."""
    written = [0]
    real = atomic.Path.write_bytes

    def write_bytes(self, data):
        if written[0] + len(data) > after_bytes:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        written[0] += len(data)
        return real(self, data)
    monkeypatch.setattr(atomic.Path, "write_bytes", write_bytes)


def test_project_save_on_a_full_disk_keeps_the_previous_project(tmp_path, monkeypatch):
    target = save_project(tmp_path / "scene", _old_project(tmp_path))
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    changed = _old_project(tmp_path)
    changed.history = ["new"]
    changed.current_image = 255 - changed.current_image
    full_disk(monkeypatch)
    with pytest.raises(ProjectError, match="No space left"):
        save_project(target, changed)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.name in before} == before
    assert (target / MANIFEST).read_bytes() == before[MANIFEST]
    assert load_project(target).history == ["old"]
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]


def test_export_on_a_full_disk_writes_nothing(tmp_path, monkeypatch):
    full_disk(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        imaging.save_image(tmp_path / "out.png", np.zeros((4, 4, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_cli_reports_a_full_disk_in_one_line(tmp_path, monkeypatch, capsys):
    from engine.cli import main
    source = imaging.save_image(tmp_path / "in.png", np.full((8, 8, 3), 100, np.uint8))
    full_disk(monkeypatch)
    code = main(["transfer", str(source), "--before", str(source), "--after", str(source),
                 "--out", str(tmp_path / "out.png")])
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]  # progress lines may precede it
    assert code != 0 and len(errors) == 1 and "No space left" in errors[0] and lines[-1] == errors[0]
    assert not any("Traceback" in line for line in lines)
    assert not (tmp_path / "out.png").exists()
