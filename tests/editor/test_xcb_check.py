"""The editor names the X11 packages Qt's xcb plugin needs instead of letting Qt abort."""

from __future__ import annotations

from editor import app, xcb_check


def test_only_an_x11_session_on_linux_needs_the_xcb_libraries():
    assert xcb_check.uses_xcb({"DISPLAY": ":0"}, "linux")
    assert xcb_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not xcb_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not xcb_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not xcb_check.uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux")
    assert not xcb_check.uses_xcb({}, "darwin")


def test_a_missing_library_is_named_with_the_install_lines():
    text = xcb_check.check({"QT_QPA_PLATFORM": "xcb"},
                           loads=lambda soname: soname != "libxcb-cursor.so.0")
    assert "(libxcb-cursor0)" in text
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in text
    assert "dnf install" in text and "pacman -S" in text
    assert xcb_check.check({"QT_QPA_PLATFORM": "xcb"}, loads=lambda soname: True) is None


def test_the_editor_prints_the_packages_and_exits_before_starting_qt(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(xcb_check, "_loads", lambda soname: "cursor" not in soname
                        and "icccm" not in soname)
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert "libxcb-cursor0, libxcb-icccm4" in err and "apt-get install" in err
