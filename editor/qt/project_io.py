"""The controller's project files: save, open (restoring the undo steps), export, and export
upscaled. A part of EditorController kept in its own file (a mixin: it uses the controller's
session, model, settings, runners and signals)."""

from __future__ import annotations

from pathlib import Path

from engine import checkpoints
from engine.errors import UserError

from ..jobs import Job
from ..model import history, loading, saved_history
from ..model.project import ProjectData, export_image, from_document, save_project
from .retouch import check_upscaled_size
from .session import PHOTO


class ProjectIO:
    """Mixed into EditorController (editor/qt/controller.py)."""

    def project_data(self) -> ProjectData:
        folder = str(self.model.folder) if self.model is not None else None
        commands = [self.undo_stack.command(i).command for i in range(self.undo_stack.index())]
        steps = saved_history.from_commands(commands, self.doc.state)
        return from_document(self.doc, self.edit_settings, self.history_texts(), folder, steps)

    def save_project(self, path: str | Path) -> Path:
        """Save now (small files: fast enough for the GUI thread). Raises UserError."""
        if self.doc is None:
            raise UserError("nothing to save: no image is open")
        saved = save_project(path, self.project_data())
        self.project_path = saved
        self.undo_stack.setClean()
        self.status.emit(f"Saved {saved}")
        self.projectSaved.emit(saved)
        return saved

    def open_project(self, path: str | Path, recovered: bool = False) -> Job:
        """Open a project off the GUI thread; the current document is replaced only if it
        opens completely. A recovered autosave stays unsaved (it has no project path)."""
        device, dirs, current = self.device, list(self.model_dirs), self.model
        path = Path(path)

        def work(token):
            return loading.open_project(path, device, dirs, current)

        self.status.emit(f"Opening {path}...")
        job = self.loads.submit(work, "Opening the project")
        job.finished.connect(lambda opened: self._project_opened(opened, path, recovered))
        job.failed.connect(self.error)
        return job

    def _project_opened(self, opened: loading.OpenedProject, path: Path, recovered: bool) -> None:
        if opened.model is not self.model:
            self.model = opened.model
            self.toolbox.set_image_size(opened.data.image_size)
            self.modelChanged.emit()
        self.edit_settings = opened.data.settings
        self._replace_document(opened.document, None if recovered else path)
        if opened.document.photo is not None:
            self.set_view(PHOTO)   # as opening the photo itself does
        self._restore_steps(opened.steps)
        if recovered:
            self.undo_stack.resetClean()  # recovered work is unsaved work
        note = "" if opened.max_difference == 0 else (
            f" (the regenerated image differs from the saved one by up to "
            f"{opened.max_difference} levels: other model weights or device)")
        self.status.emit(("Recovered unsaved work" if recovered else f"Opened {path}") + note)
        if opened.photo_problem:
            self.error.emit(opened.photo_problem)
        self.projectOpened.emit(None if recovered else path)
        self.photos.tuning.start()  # a photo saved before (or without) its tuning

    def _restore_steps(self, steps) -> None:
        """The saved undo steps back on the stack, ending on the opened state."""
        if not steps:
            return
        doc = self.doc
        doc.state = steps[0][2]   # rebuild() ends the last step on the opened state
        for text, kind, before, after in steps:
            command = history.Command(text, kind, before, after)
            command.has_result = True   # complete: a later edit result must not merge into it
            self.push(command)
        self.undo_stack.setClean()

    def export_image(self, path: str | Path, overwrite: bool = False) -> Path:
        if self.doc is None:
            raise UserError("nothing to export: no image is open")
        protected = (self.project_path,) if self.project_path else ()
        saved = export_image(path, self.doc.image, protected, overwrite)
        self.status.emit(f"Exported {saved}")
        return saved

    def upscaler(self) -> checkpoints.ModelInfo | None:
        """The installed super-resolution model, sr-x4 by preference (for Export upscaled)."""
        return self.retouch.upscaler()

    def export_upscaled(self, path: str | Path, overwrite: bool = False) -> Job | None:
        info = self.upscaler()
        if self.doc is None or info is None:
            return None
        image, device = self.doc.image, self.device
        compute = self.photos.result_work() if self.doc.photo is not None else (lambda _: image)
        protected = (self.project_path,) if self.project_path else ()
        path = Path(path)

        def work(token):
            from engine.jobs import drive
            from engine.ops.upscale import upscale
            model = self.session.helper_model(info.folder, device)
            source = compute(token)
            check_upscaled_size(source, model)
            big = drive(upscale(model, source, token=token))
            return export_image(path, big, protected, overwrite)

        job = self.loads.submit(work, "Upscaling")
        job.finished.connect(lambda saved: self.status.emit(f"Exported {saved}"))
        job.failed.connect(self.error)
        return job
