import json
import pickle

import pytest
import torch

from engine import checkpoint_tensors, checkpoints, registry
from engine.config import GeneratorConfig
from engine.errors import CheckpointError


def tiny_generator():
    return registry.build("dcgan_generator", GeneratorConfig(image_size=16, z_dim=8, width=4))


def test_round_trip_is_exact(tmp_path):
    g = tiny_generator()
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": g}, card="# m\n\nA test.\n")
    loaded = checkpoints.load_model(folder).net("generator")
    for (name, a), b in zip(g.state_dict().items(), loaded.state_dict().values()):
        assert torch.equal(a, b), name
    z = g.sample_z(3)
    assert torch.equal(g.eval()(z), loaded(z))


def test_fp16_storage_is_close_and_loads_as_float32(tmp_path):
    g = tiny_generator()
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": g}, dtype=torch.float16)
    loaded = checkpoints.load_model(folder).net("generator")
    assert loaded.project.weight.dtype == torch.float32
    assert torch.allclose(loaded.project.weight, g.project.weight, atol=1e-3)


def test_config_records_architecture_and_format(tmp_path):
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()},
                                    training={"iterations": 3})
    config = json.loads((folder / "config.json").read_text())
    assert config["format_version"] == checkpoints.FORMAT_VERSION
    assert config["kind"] == "gan"
    assert config["networks"]["generator"]["arch"] == "dcgan_generator"
    assert config["networks"]["generator"]["config"]["image_size"] == 16
    assert config["training"] == {"iterations": 3}


def test_shape_mismatch_names_the_tensor(tmp_path):
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()})
    config = json.loads((folder / "config.json").read_text())
    config["networks"]["generator"]["config"]["width"] = 8
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_model(folder)
    assert "wrong shape" in str(info.value) and "project.weight" in str(info.value)


def test_missing_and_unexpected_tensors_are_named(tmp_path):
    g = tiny_generator()
    state = dict(g.state_dict())
    state.pop("project.weight")
    state["bogus"] = torch.zeros(1)
    checkpoints.save_tensors(tmp_path / "w.safetensors", state)
    tensors, _ = checkpoints.load_tensors(tmp_path / "w.safetensors")
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_state_into(tiny_generator(), tensors, "w")
    assert "missing project.weight" in str(info.value) and "unexpected bogus" in str(info.value)


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))  # unpickling this creates the marker file


@pytest.mark.parametrize("suffix", [".pt", ".pth", ".pkl", ".ckpt"])
def test_pickle_is_refused_and_never_unpickled(tmp_path, suffix):
    marker = tmp_path / "pwned"
    bad = tmp_path / f"model{suffix}"
    bad.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_tensors(bad)
    assert "pickle" in str(info.value)
    with pytest.raises(CheckpointError):
        checkpoints.load_model(bad)
    assert not marker.exists()


def test_pickle_named_in_config_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()})
    (folder / "generator.pt").write_bytes(pickle.dumps(_Payload(str(marker))))
    config = json.loads((folder / "config.json").read_text())
    config["networks"]["generator"]["file"] = "generator.pt"
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError):
        checkpoints.load_model(folder)
    assert not marker.exists()


def test_pickle_disguised_as_safetensors_is_rejected(tmp_path):
    marker = tmp_path / "pwned"
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()})
    (folder / "generator.safetensors").write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_model(folder)
    assert "generator.safetensors" in str(info.value)
    assert not marker.exists()


def test_truncated_weights_are_reported(tmp_path):
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()})
    path = folder / "generator.safetensors"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_model(folder)
    assert "damaged" in str(info.value)


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(format_version=99), "newer version"),
    (lambda c: c.update(kind="diffusion"), "unknown model kind"),
    (lambda c: c["networks"]["generator"].update(arch="nope"), "unknown architecture"),
    (lambda c: c["networks"]["generator"].update(file="../../etc/passwd.safetensors"), "plain"),
    (lambda c: c.update(networks={}), "at least one network"),
    (lambda c: c["networks"]["generator"]["config"].update(image_size=48), "image_size"),
])
def test_bad_configs_are_refused_clearly(tmp_path, change, message):
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()})
    config = json.loads((folder / "config.json").read_text())
    change(config)
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_model(folder)
    assert message in str(info.value)


def test_malformed_json_config(tmp_path):
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": tiny_generator()})
    (folder / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        checkpoints.load_model(folder)


def test_unknown_model_name_lists_installed(tmp_path):
    checkpoints.save_model(tmp_path / "alpha", "gan", {"generator": tiny_generator()})
    with pytest.raises(CheckpointError) as info:
        checkpoints.load_model("beta", search_dirs=[tmp_path])
    assert "alpha" in str(info.value)
    assert checkpoints.load_model("alpha", search_dirs=[tmp_path]).name == "alpha"


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    g = tiny_generator()
    folder = checkpoints.save_model(tmp_path / "m", "gan", {"generator": g})
    before = (folder / "generator.safetensors").read_bytes()

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(checkpoint_tensors, "save_file", explode)
    with pytest.raises(OSError):
        checkpoints.save_model(folder, "gan", {"generator": tiny_generator()})
    assert (folder / "generator.safetensors").read_bytes() == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_training_state_round_trip(tmp_path):
    g = tiny_generator()
    opt = torch.optim.Adam(g.parameters(), lr=1e-3)
    g(g.sample_z(2)).mean().backward()
    opt.step()
    import random
    state = {"iteration": 7, "optimizer": opt.state_dict(), "rng": torch.get_rng_state(),
             "py_rng": random.getstate(), "losses": [0.5, 0.25]}
    checkpoints.save_state(tmp_path / "state.safetensors", state)
    back = checkpoints.load_state(tmp_path / "state.safetensors")
    assert back["iteration"] == 7 and back["losses"] == [0.5, 0.25]
    assert torch.equal(back["rng"], state["rng"])
    random.setstate(back["py_rng"])
    opt2 = torch.optim.Adam(tiny_generator().parameters(), lr=1e-3)
    opt2.load_state_dict(back["optimizer"])
    key = next(iter(opt.state_dict()["state"]))
    assert torch.equal(opt2.state_dict()["state"][key]["exp_avg"], opt.state_dict()["state"][key]["exp_avg"])


def test_list_models_reports_broken_folder(tmp_path):
    checkpoints.save_model(tmp_path / "good", "gan", {"generator": tiny_generator()},
                           card="# Good\n\nA fine model of things.\n")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "config.json").write_text("[]")
    models = {m.name: m for m in checkpoints.list_models([tmp_path])}
    assert models["good"].summary == "A fine model of things." and models["good"].error is None
    assert models["bad"].error
