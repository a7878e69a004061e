"""The shared training loop, exercised with the gan kind: outputs, resume, stop, events."""

import json

import numpy as np
import pytest
import torch

from engine import checkpoints
from engine.errors import UserError
from engine.ops.generate import generate, random_z
from engine.train import TrainEvent, TrainOptions, run_training
from support.images import write_image_folder

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def scenes16(tmp_path_factory):
    return write_image_folder(tmp_path_factory.mktemp("data") / "scenes", 40, 16, seed=1)


def gan_options(data, out, **changes):
    base = TrainOptions(data=str(data), out=str(out), preset="cpu-quick", size=16, z_dim=8,
                        width=8, batch=8, iters=12, log_every=1, sample_every=4, device="cpu")
    return base.replace(**changes)


def test_gan_run_writes_a_loadable_model_with_card_samples_and_log(scenes16, tmp_path):
    events = []
    folder = run_training("gan", gan_options(scenes16, tmp_path / "m", iters=30, lr=1e-3),
                          progress_fn=events.append)
    model = checkpoints.load_model(folder)
    assert model.kind == "gan"
    assert set(model.networks) == {"generator", "generator_ema", "discriminator"}
    assert (folder / "samples.png").is_file()
    card = (folder / "README.md").read_text()
    for needle in (str(scenes16), "40 used", "dcgan_generator", "Parameters", "30 of 30",
                   "Wall time", "cpu", "samples.png"):
        assert needle in card
    log = [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]
    assert [e["iter"] for e in log] == list(range(1, 31))
    assert all(np.isfinite(e["loss_d"]) and np.isfinite(e["loss_g"]) for e in log)
    assert len({round(e["loss_d"], 6) for e in log}) > 20   # the losses move
    assert model.config["training"]["iteration"] == 30
    # DCGAN's initial generator draws near-constant grey (spread ~0.3 grey levels over z);
    # after training its images vary with z
    images = generate(model.generator(), random_z(model.generator(), 16, seed=0))
    assert images.reshape(16, -1).std(0).mean() > 3
    steps = [e.step for e in events if e.event == TrainEvent.STEP]
    assert steps == list(range(1, 31))
    assert any(e.event == TrainEvent.SAMPLE and e.preview is not None for e in events)
    assert events[-1].event == TrainEvent.DONE
    # an event is never spelled in the message: that is only text (status lines)
    assert all(e.message == "" for e in events if e.event != TrainEvent.STATUS)


def test_resume_continues_exactly_where_a_stopped_run_left_off(scenes16, tmp_path):
    torch.manual_seed(1)
    full = run_training("gan", gan_options(scenes16, tmp_path / "full"))
    calls = iter(range(100))
    torch.manual_seed(2)   # global state before a run must not matter
    half = run_training("gan", gan_options(scenes16, tmp_path / "half"),
                        should_stop=lambda: next(calls) >= 5)
    assert checkpoints.load_state(half / "training" / "state.safetensors")["iteration"] == 6
    torch.manual_seed(3)
    run_training("gan", gan_options(scenes16, tmp_path / "half", resume=True))
    a = checkpoints.load_state(full / "training" / "state.safetensors")
    b = checkpoints.load_state(half / "training" / "state.safetensors")
    assert a["iteration"] == b["iteration"] == 12
    for group in ("networks", "optimizers"):
        flat_a, flat_b = _tensors(a[group]), _tensors(b[group])
        assert flat_a.keys() == flat_b.keys()
        for key in flat_a:
            assert torch.equal(flat_a[key], flat_b[key]), key
    strip = lambda p: [{k: v for k, v in json.loads(line).items() if k != "time"}  # noqa: E731
                       for line in p.read_text().splitlines()]
    assert strip(full / "log.jsonl") == strip(half / "log.jsonl")


def _tensors(tree, prefix=""):
    out = {}
    if isinstance(tree, torch.Tensor):
        out[prefix] = tree
    elif isinstance(tree, dict):
        for k, v in tree.items():
            out.update(_tensors(v, f"{prefix}/{k}"))
    elif isinstance(tree, (list, tuple)):
        for i, v in enumerate(tree):
            out.update(_tensors(v, f"{prefix}/{i}"))
    return out


def test_a_stopped_run_leaves_a_loadable_model_and_checkpoint(scenes16, tmp_path):
    folder = run_training("gan", gan_options(scenes16, tmp_path / "m", iters=1000),
                          should_stop=lambda: True)
    model = checkpoints.load_model(folder)
    assert model.config["training"]["iteration"] == 1
    assert model.config["training"]["stopped"] is True
    assert "stopped early" in (folder / "README.md").read_text()
    assert checkpoints.load_state(folder / "training" / "state.safetensors")["iteration"] == 1


def test_checkpoints_follow_the_time_interval(scenes16, tmp_path):
    events = []
    run_training("gan", gan_options(scenes16, tmp_path / "m", iters=4, checkpoint_every=1e-9),
                 progress_fn=events.append)
    # one per step (the interval always elapsed) and the final one
    assert [e.step for e in events if e.event == TrainEvent.CHECKPOINT] == [1, 2, 3, 4, 4]


def test_hinge_loss_and_fp16_weights(scenes16, tmp_path):
    folder = run_training("gan", gan_options(scenes16, tmp_path / "m", iters=3, loss="hinge",
                                             fp16=True))
    tensors, _ = checkpoints.load_tensors(folder / "generator_ema.safetensors")
    assert tensors["project.weight"].dtype == torch.float16
    assert checkpoints.load_model(folder).generator()(torch.zeros(1, 8)).dtype == torch.float32


def test_resume_refuses_other_settings_and_missing_state(scenes16, tmp_path):
    run_training("gan", gan_options(scenes16, tmp_path / "m", iters=2))
    with pytest.raises(UserError, match="do not match"):
        run_training("gan", gan_options(scenes16, tmp_path / "m", width=16, iters=4, resume=True))
    with pytest.raises(UserError, match="nothing to resume"):
        run_training("gan", gan_options(scenes16, tmp_path / "new", resume=True))
    with pytest.raises(UserError, match="gan model, not sr"):
        run_training("sr", TrainOptions(data=str(scenes16), out=str(tmp_path / "m"), size=32,
                                        preset="cpu-quick", resume=True, batch=8, width=8))
