"""The main window: builds the panels, menus and toolbars and connects them to the
controller. Wiring only: what things do lives in the controller, panels and model."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar

from engine.checkpoints import DEFAULT_MODEL

from ..model import loading
from .actions import Actions
from .autosave import Autosaver
from .canvas import Canvas
from .controller import INTERPOLATION_FRAMES, EditorController
from .dialogs.edit_settings import EditSettingsDialog
from .dialogs.prompts import RECOVER, DISCARD
from .dialogs.shortcuts import show_shortcuts
from .files import ProjectFiles
from .models_menu import ModelsMenu
from .panels.brush import BrushPanel
from .panels.candidates import CandidatesPanel
from .panels.history import HistoryPanel
from .panels.interpolation import InterpolationPanel
from .settings import AppSettings
from .status import EditorStatusBar

APP_NAME = "Manifold Editor"
NO_MODEL = ("No model is loaded.\n\nThe model '{name}' is not installed or could not be "
            "loaded:\n{reason}\n\nChoose one with Models > Choose model... or "
            "Models > Open model folder...")


class MainWindow(QMainWindow):
    def __init__(self, controller: EditorController, settings: AppSettings,
                 autosaver: Autosaver, prompter):
        super().__init__()
        self.setObjectName("mainWindow")
        self.controller = controller
        self.settings = settings
        self.autosaver = autosaver
        self.prompter = prompter
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.actions = Actions(self)
        self.canvas = Canvas(controller.toolbox, self)
        self.setCentralWidget(self.canvas)
        self.brush = BrushPanel()
        self.candidates = CandidatesPanel()
        self.interpolation = InterpolationPanel(INTERPOLATION_FRAMES)
        self.history = HistoryPanel(controller.undo_stack)
        self.status = EditorStatusBar(self)
        self.setStatusBar(self.status)
        self.files = ProjectFiles(self, controller, settings, prompter, self)
        self.models = ModelsMenu(self, controller, self.actions, settings, self.files, self)
        self._wanted_model = DEFAULT_MODEL  # what begin() was asked to load, for messages
        self._build_docks()
        self._build_menus()
        self._build_toolbars()
        self._connect_controller()
        self._connect_widgets()
        self._connect_actions()
        self._restore_preferences()
        self.status.show_device(controller.device_label)
        self._update_title()

    # ------------------------------------------------------------ layout

    def _build_docks(self) -> None:
        def dock(title, widget, area, name):
            d = QDockWidget(title, self)
            d.setObjectName(name)
            d.setWidget(widget)
            d.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                          | QDockWidget.DockWidgetClosable)
            self.addDockWidget(area, d)
            return d

        self.docks = [dock("Brush", self.brush, Qt.LeftDockWidgetArea, "brushDock"),
                      dock("Candidates", self.candidates, Qt.RightDockWidgetArea, "candidatesDock"),
                      dock("Interpolation", self.interpolation, Qt.RightDockWidgetArea,
                           "interpolationDock"),
                      dock("History", self.history, Qt.RightDockWidgetArea, "historyDock")]
        self.resizeDocks(self.docks[1:], [420, 120, 200], Qt.Vertical)
        self.resizeDocks([self.docks[0], self.docks[1]], [200, 260], Qt.Horizontal)

    def _build_menus(self) -> None:
        a, bar = self.actions, self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.open])
        recent = file_menu.addMenu("Open &recent")
        recent.aboutToShow.connect(lambda: self.files.fill_recent_menu(recent))
        file_menu.addActions([a.save, a.save_as])
        file_menu.addSeparator()
        file_menu.addActions([a.export, a.export_upscaled])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        file_menu.aboutToShow.connect(
            lambda: a.export_upscaled.setEnabled(self.controller.upscaler() is not None))
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
        view_menu.addActions([a.smooth, a.show_edits])
        view_menu.addSeparator()
        for d in self.docks:
            view_menu.addAction(d.toggleViewAction())
        models_menu = bar.addMenu("&Models")
        models_menu.aboutToShow.connect(lambda: self.models.fill(models_menu))
        self.models.fill(models_menu)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.shortcuts)

    def _build_toolbars(self) -> None:
        a = self.actions
        tools = QToolBar("Tools", self)
        tools.setObjectName("toolsToolbar")
        tools.addActions(list(a.tools.values()))
        self.addToolBar(Qt.LeftToolBarArea, tools)
        main = QToolBar("Image", self)
        main.setObjectName("imageToolbar")
        main.setToolButtonStyle(Qt.ToolButtonTextOnly)
        main.addActions([a.undo, a.redo])
        main.addSeparator()
        main.addActions([a.stop, a.fix, a.restart, a.random_start, a.average_start])
        main.addSeparator()
        main.addActions([a.fit, a.actual, a.show_edits, a.smooth])
        self.addToolBar(Qt.TopToolBarArea, main)

    # ------------------------------------------------------------ connections

    def _connect_controller(self) -> None:
        c = self.controller
        c.displayChanged.connect(lambda: self.canvas.set_image(c.display_image()))
        c.documentChanged.connect(self._show_document)
        c.modelChanged.connect(self._model_changed)
        c.modelFailed.connect(self._model_failed)
        c.status.connect(lambda text: self.status.showMessage(text, 10000))
        c.error.connect(self.show_problem)
        c.editBusy.connect(self._edit_busy)
        c.editProgress.connect(self.status.show_progress)
        c.colorChanged.connect(self.brush.show_color)
        c.framesReady.connect(self.interpolation.frames_ready)
        c.undo_stack.cleanChanged.connect(lambda _: self._update_title())
        c.undo_stack.canUndoChanged.connect(self.actions.undo.setEnabled)
        c.undo_stack.canRedoChanged.connect(self.actions.redo.setEnabled)
        c.projectOpened.connect(lambda _: self._update_title())
        c.projectSaved.connect(lambda _: self._update_title())
        self.files.problem.connect(self.show_problem)
        self.autosaver.failed.connect(lambda text: self.status.showMessage(text, 10000))
        self.actions.undo.setEnabled(False)
        self.actions.redo.setEnabled(False)

    def _connect_widgets(self) -> None:
        c, canvas = self.controller, self.canvas
        canvas.toolFinished.connect(c.apply_tool_result)
        canvas.colorPicked.connect(c.sample_color)
        canvas.sizeStep.connect(self._grow_brush)
        canvas.cursorMoved.connect(self.status.show_position)
        canvas.zoomChanged.connect(self.status.show_zoom)
        self.candidates.chosen.connect(c.choose_candidate)
        self.interpolation.frameChosen.connect(c.show_frame)
        self.interpolation.framesWanted.connect(c.request_frames)
        self.brush.colorChosen.connect(c.toolbox.set_color)
        self.brush.sizeChosen.connect(lambda size: c.toolbox.set_size(size))

    def _connect_actions(self) -> None:
        a, c = self.actions, self.controller
        a.open.triggered.connect(self.files.open_dialog)
        a.save.triggered.connect(self.files.save)
        a.save_as.triggered.connect(self.files.save_as)
        a.export.triggered.connect(lambda: self.files.export(upscaled=False))
        a.export_upscaled.triggered.connect(lambda: self.files.export(upscaled=True))
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(c.undo_stack.undo)
        a.redo.triggered.connect(c.undo_stack.redo)
        a.stop.triggered.connect(c.stop)
        a.fix.triggered.connect(c.fix)
        a.clear_strokes.triggered.connect(c.clear_strokes)
        a.restart.triggered.connect(lambda: c.new_start("restart"))
        a.random_start.triggered.connect(lambda: c.new_start(loading.RANDOM))
        a.average_start.triggered.connect(lambda: c.new_start(loading.AVERAGE))
        a.tool_group.triggered.connect(lambda action: self.select_tool(action.data()))
        a.smaller.triggered.connect(lambda: self._grow_brush(-1))
        a.bigger.triggered.connect(lambda: self._grow_brush(1))
        a.fit.triggered.connect(self.canvas.zoom_fit)
        a.actual.triggered.connect(self.canvas.zoom_actual)
        a.zoom_in.triggered.connect(lambda: self.canvas.zoom_by(1.25))
        a.zoom_out.triggered.connect(lambda: self.canvas.zoom_by(0.8))
        a.smooth.toggled.connect(self.canvas.set_smooth)
        a.show_edits.toggled.connect(self.canvas.set_show_edits)
        a.edit_settings.triggered.connect(self._edit_settings)
        a.shortcuts.triggered.connect(lambda: show_shortcuts(self))

    # ------------------------------------------------------------ reactions

    def _show_document(self) -> None:
        doc = self.controller.doc
        if doc is None:
            return
        self.canvas.set_strokes(doc.strokes)
        self.candidates.show_candidates(doc.candidates, doc.state.chosen)
        self.interpolation.set_available(doc.state.z_previous is not None)
        self._update_title()

    def _model_changed(self) -> None:
        model = self.controller.model
        self.canvas.set_placeholder("")
        self.status.show_device(self.controller.device_label)
        self.settings.last_model = str(model.folder)
        self.select_tool(self.controller.toolbox.active_name)

    def _model_failed(self, message: str) -> None:
        if self.controller.model is not None:
            self.show_problem(message)
            return
        self.canvas.set_placeholder(NO_MODEL.format(name=self._wanted_model, reason=message))
        self.status.showMessage(message)
        self.models.show_chooser(f"The model could not be loaded:\n{message}\n\n"
                                 "Choose an installed model, or open a model folder:")

    def _edit_busy(self, busy: bool) -> None:
        self.actions.stop.setEnabled(busy)
        if not busy:
            self.status.hide_progress()

    def _grow_brush(self, steps: int) -> None:
        self.controller.toolbox.grow(steps)
        self.select_tool(self.controller.toolbox.active_name)
        self.canvas.update()

    def select_tool(self, name: str) -> None:
        toolbox = self.controller.toolbox
        toolbox.select(name)
        self.actions.tools[name].setChecked(True)
        self.brush.show_tool(toolbox.active.label, toolbox.active.size, toolbox.max_size)
        self.canvas.update()

    def _edit_settings(self) -> None:
        dialog = EditSettingsDialog(self.controller.edit_settings, self)
        dialog.accepted.connect(lambda: setattr(self.controller, "edit_settings", dialog.settings()))
        dialog.open()

    def show_problem(self, message: str) -> None:
        self.status.showMessage(message, 15000)
        self.prompter.inform(self, APP_NAME, message)

    def _update_title(self) -> None:
        path = self.controller.project_path
        name = path.name if path else ("Untitled" if self.controller.doc else "")
        dirty = "*" if self.controller.dirty else ""
        self.setWindowTitle(f"{name}{dirty} - {APP_NAME}" if name else APP_NAME)

    # ------------------------------------------------------------ start and close

    def begin(self, model: str | None, project: Path | None, recovery: Path | None) -> None:
        """First thing after the window exists: recover a crashed session's work, or open
        the project given on the command line, or start on the model."""
        self._wanted_model = model or DEFAULT_MODEL
        if recovery is not None:
            answer = self.prompter.ask(
                self, "Recover unsaved work?",
                "The editor did not exit cleanly last time. Recover the work it autosaved?",
                [RECOVER, DISCARD], RECOVER)
            if answer == RECOVER:
                self._open_or_fall_back(recovery, recovered=True)
                return
            self.autosaver.discard()
        if project is not None:
            self._open_or_fall_back(project, recovered=False)
        else:
            self.controller.load_model(self._wanted_model)

    def _open_or_fall_back(self, path: Path, recovered: bool) -> None:
        job = self.controller.open_project(path, recovered=recovered)
        job.failed.connect(lambda _: self.controller.model is None
                           and self.controller.load_model(self._wanted_model))

    def _restore_preferences(self) -> None:
        s = self.settings
        if s.geometry() is not None:
            self.restoreGeometry(s.geometry())
        else:
            self.resize(1280, 800)
        if s.window_state() is not None:
            self.restoreState(s.window_state())
        self.actions.smooth.setChecked(s.smooth)
        brush = s.brush()
        toolbox = self.controller.toolbox
        color = QColor(brush["color"])
        if color.isValid():
            toolbox.set_color((color.red(), color.green(), color.blue()))
        for name, size in brush["sizes"].items():
            if size:
                toolbox.set_size(size, name)
        self.brush.show_color(toolbox.color)
        self.select_tool(brush["tool"] if brush["tool"] in toolbox.tools else toolbox.active_name)

    def _save_preferences(self) -> None:
        s, toolbox = self.settings, self.controller.toolbox
        s.save_window(self.saveGeometry(), self.saveState())
        s.smooth = self.actions.smooth.isChecked()
        s.save_brush(toolbox.active_name, QColor(*toolbox.color).name(),
                     {name: tool.size for name, tool in toolbox.tools.items()})

    def closeEvent(self, event) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.controller.shutdown()
        # The stack emits while it is destroyed with the window; nothing needs to hear it.
        self.controller.undo_stack.blockSignals(True)
        self._save_preferences()
        self.autosaver.clean_exit()
        event.accept()

    # Drag and drop a project onto the window to open it.
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and self.files.maybe_save():
            self.files.open_path(Path(urls[0].toLocalFile()))
