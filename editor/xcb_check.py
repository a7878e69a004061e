"""Before Qt starts on X11: are the system libraries its xcb platform plugin needs there?

Qt's pip wheels bundle Qt itself but not these X11 libraries; minimal Debian and Ubuntu
installs lack some (Qt 6.5+ needs libxcb-cursor0), and Qt then aborts with "Could not load
the Qt platform plugin xcb" without saying which. This names the packages instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Callable

# soname -> Debian/Ubuntu package
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
}
FEDORA = ("xcb-util-cursor libxkbcommon-x11 xcb-util-wm xcb-util-keysyms xcb-util-renderutil "
          "xcb-util-image")


def uses_xcb(environ=os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt will try its xcb plugin: on Linux, unless told to use another platform or
    running in a Wayland session."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(loads: Callable[[str], bool] | None = None) -> list[str]:
    loads = loads or _loads
    return [package for soname, package in XCB_LIBRARIES.items() if not loads(soname)]


def message(packages: list[str]) -> str:
    return ("Qt cannot open a window: X11 libraries it needs are not installed ("
            + ", ".join(packages) + ").\nInstall them, e.g.\n"
            f"  Debian/Ubuntu: sudo apt-get install {' '.join(XCB_LIBRARIES.values())}\n"
            f"  Fedora:        sudo dnf install {FEDORA}\n"
            f"  Arch:          sudo pacman -S {FEDORA}")


def check(environ=os.environ, loads: Callable[[str], bool] | None = None) -> str | None:
    """The message to print instead of starting Qt, or None when nothing is missing."""
    if not uses_xcb(environ):
        return None
    packages = missing_packages(loads)
    return message(packages) if packages else None
