"""Fix on a generator with local codes: only the codes near the strokes (and the global code) move."""

import numpy as np
import pytest
import torch

from engine import checkpoints, registry
from engine.config import GeneratorConfig, SpatialDiscriminatorConfig, SpatialGeneratorConfig
from engine.jobs import drive
from engine.ops.edit import edit
from engine.ops.latent_region import movable_latents
from engine.ops.types import EditConstraints, EditSettings

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _spatial(layout="broadcast"):
    torch.manual_seed(0)
    return registry.build("spatial_generator", SpatialGeneratorConfig(
        image_size=16, width=8, global_dim=4, local_dim=2, layout=layout)).eval()


def test_only_the_cells_the_free_region_touches_are_movable():
    g = _spatial()
    free = np.zeros((16, 16), bool)
    free[0:3, 0:6] = True                    # cells (0, 0) and (0, 1) of the 4x4 grid
    movable = movable_latents(g, free)
    assert movable[:4].all()                 # the global code
    local = movable[4:].view(2, 4, 4)
    assert local[:, 0, :2].all() and local.sum() == 2 * 2
    assert not movable_latents(g, free, move_global=False)[:4].any()
    dcgan = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=8))
    assert movable_latents(dcgan, free) is None


def test_fix_edit_keeps_the_far_codes_of_the_fixed_latent(tmp_path):
    g = _spatial()
    d = registry.build("spatial_discriminator", SpatialDiscriminatorConfig(image_size=16, width=8))
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": g, "discriminator": d})
    model = checkpoints.load_model(folder)
    z0 = g.sample_z(1, generator=torch.Generator().manual_seed(3))[0].numpy()
    mask = np.zeros((16, 16), bool)
    mask[13:16, 13:16] = True                # with its 1 px margin: the bottom-right cell only
    color = np.zeros((16, 16, 3), np.uint8)
    color[mask] = (230, 40, 40)
    settings = EditSettings(starts=4, candidates=4, steps=5, plateau=0, keep_margin=1, pool=32)
    result = drive(edit(model, EditConstraints(color=color, color_mask=mask), z0=z0, settings=settings))
    local0 = z0[4:].reshape(2, 4, 4)
    for z in result.z:
        local = z[4:].reshape(2, 4, 4)
        assert np.array_equal(local[:, :3], local0[:, :3]) and np.array_equal(local[:, :, :3], local0[:, :, :3])
    assert not np.array_equal(result.z[0][4:].reshape(2, 4, 4)[:, 3, 3], local0[:, 3, 3])
