"""Training kinds by name."""

from ...kinds import TrainKind

from .cyclegan import CycleGanTask
from .encoder import EncoderTask
from .fill import FillTask
from .gan import GanTask
from .pix2pix import Pix2PixTask
from .sr import SRTask

TASKS = {TrainKind.GAN: GanTask, TrainKind.ENCODER: EncoderTask, TrainKind.SR: SRTask,
         TrainKind.PIX2PIX: Pix2PixTask, TrainKind.CYCLEGAN: CycleGanTask, TrainKind.FILL: FillTask}
