"""The Device menu offers the engine's vocabulary; a device this machine lacks is disabled
and says why in the engine's words; choosing one with the mouse switches and remembers it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from engine.device import menu_devices, unavailable_reason
from ui_helpers import wait_loaded


def device_menu(window, qtbot) -> QMenu:
    menu = QMenu(window)
    window.models.fill(menu)
    devices = next(a.menu() for a in menu.actions() if a.menu() and "Device" in a.text())
    devices.popup(window.mapToGlobal(QPoint(10, 10)))
    qtbot.waitExposed(devices)
    return devices


def click(qtbot, menu: QMenu, name: str) -> None:
    action = next(a for a in menu.actions() if a.data() == name)
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())


def test_device_menu_offers_the_engine_vocabulary(window, qtbot):
    wait_loaded(qtbot, window)
    menu = device_menu(window, qtbot)
    offered = {a.data(): a for a in menu.actions()}
    assert list(offered) == menu_devices()
    for name, action in offered.items():
        reason = unavailable_reason(name)
        assert action.isEnabled() == (reason is None)
        if reason:
            assert action.statusTip() == reason
    assert offered["cpu"].isChecked() and offered["cpu"].isEnabled()


def test_choosing_a_device_with_the_mouse_switches_and_is_saved(window, qtbot):
    wait_loaded(qtbot, window)
    menu = device_menu(window, qtbot)
    with qtbot.waitSignal(window.controller.modelChanged, timeout=30000):
        click(qtbot, menu, "auto")
    assert window.controller.device_name == "auto"
    assert window.settings.device == "auto"
    missing = [n for n in menu_devices() if unavailable_reason(n)]
    if missing:   # a disabled entry ignores the click: nothing changes
        menu = device_menu(window, qtbot)
        click(qtbot, menu, missing[0])
        assert window.controller.device_name == "auto"
