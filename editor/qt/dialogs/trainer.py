"""The trainer window: choose what to train on which folders, start, stop and resume it, and
watch the losses, the latest samples and the time left. The training runs in a child
process (TrainerProcess); the finished model lands in the user's models folder, which is on
the editor's model search path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressBar,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from engine.errors import UserError
from engine.train.events import TrainEvent

from ...model.training import (KINDS, PAIR_MODES, PRESETS, LossHistory, TrainRequest,
                               check_request, fitting_batch, folder_in_use, format_duration,
                               stages)
from ..panels.loss_plot import LossPlot
from ..training_process import DONE, FAILED, STOPPED, TrainerProcess
from .prompts import CANCEL, YES

REPLACE_MODEL_TITLE = "Replace model?"
SAMPLE_SIDE = 320
STARTING, RESUMING = "Starting...", "Resuming..."
ETA_SEPARATOR = " - ETA "
SAMPLE_EVERY = 100   # the presets renew samples every 200-1000 iterations: too rare on a CPU


@dataclass
class TrainerSetup:
    """Where trained models go and how the trainer is run (tests replace the program)."""
    models_dir: Path
    program: str | None = None               # None: this Python
    program_args: list[str] | None = None    # None: ["-m", "engine"]
    extra_args: list[str] = field(default_factory=list)   # added to every trainer command


class TrainerWindow(QDialog):
    modelTrained = Signal(object)     # the model folder, when a run has finished
    trainingEnded = Signal(str)       # DONE | STOPPED | FAILED

    def __init__(self, models_dir: Path, prompter, device: str | None = None,
                 program: str | None = None, program_args: list[str] | None = None,
                 extra_args: list[str] | None = None, parent: QWidget | None = None,
                 installed: Callable[[], list] | None = None):
        super().__init__(parent)
        self.setObjectName("trainerWindow")
        self.setWindowTitle("Train a model")
        self.setWindowFlag(Qt.Window, True)
        self.models_dir = Path(models_dir)
        self.prompter = prompter
        self.device = device
        self.extra_args = list(extra_args or [])
        self.installed = installed or (lambda: [])   # ModelInfo of the installed models
        self.process = TrainerProcess(program, program_args, self)
        self.history = LossHistory()
        self.request: TrainRequest | None = None
        self.stopped_stage: int | None = None   # where Resume continues
        self.events: list[dict] = []            # every event of this window (tests, diagnosis)
        self._stage_offset = 0
        self._stage_count = 1
        self._checkpointed = False              # the running stage saved a checkpoint
        self._errors_logged: set[str] = set()
        self._build()
        self._connect()
        self._kind_changed()
        self._update_buttons()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        self._build_sources()
        self._build_options()
        form = self._build_form()
        buttons = self._build_run_controls()
        self._lay_out(form, buttons)

    def _build_sources(self) -> None:
        """What to train and on which folders."""
        self.kind = QComboBox(self)
        for key, text in KINDS.items():
            self.kind.addItem(text, key)
        self.data = QLineEdit(self)
        self.data.setPlaceholderText("a folder of images (searched recursively)")
        self.data_button = QPushButton("Browse...", self)
        self.data_b = QLineEdit(self)
        self.data_b_button = QPushButton("Browse...", self)
        self.data_b_label = QLabel("Domain B", self)
        self.pairs = QComboBox(self)
        for key, text in PAIR_MODES.items():
            self.pairs.addItem(f"{key}: {text}", key)
        self.pairs_label = QLabel("Pairs", self)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. my-landscapes")

    def _build_options(self) -> None:
        """The preset and what may override it."""
        self.preset = QComboBox(self)
        for key, text in PRESETS.items():
            self.preset.addItem(text, key)
        self.iters = QSpinBox(self)
        self.iters.setRange(0, 10_000_000)
        self.iters.setSpecialValueText("preset default")
        self.iters.setSingleStep(100)
        self.iters.setToolTip("Training iterations (for GAN + encoder: each of the two)")
        self.batch = QSpinBox(self)
        self.batch.setObjectName("trainerBatch")
        self.batch.setRange(0, 4096)
        self.batch.setSpecialValueText("auto")
        self.batch.setToolTip("Images per iteration. Auto: the preset's, or fewer when the "
                              "folder holds fewer images than that")
        self.sample_every = QSpinBox(self)
        self.sample_every.setObjectName("trainerSampleEvery")
        self.sample_every.setRange(0, 1_000_000)
        self.sample_every.setSpecialValueText("preset default")
        self.sample_every.setValue(SAMPLE_EVERY)
        self.sample_every.setSuffix(" iterations")
        self.sample_every.setToolTip("How often the sample sheet beside the losses is renewed")

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("Data folder", _with_button(self.data, self.data_button))
        form.addRow(self.pairs_label, self.pairs)
        form.addRow(self.data_b_label, _with_button(self.data_b, self.data_b_button))
        form.addRow("Model name", self.name)
        form.addRow("Preset", self.preset)
        form.addRow("Iterations", self.iters)
        form.addRow("Batch size", self.batch)
        form.addRow("Samples every", self.sample_every)
        self.where = QLabel(f"Models are saved in {self.models_dir}", self)
        self.where.setWordWrap(True)
        form.addRow("", self.where)
        return form

    def _build_run_controls(self) -> QHBoxLayout:
        """Start, Stop and Resume (returned as a row), and what shows the run: progress,
        messages, the loss plot, the latest samples and the log."""
        self.start_button = QPushButton("Start", self)
        self.stop_button = QPushButton("Stop", self)
        self.resume_button = QPushButton("Resume", self)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.stop_button, self.resume_button):
            buttons.addWidget(button)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.progress_label = QLabel("Not running", self)
        self.message = QLabel("", self)
        self.message.setObjectName("trainerMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.plot = LossPlot(self.history, self)
        self.sample = QLabel("The latest samples appear here.", self)
        self.sample.setAlignment(Qt.AlignCenter)
        self.sample.setMinimumSize(SAMPLE_SIDE, SAMPLE_SIDE // 2)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)
        self.log.setMaximumHeight(110)
        return buttons

    def _lay_out(self, form: QFormLayout, buttons: QHBoxLayout) -> None:
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.progress_label)
        left.addWidget(self.message)
        left.addStretch(1)
        grid = QGridLayout(self)
        grid.addLayout(left, 0, 0)
        grid.addWidget(self.sample, 0, 1)
        grid.addWidget(self.plot, 1, 0, 1, 2)
        grid.addWidget(self.log, 2, 0, 1, 2)
        grid.setRowStretch(1, 1)
        self.resize(900, 680)

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.pairs.currentIndexChanged.connect(self._kind_changed)
        self.data_button.clicked.connect(lambda: self._browse(self.data))
        self.data_b_button.clicked.connect(lambda: self._browse(self.data_b))
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.resume_button.clicked.connect(self.resume)
        p = self.process
        p.event.connect(self._event)
        p.output.connect(self._log_line)
        p.stageStarted.connect(self._stage_started)
        p.ended.connect(self._ended)

    def _browse(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of images", edit.text())
        if folder:
            edit.setText(folder)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.pairs.setEnabled(kind == "pix2pix")
        self.pairs_label.setEnabled(kind == "pix2pix")
        second = self._form_request(check=False).needs_second_folder()
        for widget in (self.data_b, self.data_b_button, self.data_b_label):
            widget.setEnabled(second)
        self.data_b_label.setText("Domain B" if kind == "cyclegan" else "Targets")

    def _update_buttons(self) -> None:
        running = self.process.running
        for widget in (self.kind, self.data, self.data_button, self.pairs, self.data_b,
                       self.data_b_button, self.name, self.preset, self.batch, self.sample_every):
            widget.setEnabled(not running)
        if not running:
            self._kind_changed()
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(not running and self.stopped_stage is not None)

    # ------------------------------------------------------------ the request

    def _form_request(self, check: bool = True) -> TrainRequest:
        kind = self.kind.currentData()
        second = self.data_b.text().strip()
        request = TrainRequest(
            kind=kind, data=Path(self.data.text().strip()), name=self.name.text().strip(),
            models_dir=self.models_dir, preset=self.preset.currentData(),
            iters=self.iters.value() or None, data_b=Path(second) if second else None,
            pairs=self.pairs.currentData() if kind == "pix2pix" else None,
            device=self.device, batch=self.batch.value() or None,
            sample_every=self.sample_every.value() or None, extra=list(self.extra_args))
        if check:
            check_request(request)
            request.batch = fitting_batch(request)
        return request

    def _show_problem(self, text: str) -> None:
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setText(text)

    def _show_note(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    # ------------------------------------------------------------ start, stop, resume

    def start(self) -> bool:
        """Check the form, then start a fresh run; False (with a message) if nothing started."""
        if self.process.running:
            return False
        try:
            request = self._form_request()
        except UserError as exc:
            self._show_problem(str(exc))
            return False
        elsewhere = next((m for m in self.installed() if m.name == request.name
                          and Path(m.folder).parent != self.models_dir), None)
        if elsewhere is not None:
            self._show_problem(f"Model name: a model named '{request.name}' is already "
                               f"installed ({elsewhere.folder}); choose another name.")
            return False
        force = False
        if folder_in_use(request):
            answer = self.prompter.ask(
                self, REPLACE_MODEL_TITLE,
                f"The folder {request.out} already holds a model or a training run. "
                "Replace it? (Resume continues a stopped run instead.)", [YES, CANCEL], CANCEL)
            if answer != YES:
                self._show_note("Nothing started: choose another model name.")
                return False
            force = True
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._show_problem(f"Cannot create the models folder {self.models_dir}: "
                               f"{exc.strerror or exc}")
            return False
        self.request = request
        self.stopped_stage = None
        self.history.clear()
        self.plot.update()
        self.sample.clear()
        self.sample.setText("The latest samples appear here.")
        self._launch(stages(request), 0, resume=False, force=force)
        if request.batch is not None and not self.batch.value():
            self._show_note(f"Starting with batch size {request.batch}: the folder holds fewer "
                            "images than the preset's batch.")
        return True

    def resume(self) -> bool:
        """Continue the stopped run (its later stages start afresh)."""
        if self.process.running or self.request is None or self.stopped_stage is None:
            return False
        iters = self.iters.value() or None
        self.request.iters = iters  # more (or fewer) iterations may be asked for on resume
        index, self.stopped_stage = self.stopped_stage, None
        self._launch(stages(self.request), index, resume=True, force=False)
        return True

    def _launch(self, all_stages, first: int, resume: bool, force: bool) -> None:
        self._stage_offset = first
        self._stage_count = len(all_stages)
        self._errors_logged.clear()
        self._show_note(RESUMING if resume else STARTING)
        self.process.start(all_stages[first:], resume_first=resume, force_first=force)
        self._update_buttons()

    def stop(self) -> None:
        if self.process.running:
            self._show_note("Stopping: the trainer saves a checkpoint after its current step...")
            self.process.stop()

    def shutdown(self, wait_ms: int = 30000) -> None:
        """The editor is closing: stop the trainer (with a checkpoint) and wait for it."""
        self.process.shutdown(wait_ms)

    # ------------------------------------------------------------ what the trainer says

    def _stage_started(self, index: int, label: str) -> None:
        self._checkpointed = False
        number = self._stage_offset + index + 1
        self.progress_label.setText(f"Stage {number}/{self._stage_count}: {label} - starting...")
        self.log.appendPlainText(f"--- {label} ---")
        if index > 0:
            self.history.clear()

    def _event(self, event: dict) -> None:
        self.events.append(event)
        kind = event["event"]
        if kind == TrainEvent.STEP:
            self._progress(event)
        elif kind == TrainEvent.SAMPLE:
            self._show_sample(Path(str(event.get("path", ""))))
        elif kind == TrainEvent.CHECKPOINT:
            self._checkpointed = True
            self.log.appendPlainText(f"checkpoint at iteration {event.get('iter')}")
        elif kind == TrainEvent.STATUS:
            self.log.appendPlainText(str(event.get("message", "")))
        elif kind == TrainEvent.ERROR:
            self._log_line("error: " + str(event.get("message", "")))

    def _log_line(self, line: str) -> None:
        """The trainer reports an error twice (a JSON event and its stderr line): log it once."""
        if line.startswith("error: "):
            if line in self._errors_logged:
                return
            self._errors_logged.add(line)
        self.log.appendPlainText(line)

    def _progress(self, event: dict) -> None:
        if self.message.text() in (STARTING, RESUMING):
            self._show_note("")   # the progress line below says it all from here on
        step, total = int(event.get("iter", 0)), max(1, int(event.get("total", 1)))
        self.progress.setRange(0, total)
        self.progress.setValue(step)
        metrics = event.get("metrics") or {}
        self.history.add(step, metrics)
        self.plot.update()
        index = self._stage_offset + self.process.index
        label = self.process.stages[self.process.index].label
        speed = event.get("seconds_per_iter")
        self.progress_label.setText(
            f"Stage {index + 1}/{self._stage_count}: {label} - iteration {step}/{total}"
            + (f" - {speed:.3f} s/it" if isinstance(speed, (int, float)) else "")
            + f"{ETA_SEPARATOR}{format_duration(event.get('eta_seconds'))}")

    def _show_sample(self, path: Path) -> None:
        image = QImage(str(path))
        if image.isNull():
            return
        self.sample.setPixmap(QPixmap.fromImage(image).scaled(
            SAMPLE_SIDE, SAMPLE_SIDE, Qt.KeepAspectRatio, Qt.SmoothTransformation))

    def _ended(self, outcome: str, message: str) -> None:
        if outcome != DONE:   # nothing is left to count down
            self.progress_label.setText(self.progress_label.text().split(ETA_SEPARATOR)[0])
        if outcome == STOPPED:
            stopped = self._stage_offset + self.process.index
            resumable = "nothing to resume" not in message
            self.stopped_stage = stopped if resumable else None
            self._show_note(message)
        elif outcome == FAILED:
            if self._checkpointed:  # a periodic checkpoint survives the crash
                self.stopped_stage = self._stage_offset + self.process.index
                message += "\n\nA checkpoint was saved before: Resume continues from it."
            self._show_problem(message)
        else:
            self._show_note(f"{message} The model '{self.request.name}' is in the Models menu.")
            self.progress.setValue(self.progress.maximum())
        self._update_buttons()
        if outcome == DONE:
            self.modelTrained.emit(self.request.out)
        self.trainingEnded.emit(outcome)


def _with_button(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    """A line edit that stretches, with its Browse button beside it."""
    box = QHBoxLayout()
    box.addWidget(edit, 1)
    box.addWidget(button)
    return box
