"""Training kinds by name."""

from .cyclegan import CycleGanTask
from .encoder import EncoderTask
from .fill import FillTask
from .gan import GanTask
from .pix2pix import Pix2PixTask
from .sr import SRTask

TASKS = {"gan": GanTask, "encoder": EncoderTask, "sr": SRTask, "pix2pix": Pix2PixTask,
         "cyclegan": CycleGanTask, "fill": FillTask}
