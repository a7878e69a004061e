"""The fill training kind: trains on generated images, resumes, exports a loadable model."""

import json

import numpy as np
import pytest

from engine import checkpoints
from engine.errors import UserError
from engine.train import TrainOptions, run_training
from engine.train.tasks.fill import hole_l1, hole_psnr
from support.images import write_image_folder

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_image_folder(tmp_path_factory.mktemp("fill-data") / "a", 16, 48, seed=3)


def options(out, data, **kw):
    return TrainOptions(out=str(out), data=str(data), preset="cpu-quick", size=32, batch=4,
                        width=4, log_every=1, sample_every=3, device="cpu").replace(**kw)


def log_of(folder):
    return [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]


def test_fill_trains_and_exports_a_fill_model(data, tmp_path):
    folder = run_training("fill", options(tmp_path / "fill", data, iters=80, lr=3e-3))
    model = checkpoints.load_model(folder)
    assert model.kind == "fill" and set(model.networks) == {"fill"}
    assert model.config["image_size"] == 32 and model.net("fill").config.width == 4
    log = log_of(folder)
    assert [e["iter"] for e in log] == list(range(1, 81))
    # it starts as its Telea prefill (a zero correction), then training moves it
    assert abs(log[0]["psnr_hole"] - log[0]["psnr_hole_prefill"]) < 0.01
    assert model.net("fill").to_rgb.weight.abs().max() > 0
    assert (folder / "samples.png").is_file() and "Learned fill" in (folder / "README.md").read_text()


def test_fill_resumes_where_it_stopped(data, tmp_path):
    straight = run_training("fill", options(tmp_path / "a", data, iters=6))
    calls = []
    stop_after_three = lambda: calls.append(1) or len(calls) >= 3  # noqa: E731
    run_training("fill", options(tmp_path / "b", data, iters=6), should_stop=stop_after_three)
    assert len(log_of(tmp_path / "b")) == 3
    resumed = run_training("fill", options(tmp_path / "b", data, iters=6, resume=True))
    assert [e["l1_hole"] for e in log_of(resumed)] == [e["l1_hole"] for e in log_of(straight)]


def test_fill_size_must_suit_the_net(data, tmp_path):
    with pytest.raises(UserError, match="multiple of 16"):
        run_training("fill", options(tmp_path / "x", data, size=40))


def test_the_net_learns_a_fixed_batch_under_the_hole_loss():
    import torch
    from engine import registry
    from engine.nets.fill import FillConfig
    from engine.ops.fill import prefill
    from engine.ops.fill_masks import training_mask
    from support.images import make_scenes
    torch.manual_seed(0)
    net = registry.build("fill_gated_unet", FillConfig(width=8, depth=2, dilated=1, image_size=32))
    rng = np.random.default_rng(0)
    crops = make_scenes(4, 32, 5)
    masks = [training_mask(32, rng) for _ in crops]
    from engine.imaging import to_tensor
    target = to_tensor(np.stack(crops))
    given = to_tensor(np.stack([prefill(c, m, "telea") for c, m in zip(crops, masks)]))
    hole = torch.from_numpy(np.stack(masks)[:, None].astype(np.float32))
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    losses = []
    for _ in range(60):
        loss = hole_l1(net(given, hole), target, hole)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]


def test_hole_losses_look_only_inside_the_hole():
    import torch
    target = torch.zeros(1, 3, 4, 4)
    fill = torch.ones(1, 3, 4, 4)
    hole = torch.zeros(1, 1, 4, 4)
    hole[..., :2, :2] = 1
    fill[..., 2:, 2:] = 5    # outside the hole: ignored
    fill[..., :2, :2] = 0.5
    assert hole_l1(fill, target, hole).item() == pytest.approx(0.5)
    assert hole_psnr(fill, target, hole) == pytest.approx(10 * np.log10(1 / 0.0625), abs=1e-4)
