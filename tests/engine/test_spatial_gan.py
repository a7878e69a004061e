"""The spatial-latent generator: a flat latent like DCGAN's, local codes act locally, it trains."""

import json

import numpy as np
import pytest
import torch

from engine import checkpoints, registry
from engine.config import SpatialGeneratorConfig
from engine.errors import UserError
from engine.train import TrainOptions, run_training
from support.images import write_image_folder
from support.models import train_gan_arch

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _generator(size=64, **kw):
    torch.manual_seed(0)
    g = registry.build("spatial_generator", SpatialGeneratorConfig(image_size=size, width=8, **kw))
    return g.eval()


def test_latent_is_flat_global_then_grid():
    g = _generator(global_dim=5, local_dim=3)
    assert g.z_dim == 5 + 3 * 16
    z = g.sample_z(2, generator=torch.Generator().manual_seed(1))
    assert z.shape == (2, g.z_dim) and z.abs().max() <= 1
    glob, local = g.split(z)
    assert glob.shape == (2, 5) and local.shape == (2, 3, 4, 4)
    assert torch.equal(local[1, :, 0, 1], z[1, 5:].view(3, 4, 4)[:, 0, 1])
    image = g(z)
    assert image.shape == (2, 3, 64, 64) and image.abs().max() <= 1


def _block_gradient(g, cell, block):
    """|d(image block)/d(local code of cell)|, summed."""
    z = g.sample_z(1, generator=torch.Generator().manual_seed(2)).requires_grad_(True)
    (r0, r1), (c0, c1) = block
    g(z)[:, :, r0:r1, c0:c1].sum().backward()
    _, local_grad = g.split(z.grad)
    return local_grad[0, :, cell[0], cell[1]].abs().sum().item()


@pytest.mark.parametrize("inject_levels", [0, 2])
def test_a_corner_code_cannot_reach_the_opposite_corner(inject_levels):
    g = _generator(inject_levels=inject_levels)
    for inject in g.injects:  # trained injections are non-zero
        torch.nn.init.normal_(inject.weight, 0, 0.1)
    bottom_right = ((48, 64), (48, 64))
    assert _block_gradient(g, (0, 0), bottom_right) == 0.0
    assert _block_gradient(g, (3, 3), bottom_right) > 0.0


def test_config_refuses_unsupported_grid():
    with pytest.raises(UserError, match="grid"):
        SpatialGeneratorConfig(grid=3).validate()


def test_spatial_gan_trains_and_loads_as_a_gan_model(tmp_path):
    _, model, log = train_gan_arch(tmp_path, "spatial", iters=6)
    g, d = model.generator(), model.net("discriminator")
    assert g.arch == "spatial_generator" and d.arch == "spatial_discriminator"
    z = g.sample_z(3)
    image = g(z)
    assert image.shape == (3, 3, 16, 16) and torch.isfinite(image).all()
    score, features = d(image, return_features=True)
    assert score.shape == (3,) and len(features) == len(d.features(image))
    assert d.verdicts(image).shape[1] == 1 + 8 * 8  # the global verdict + the 8x8 patch map
    assert len(log) == 6 and np.isfinite(log[-1]["loss_d"]) and np.isfinite(log[-1]["loss_g"])


def test_broadcast_layout_gives_every_cell_the_same_global_input():
    g = _generator(layout="broadcast")
    z = g.sample_z(1, generator=torch.Generator().manual_seed(4))
    z[:, g.config.global_dim:] = 0  # no local codes: nothing can tell one cell from another
    start = g.start(g.global_project(z[:, :g.config.global_dim])[..., None, None].expand(-1, -1, 4, 4))
    assert torch.allclose(start, start[..., :1, :1].expand_as(start))
    assert g.global_project.out_features * 16 == _generator(layout="map").global_project.out_features


def test_config_refuses_unknown_layout():
    with pytest.raises(UserError, match="layout"):
        SpatialGeneratorConfig(layout="grid").validate()


def _train(tmp_path, name, **kw):
    data = tmp_path / "data"
    if not data.exists():
        write_image_folder(data, 16, 32, seed=3)
    return run_training("gan", TrainOptions(
        data=str(data), out=str(tmp_path / name), preset="cpu-quick", size=16, batch=4, width=8,
        iters=2, log_every=1, device="cpu", **kw))


def test_init_copies_the_matching_weights_of_another_model(tmp_path):
    spatial = _train(tmp_path, "spatial", arch="spatial")
    local = _train(tmp_path, "local", arch="local", init=str(spatial), seed=5)
    before = checkpoints.load_model(spatial).net("generator").state_dict()
    options = json.loads((local / "config.json").read_text())["training"]["options"]
    assert options["arch"] == "local" and options["init"] == str(spatial)
    # the start map's projection differs in shape, so it is the one tensor trained from scratch
    assert before["global_project.weight"].shape[0] == 16 * checkpoints.load_model(
        local).net("generator").state_dict()["global_project.weight"].shape[0]
    fresh = _train(tmp_path, "fresh", arch="local", seed=5)
    a, b = (checkpoints.load_model(f).net("generator").state_dict()["stages.0.0.weight"]
            for f in (local, fresh))
    reference = before["stages.0.0.weight"]
    # two steps of Adam at 2e-4 move a weight by < 1e-3: the --init run stays near its source
    assert (a.float() - reference.float()).abs().max() < 1e-2
    assert (b.float() - reference.float()).abs().max() > 1e-2


def test_init_refuses_a_model_that_is_not_a_gan_and_other_kinds(tmp_path):
    with pytest.raises(UserError, match="--init is for gan"):
        run_training("encoder", TrainOptions(model="x", init="y", out=str(tmp_path / "e")))
    with pytest.raises(UserError):
        _train(tmp_path, "bad", arch="local", init=str(tmp_path / "missing"))
    assert not (tmp_path / "bad").exists()
