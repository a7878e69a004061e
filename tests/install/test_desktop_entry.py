"""`manifold-editor --install-desktop-entry` writes a valid entry and our icon into the
user's own XDG data folder, and nothing else; it never replaces a file it did not write."""

from __future__ import annotations

import configparser
import os
import shlex
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from editor import desktop_entry
from editor.app import main

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop only")


def all_files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str   # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_installs_entry_and_icon_only_under_xdg_data_home(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["--install-desktop-entry"]) == 0
    assert all_files(tmp_path) == {
        Path("data/applications/manifold-editor.desktop"),
        Path("data/icons/hicolor/scalable/apps/manifold-editor.svg")}
    printed = capsys.readouterr().out.split()
    assert [Path(p) for p in printed] == [tmp_path / f for f in sorted(all_files(tmp_path))]

    entry = read_entry(tmp_path / "data/applications/manifold-editor.desktop")
    assert entry["Type"] == "Application" and entry["Icon"] == "manifold-editor"
    assert entry["Name"] == "Manifold Editor" and entry["Terminal"] == "false"
    assert "Graphics" in entry["Categories"].split(";")
    program, *rest = shlex.split(entry["Exec"])
    assert rest[-1] == "%f" and os.access(program, os.X_OK)
    assert entry["TryExec"] == program
    icon = ET.parse(tmp_path / "data/icons/hicolor/scalable/apps/manifold-editor.svg").getroot()
    assert icon.tag.endswith("svg") and icon.get("viewBox") == "0 0 128 128"


def test_reinstall_replaces_its_own_files(tmp_path):
    first = desktop_entry.install(tmp_path, ["/opt/old/manifold-editor"])
    second = desktop_entry.install(tmp_path, ["/opt/new/manifold-editor"])
    assert first == second
    assert read_entry(second[0])["Exec"] == "/opt/new/manifold-editor %f"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


def test_a_file_it_did_not_write_is_left_alone(tmp_path, monkeypatch, capsys):
    entry, icon = desktop_entry.targets(tmp_path)
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nName=Someone else's\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "was not written by manifold-editor" in err[0]
    assert entry.read_text() == "[Desktop Entry]\nName=Someone else's\n"
    assert not icon.exists()


@pytest.mark.parametrize("arg,quoted", [
    ("/usr/bin/manifold-editor", "/usr/bin/manifold-editor"),
    ("/home/a b/bin/python", '"/home/a b/bin/python"'),
    ("/opt/$HOME/x", '"/opt/\\\\$HOME/x"'),
    ("/opt/100%/x", "/opt/100%%/x"),
])
def test_exec_arguments_are_quoted_per_the_spec(arg, quoted):
    assert desktop_entry.quote_exec_argument(arg) == quoted


def test_a_command_with_spaces_round_trips(tmp_path):
    python = tmp_path / "my venv" / "bin" / "python"
    entry, _ = desktop_entry.install(tmp_path / "data", [str(python), "-m", "editor"])
    assert shlex.split(read_entry(entry)["Exec"]) == [str(python), "-m", "editor", "%f"]
