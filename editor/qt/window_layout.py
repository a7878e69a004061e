"""The main window's layout: its docks, menus and toolbars, built from the window's panels and
its Actions (editor/qt/actions.py). Building only: what is connected to what is in
main_window.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QToolBar


def build_docks(window) -> None:
    """The docks: Brush on the left; Candidates (Translate tabbed behind it), Interpolation
    and History on the right."""
    def dock(title, widget, area, name):
        d = QDockWidget(title, window)
        d.setObjectName(name)
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                      | QDockWidget.DockWidgetClosable)
        window.addDockWidget(area, d)
        return d

    right = Qt.RightDockWidgetArea
    window.docks = [dock("Brush", window.brush, Qt.LeftDockWidgetArea, "brushDock"),
                    dock("Candidates", window.candidates, right, "candidatesDock"),
                    dock("Interpolation", window.interpolation, right, "interpolationDock"),
                    dock("History", window.history, right, "historyDock")]
    # The Translate dock shares the Candidates dock's place, as a tab behind it (it
    # needs the height the candidates have; beside History it squeezed them). It scrolls:
    # its two 256 px pads made the window 950 px tall at least, taller than a laptop's
    # screen, which pushed Interpolation and History off it.
    window.translate_dock = dock("Translate", scrolling(window.translate), right, "translateDock")
    window.tabifyDockWidget(window.docks[1], window.translate_dock)
    window.docks[1].raise_()
    window._docks_sized = False
    window.translate_dock.visibilityChanged.connect(
        lambda visible: visible and window._refresh_translation_models())
    window.translate_dock.visibilityChanged.connect(
        lambda visible: visible and give_room(window, window.translate_dock, window.translate))


def scrolling(widget) -> QScrollArea:
    """The widget in a frameless scroll area that scrolls up and down only, as wide as the
    widget needs, and gives it all the height it wants when it can."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setMinimumWidth(widget.minimumSizeHint().width()
                         + area.verticalScrollBar().sizeHint().width())
    return area


def give_room(window, dock, widget) -> None:
    """Make a right-hand dock as tall as its widget wants, taking the height from the docks
    below it (down to their own minimum); on a short screen it scrolls."""
    below = [d for d in window.docks[2:]   # Interpolation, History, where shown and docked
             if d.isVisible() and not d.isFloating()
             and window.dockWidgetArea(d) == window.dockWidgetArea(dock)]
    if dock.isFloating() or not below:
        return
    total = dock.height() + sum(d.height() for d in below)
    floors = [d.minimumSizeHint().height() for d in below]
    overhead = dock.height() - dock.widget().height()   # the dock's title bar
    wanted = min(widget.sizeHint().height() + overhead + 4, total - sum(floors))
    sizes = [wanted, *floors[:-1], total - wanted - sum(floors[:-1])]
    window.resizeDocks([dock, *below], sizes, Qt.Vertical)


def size_docks(window) -> None:
    """Narrow docks, so the canvas gets most of the window; the candidates get the
    height to show at least 8 thumbnails of about 100 px (see panels/candidates.py)."""
    height = max(300, window.centralWidget().height())
    window.resizeDocks(window.docks[1:], [int(height * 0.58), 110, int(height * 0.3)],
                       Qt.Vertical)
    window.resizeDocks([window.docks[0], window.docks[1]], [170, 290], Qt.Horizontal)


def build_menus(window) -> None:
    a, bar = window.actions, window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.open, a.open_photo])
    recent = file_menu.addMenu("Open &recent")
    recent.aboutToShow.connect(lambda: window.files.fill_recent_menu(recent))
    file_menu.addActions([a.save, a.save_as])
    file_menu.addSeparator()
    file_menu.addActions([a.export, a.export_upscaled])
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    file_menu.aboutToShow.connect(
        lambda: a.export_upscaled.setEnabled(window.controller.upscaler() is not None))
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([a.undo, a.redo])
    edit_menu.addSeparator()
    edit_menu.addActions([a.stop, a.fix, a.restart, a.random_start, a.average_start,
                          a.clear_strokes])
    edit_menu.addSeparator()
    edit_menu.addAction(a.edit_settings)
    tools_menu = bar.addMenu("&Tools")
    tools_menu.addActions(list(a.tools.values()))
    tools_menu.addSeparator()
    tools_menu.addActions([a.smaller, a.bigger])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([a.fit, a.actual, a.zoom_in, a.zoom_out])
    view_menu.addSeparator()
    view_menu.addActions([a.smooth, a.show_edits, a.photo_view])
    view_menu.addSeparator()
    for d in window.docks + [window.translate_dock]:
        view_menu.addAction(d.toggleViewAction())
    image_menu = bar.addMenu("&Image")
    image_menu.addActions([a.tools["mask"], a.inpaint, a.clear_mask])
    image_menu.addSeparator()
    image_menu.addAction(a.super_resolve)
    window.sr_menu = image_menu.addMenu("Super-resolve &with")
    image_menu.addSeparator()
    image_menu.addAction(window.translate_dock.toggleViewAction())
    image_menu.aboutToShow.connect(window._fill_image_menu)
    models_menu = bar.addMenu("&Models")
    models_menu.aboutToShow.connect(lambda: window.models.fill(models_menu))
    window.models.fill(models_menu)
    window.models_menu = models_menu
    train_menu = bar.addMenu("&Train")
    train_menu.addAction(a.train)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a.shortcuts)


def build_toolbars(window) -> None:
    a = window.actions
    tools = QToolBar("Tools", window)
    tools.setObjectName("toolsToolbar")
    tools.addActions(list(a.tools.values()))
    window.addToolBar(Qt.LeftToolBarArea, tools)
    main = QToolBar("Image", window)
    main.setObjectName("imageToolbar")
    main.setToolButtonStyle(Qt.ToolButtonTextOnly)
    main.addActions([a.undo, a.redo])
    main.addSeparator()
    main.addActions([a.stop, a.fix, a.restart, a.random_start, a.average_start])
    main.addSeparator()
    main.addActions([a.fit, a.actual, a.show_edits, a.smooth, a.photo_view])
    main.addSeparator()
    main.addActions([a.inpaint, a.super_resolve])
    window.addToolBar(Qt.TopToolBarArea, main)
