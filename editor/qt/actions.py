"""Every menu and toolbar action with its shortcut (the conventions of GIMP, Krita, Photoshop).

Actions are only created here; main_window connects them.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QWidget

from engine.device import menu_devices

from ..model.mask import MASK
from ..model.tools import COLOR, ERASER, SKETCH, WARP

TOOL_SHORTCUTS = {COLOR: ("&Colour brush", "B"), SKETCH: ("&Sketch brush", "K"),
                  WARP: ("&Warp", "W"), ERASER: ("&Eraser", "E"),
                  MASK: ("Inpaint &mask", "M")}


class Actions:
    def __init__(self, parent: QWidget):
        def make(text, shortcut=None, tip="", checkable=False, name=None):
            action = QAction(text, parent)
            if shortcut is not None:
                shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
                action.setShortcuts([QKeySequence(s) for s in shortcuts])
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
            action.setCheckable(checkable)
            if name:
                action.setObjectName(name)
            parent.addAction(action)  # shortcuts work even when a menu is hidden
            return action

        # File
        self.open = make("&Open project...", QKeySequence.Open, "Open a saved project")
        self.open_photo = make("Open &photo...", "Ctrl+Shift+O",
                               "Open a photo: it is projected onto the model's images to edit it")
        self.save = make("&Save project", QKeySequence.Save, "Save the project")
        self.save_as = make("Save project &as...", QKeySequence.SaveAs, "Save the project under a new name")
        self.export = make("&Export image...", "Ctrl+E", "Save the current image as a PNG")
        self.export_upscaled = make("Export &upscaled x4...", "Ctrl+Shift+E",
                                    "Save the current image enlarged 4x by the super-resolution model")
        self.quit = make("&Quit", QKeySequence.Quit)

        # Edit
        self.undo = make("&Undo", QKeySequence.Undo, "Undo", name="undo")
        self.redo = make("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo", name="redo")
        self.stop = make("S&top", "Esc", "Stop the running edit", name="stop")
        self.stop.setEnabled(False)
        self.clear_strokes = make("Clear s&trokes", "Ctrl+Shift+X", "Remove all strokes")
        self.fix = make("&Fix image", "F", "Accept the current image as the start: later "
                        "edits stay close to it", name="fix")
        self.restart = make("&Restart", "R", "Back to the start image, without strokes")
        self.random_start = make("Random &start", "Ctrl+N", "Start again from a random image",
                                 name="randomStart")
        self.average_start = make("A&verage start", "Ctrl+Shift+N", "Start again from the "
                                  "model's average image")

        # Tools
        self.tool_group = QActionGroup(parent)
        self.tools: dict[str, QAction] = {}
        for name, (text, key) in TOOL_SHORTCUTS.items():
            action = make(text, key, text.replace("&", ""), checkable=True, name=f"tool_{name}")
            action.setData(name)
            self.tool_group.addAction(action)
            self.tools[name] = action
        self.smaller = make("S&maller brush", "[", "Make the brush smaller")
        self.bigger = make("&Bigger brush", "]", "Make the brush bigger")

        # View
        self.fit = make("&Fit", "Ctrl+0", "Fit the image in the window")
        self.actual = make("&100 %", "Ctrl+1", "One image pixel per screen pixel")
        # Ctrl+= too: on most keyboards "+" needs Shift, so Ctrl++ is really Ctrl+Shift+=.
        self.zoom_in = make("Zoom &in", [QKeySequence.ZoomIn, "Ctrl+="])
        self.zoom_out = make("Zoom &out", QKeySequence.ZoomOut)
        self.smooth = make("&Smooth scaling", None, "Smooth rather than pixelated enlargement",
                           checkable=True)
        self.show_edits = make("Show &edits", "H", "Show the strokes over the image",
                               checkable=True, name="showEdits")
        self.show_edits.setChecked(True)
        self.photo_view = make("&Photo view", "P", "Show the edit transferred onto the opened "
                               "photo (off: the model's image)", checkable=True, name="photoView")
        self.photo_view.setEnabled(False)

        # Image
        self.inpaint = make("&Inpaint masked area", "Ctrl+I", "Fill the area painted with the "
                            "inpainting mask (M) with the model's best guess", name="inpaint")
        self.clear_mask = make("Clear inpainting mas&k", "Ctrl+D", "Remove the inpainting mask")
        self.super_resolve = make("&Super-resolve", "Ctrl+U", "Enlarge the image (or the photo, "
                                  "at full resolution) with the super-resolution model",
                                  name="superResolve")

        # Training
        self.train = make("&Train a model...", "Ctrl+T", "Train a new model on your own images",
                          name="train")

        # Models
        self.add_model_dir = make("&Add model folder...", None,
                                  "Search another folder for models")
        self.open_model = make("&Open model folder...", None, "Load a model from its folder")
        self.choose_model = make("&Choose model...", "Ctrl+M", "Pick an installed model")
        self.device_group = QActionGroup(parent)
        self.devices: dict[str, QAction] = {}
        for name in menu_devices():
            action = make(name, None, f"Run the model on: {name}", checkable=True)
            action.setData(name)
            self.device_group.addAction(action)
            self.devices[name] = action

        # Settings and help
        self.edit_settings = make("Edit &settings...", None, "How hard each edit searches")
        self.shortcuts = make("&Tools and shortcuts", "F1")
