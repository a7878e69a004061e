"""The main window: builds the panels, lays them out (window_layout.py: docks, menus,
toolbars) and connects them to the controller. Wiring only: what things do lives in the
controller, panels and model."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMainWindow

from engine.checkpoints import DEFAULT_MODEL

from ..model import loading
from ..model.enums import Start
from ..model.tools import COLOR
from .actions import Actions
from .autosave import Autosaver, recovery_summary
from .canvas import Canvas
from .controller import EditorController
from .frames import INTERPOLATION_FRAMES
from .dialogs.edit_settings import EditSettingsDialog
from .dialogs.image_viewer import ImageViewer
from .dialogs.prompts import RECOVER, DISCARD
from .dialogs.shortcuts import show_shortcuts
from .dialogs.trainer import TrainerSetup, TrainerWindow
from .files import ProjectFiles, is_photo_path
from .models_menu import ModelsMenu
from .panels.brush import BrushPanel
from .panels.candidates import CandidatesPanel
from .panels.history import HistoryPanel
from .panels.interpolation import InterpolationPanel
from .panels.translate import TranslatePanel
from .retouch import IMAGE, PHOTO
from .settings import AppSettings
from .status import EditorStatusBar
from .window_layout import build_docks, build_menus, build_toolbars, size_docks

APP_NAME = "Manifold Editor"
NO_MODEL = ("No model is loaded.\n\nThe model '{name}' is not installed or could not be "
            "loaded:\n{reason}\n\nChoose one with Models > Choose model... or "
            "Models > Open model folder...")


class MainWindow(QMainWindow):
    def __init__(self, controller: EditorController, settings: AppSettings,
                 autosaver: Autosaver, prompter, trainer_setup: TrainerSetup | None = None):
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
        self.translate = TranslatePanel()
        self.trainer_setup = trainer_setup or TrainerSetup(Path.home() / "manifold-models")
        self.trainer: TrainerWindow | None = None
        self.viewers: list[ImageViewer] = []   # open result viewers, newest last
        self.status = EditorStatusBar(self)
        self.setStatusBar(self.status)
        self.files = ProjectFiles(self, controller, settings, prompter, self)
        self.models = ModelsMenu(self, controller, self.actions, settings, self.files, self)
        self._wanted_model = DEFAULT_MODEL  # what begin() was asked to load, for messages
        build_docks(self)
        build_menus(self)
        build_toolbars(self)
        self._connect_controller()
        self._connect_widgets()
        self._connect_actions()
        self._restore_preferences()
        self.status.show_device(controller.device_label)
        self._update_title()

    # ------------------------------------------------------------ layout

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._docks_sized:  # once the window has its real size
            self._docks_sized = True
            if self.settings.window_state() is None:
                QTimer.singleShot(0, lambda: size_docks(self))

    # ------------------------------------------------------------ connections

    def _connect_controller(self) -> None:
        c = self.controller
        c.displayChanged.connect(self._refresh_canvas)
        c.retouch.maskChanged.connect(self._refresh_canvas)
        c.viewChanged.connect(lambda view: self.actions.photo_view.setChecked(view == PHOTO))
        # The brush size is shown in the view's pixels, which change with the view.
        c.viewChanged.connect(lambda _: self.select_tool(c.toolbox.active_name))
        c.documentReplaced.connect(lambda: self.select_tool(c.toolbox.active_name))
        c.documentChanged.connect(self._show_document)
        c.modelChanged.connect(self._model_changed)
        c.modelFailed.connect(self._model_failed)
        c.status.connect(lambda text: self.status.showMessage(text, 10000))
        c.result.connect(self.status.show_result)
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
        c.retouch.resultReady.connect(self.show_result)
        c.translation.resultReady.connect(self.show_result)
        c.translation.sketchTranslated.connect(self.translate.show_result)
        c.translation.hintsChanged.connect(self.translate.set_hint_count)
        c.translation.targetChanged.connect(self.translate.set_photo_target)
        self.files.problem.connect(self.show_problem)
        self.autosaver.failed.connect(lambda text: self.status.showMessage(text, 10000))
        self.actions.undo.setEnabled(False)
        self.actions.redo.setEnabled(False)

    def _connect_widgets(self) -> None:
        c, canvas = self.controller, self.canvas
        canvas.toolFinished.connect(c.apply_tool_result)
        canvas.drawing.connect(c.live.drawing)
        canvas.drawing.connect(self._show_free_region)
        canvas.colorPicked.connect(c.sample_color)
        canvas.sizeStep.connect(self._grow_brush)
        canvas.cursorMoved.connect(self.status.show_position)
        canvas.zoomChanged.connect(self.status.show_zoom)
        self.candidates.chosen.connect(c.choose_candidate)
        self.interpolation.frameChosen.connect(c.show_frame)
        self.interpolation.framesWanted.connect(c.request_frames)
        self.brush.colorChosen.connect(c.toolbox.set_color)
        self.brush.sizeChosen.connect(lambda size: c.toolbox.set_size(size))
        self.translate.applyRequested.connect(c.translation.translate_current)
        self.translate.sketchChanged.connect(
            lambda folder, direction, drawing: c.translation.translate_sketch(folder, drawing,
                                                                              direction))
        self.translate.saveRequested.connect(
            lambda image: self.files.save_result(image, "translated.png"))
        self.translate.refreshRequested.connect(self._refresh_translation_models)

    def _connect_actions(self) -> None:
        a, c = self.actions, self.controller
        a.open.triggered.connect(self.files.open_dialog)
        a.open_photo.triggered.connect(self.files.open_photo_dialog)
        a.photo_view.toggled.connect(lambda on: c.set_view(PHOTO if on else IMAGE))
        a.inpaint.triggered.connect(c.retouch.inpaint)
        a.clear_mask.triggered.connect(c.retouch.clear_mask)
        a.super_resolve.triggered.connect(lambda: c.retouch.super_resolve())
        a.train.triggered.connect(self.show_trainer)
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
        a.restart.triggered.connect(lambda: c.new_start(Start.RESTART))
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

    def _refresh_canvas(self) -> None:
        c = self.controller
        self.canvas.set_image(c.display_image(), c.display_geometry())
        self.canvas.set_mask(c.retouch.shown_mask() if c.doc is not None else None)

    def _show_document(self) -> None:
        doc = self.controller.doc
        self.actions.photo_view.setEnabled(doc is not None and doc.photo is not None)
        if doc is None:
            return
        self.canvas.set_strokes(doc.strokes)
        self._show_free_region()
        self.candidates.show_candidates(doc.candidates, doc.state.chosen)
        self.interpolation.set_available(doc.state.z_previous is not None)
        self._update_title()

    def _show_free_region(self, drawing=None) -> None:
        """Outline what an edit may change (Fix keeps the rest), with the stroke being drawn."""
        doc, settings = self.controller.doc, self.controller.edit_settings
        if doc is not None:
            strokes = None if drawing is None else doc.strokes + (drawing,)
            self.canvas.set_free_region(doc.free_region(settings, strokes))

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
        geometry = self.controller.display_geometry()
        scale = 1.0 if geometry is None else geometry[2] / max(1, toolbox.image_size)
        self.brush.show_tool(toolbox.active.label, toolbox.active.size, toolbox.max_size,
                             uses_color=name == COLOR, scale=scale)
        self.canvas.update()

    def _edit_settings(self) -> None:
        c = self.controller
        dialog = EditSettingsDialog(c.edit_settings, self, live=c.live.enabled)
        dialog.accepted.connect(lambda: setattr(c, "edit_settings", dialog.settings()))
        dialog.accepted.connect(lambda: c.live.set_enabled(dialog.live_edits()))
        dialog.accepted.connect(lambda: self._show_free_region())
        dialog.open()

    def _fill_image_menu(self) -> None:
        c, menu = self.controller, self.sr_menu
        menu.clear()
        models = c.retouch.sr_models()
        for info in models:
            action = menu.addAction(info.display_name)
            action.setToolTip(str(info.folder))
            action.triggered.connect(lambda _=False, f=info.folder: c.retouch.super_resolve(f))
        if not models:
            menu.addAction("No super-resolution models installed").setEnabled(False)
        self.actions.super_resolve.setEnabled(bool(models) and c.doc is not None)
        self.actions.inpaint.setEnabled(c.doc is not None)

    def _refresh_translation_models(self) -> None:
        self.translate.set_models(self.controller.translation.models())

    def show_result(self, title: str, image, suggested_name: str) -> ImageViewer:
        """A result (super-resolved, translated) in its own window, with Save."""
        viewer = ImageViewer(title, image, suggested_name, self)
        viewer.saveRequested.connect(self.files.save_result)
        viewer.destroyed.connect(lambda _=None, v=viewer: v in self.viewers
                                 and self.viewers.remove(v))
        self.viewers.append(viewer)
        viewer.show()
        return viewer

    def show_trainer(self) -> TrainerWindow:
        if self.trainer is None:
            setup, c = self.trainer_setup, self.controller
            device = c.device_name if c.device_name != "auto" else None
            self.trainer = TrainerWindow(setup.models_dir, self.prompter, device, setup.program,
                                         setup.program_args, setup.extra_args, self,
                                         installed=c.installed_models)
            self.trainer.modelTrained.connect(self._model_trained)
        self.trainer.show()
        self.trainer.raise_()
        return self.trainer

    def _model_trained(self, folder) -> None:
        folder = Path(folder)
        if folder.parent not in self.controller.model_dirs:
            self.controller.model_dirs.append(folder.parent)
        self.models.fill(self.models_menu)
        self._refresh_translation_models()
        self.status.showMessage(f"New model '{folder.name}' is in the Models menu", 15000)

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
        the project (or photo) given on the command line, or start on the model."""
        self._wanted_model = model or DEFAULT_MODEL
        if recovery is not None:
            text, image = recovery_summary(recovery)
            answer = self.prompter.ask(self, "Recover unsaved work?", text, [RECOVER, DISCARD],
                                       RECOVER, image=image)
            if answer == RECOVER:
                self._open_or_fall_back(recovery, recovered=True)
                return
            self.autosaver.discard()
        if project is not None and is_photo_path(project):
            job = self.controller.load_model(self._wanted_model)
            job.finished.connect(lambda _: self.files.open_path(project))
        elif project is not None:
            self._open_or_fall_back(project, recovered=False)
        else:
            self._start_on_model()

    def _start_on_model(self):
        """Load the wanted model and show its average image: a view, where a random image is
        often a blurred close-up."""
        return self.controller.load_model(self._wanted_model, start=loading.AVERAGE)

    def _open_or_fall_back(self, path: Path, recovered: bool) -> None:
        job = self.controller.open_project(path, recovered=recovered)
        job.failed.connect(lambda _: self.controller.model is None and self._start_on_model())

    def _restore_preferences(self) -> None:
        s = self.settings
        if s.geometry() is not None:
            self.restoreGeometry(s.geometry())
        else:  # the first run: all the screen (afterwards as the user left it)
            screen = self.screen()
            # The size too, for a desktop whose window manager does not maximise.
            self.resize(screen.availableSize() if screen is not None else QSize(1280, 800))
            self.setWindowState(self.windowState() | Qt.WindowMaximized)
        if s.window_state() is not None:
            self.restoreState(s.window_state())
        self.actions.smooth.setChecked(s.smooth)
        self.controller.live.set_enabled(s.live_edits)
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
        s.live_edits = self.controller.live.enabled
        s.save_brush(toolbox.active_name, QColor(*toolbox.color).name(),
                     {name: tool.size for name, tool in toolbox.tools.items()})

    def closeEvent(self, event) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        if self.trainer is not None:
            self.trainer.shutdown()
        self.controller.shutdown()
        # The stack emits while it is destroyed with the window; nothing needs to hear it.
        self.controller.undo_stack.blockSignals(True)
        self._save_preferences()
        self.autosaver.clean_exit()
        event.accept()

    # Drag and drop a project or a photo onto the window to open it.
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and self.files.maybe_save():
            self.files.open_path(Path(urls[0].toLocalFile()))
