"""`train gan --local-diversity`: pairs differ in one cell's local code, the hinge rewards a
change around that cell, the option is refused where there are no local codes."""

import json

import pytest
import torch

from engine import registry
from engine.config import SpatialGeneratorConfig
from engine.errors import UserError
from engine.train import TrainOptions, run_training
from engine.train import local_diversity as LD
from support.images import write_image_folder

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _generator():
    torch.manual_seed(0)
    return registry.build("spatial_generator", SpatialGeneratorConfig(
        image_size=16, width=8, global_dim=4, local_dim=3))


def test_pairs_differ_only_in_one_cell_of_the_local_grid():
    g = _generator()
    torch.manual_seed(1)
    z = g.sample_z(9)
    pairs, rows, cols = LD.paired_latents(z, g)
    assert rows.shape == cols.shape == (4,)
    assert torch.equal(pairs[:4], z[:4]) and torch.equal(pairs[8:], z[8:])
    for i in range(4):
        glob_a, local_a = g.split(pairs[i:i + 1])
        glob_b, local_b = g.split(pairs[4 + i:5 + i])
        assert torch.equal(glob_a, glob_b)
        differs = (local_a != local_b).any(1)[0]
        assert differs.sum() == 1 and differs[rows[i], cols[i]]
        assert pairs[4 + i].abs().max() <= 1


def test_window_is_the_cell_and_half_a_cell_around_it_clipped():
    masks = LD.window_masks(torch.tensor([0, 1]), torch.tensor([0, 2]), grid=4, size=16)
    assert masks.shape == (2, 1, 16, 16)
    corner = masks[0, 0]
    assert corner[:6, :6].all() and corner[6:].sum() == 0 and corner[:, 6:].sum() == 0
    inner = masks[1, 0]   # cell (1, 2) spans rows 4-8 and columns 8-12; +-2 px reach
    assert inner[2:10, 6:14].all() and inner.sum() == 64


def test_hinge_is_zero_for_a_large_change_and_target_for_none():
    images = torch.zeros(4, 3, 16, 16)
    rows, cols = torch.tensor([1, 2]), torch.tensor([1, 0])
    assert LD.hinge(images, rows, cols, 4).item() == pytest.approx(LD.TARGET)
    images[2:] = 2 * LD.TARGET
    assert LD.hinge(images, rows, cols, 4).item() == 0.0


def test_minimising_the_hinge_makes_a_cell_code_change_its_window():
    g = _generator()
    optimizer = torch.optim.Adam(g.parameters(), lr=1e-2)
    torch.manual_seed(2)
    probe = g.sample_z(16)

    def hinge_now():
        torch.manual_seed(3)
        pairs, rows, cols = LD.paired_latents(probe, g)
        return LD.hinge(g(pairs), rows, cols, 4)

    with torch.no_grad():
        before = hinge_now().item()
    for step in range(30):
        torch.manual_seed(100 + step)
        pairs, rows, cols = LD.paired_latents(g.sample_z(16), g)
        loss = LD.hinge(g(pairs), rows, cols, 4)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        after = hinge_now().item()
    assert after < 0.5 * before


def _options(tmp_path, **kw):
    data = tmp_path / "data"
    if not data.exists():
        write_image_folder(data, 16, 16, seed=3)
    return TrainOptions(data=str(data), out=str(tmp_path / "out"), preset="cpu-quick", size=16,
                        batch=4, width=8, iters=2, log_every=1, device="cpu", **kw)


def test_training_with_the_term_logs_it_and_records_the_option(tmp_path):
    folder = run_training("gan", _options(tmp_path, arch="spatial", local_diversity=2.0))
    log = [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]
    assert all(0 <= entry["local_hinge"] <= LD.TARGET for entry in log)
    options = json.loads((folder / "config.json").read_text())["training"]["options"]
    assert options["local_diversity"] == 2.0


@pytest.mark.parametrize("arch,weight,message", [
    ("dcgan", 1.0, "local codes"), ("style", 1.0, "local codes"), ("spatial", -1.0, "0 or more")])
def test_refused_without_local_codes_or_below_zero(tmp_path, arch, weight, message):
    with pytest.raises(UserError, match=message):
        run_training("gan", _options(tmp_path, arch=arch, local_diversity=weight))
    assert not (tmp_path / "out").exists()


def test_local_reach_sees_dead_local_codes_and_skips_generators_without_them():
    from engine.config import GeneratorConfig
    from engine.ops.locality import local_reach
    g = _generator().eval()
    torch.nn.init.normal_(g.global_project.weight, 0, 1.0)   # untrained: outputs near 0
    for inject in g.injects:
        torch.nn.init.normal_(inject.weight, 0, 0.5)
    live = local_reach(g, samples=8)
    assert live["cell_window"] > 0 and live["global"] > 0
    torch.nn.init.zeros_(g.local_project.weight)
    for inject in g.injects:
        torch.nn.init.zeros_(inject.weight)
    dead = local_reach(g, samples=8)
    assert dead["cell_window"] == 0 and dead["global"] == live["global"]
    dcgan = registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=8))
    assert local_reach(dcgan) is None
