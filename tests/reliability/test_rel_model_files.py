"""Model folders from elsewhere: files outside the folder, oversized or absurd configs, weights
whose header disagrees with the config (checked before any network is built), dtypes we
never write, finite weights that draw NaN, and listings that survive one broken folder."""

from __future__ import annotations

import json
import os

import pytest
import torch
from safetensors.torch import save_file
from support.models import build_untrained_gan

from engine import checkpoints, registry
from engine.errors import CheckpointError, UserError


@pytest.fixture
def model(tmp_path):
    return build_untrained_gan(tmp_path / "models" / "tiny")


def _config(folder):
    return json.loads((folder / "config.json").read_text())


def _write_config(folder, config):
    (folder / "config.json").write_text(json.dumps(config))


@pytest.fixture
def no_build(monkeypatch):
    """Fails if a real network is built (the refusal must come first)."""
    def refuse(*args, **kwargs):
        raise AssertionError("a network was built before the check")
    monkeypatch.setattr(registry, "build", refuse)


def test_weights_symlinked_from_outside_are_refused(tmp_path, model):
    outside = tmp_path / "elsewhere.safetensors"
    (model / "generator.safetensors").rename(outside)
    os.symlink(outside, model / "generator.safetensors")
    with pytest.raises(CheckpointError, match="outside the model folder"):
        checkpoints.load_model(model)


def test_config_symlinked_from_outside_is_refused(tmp_path, model):
    outside = tmp_path / "config-elsewhere.json"
    (model / "config.json").rename(outside)
    os.symlink(outside, model / "config.json")
    with pytest.raises(CheckpointError, match="outside the model folder"):
        checkpoints.read_model_config(model)


def test_a_symlink_inside_the_folder_still_loads(model):
    (model / "generator.safetensors").rename(model / "g-real.safetensors")
    os.symlink("g-real.safetensors", model / "generator.safetensors")
    checkpoints.load_model(model)


def test_oversized_config_is_refused_before_parsing(model, monkeypatch):
    config = _config(model)
    config["description"] = "x" * (checkpoints.MAX_CONFIG_BYTES + 10)
    _write_config(model, config)
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(CheckpointError, match="too large for a model config"):
        checkpoints.read_model_config(model)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"format_version": ' + "9" * 5000 + "}"])
def test_absurd_json_is_one_clear_error(model, text):
    (model / "config.json").write_text(text)
    with pytest.raises(CheckpointError, match="not valid JSON"):
        checkpoints.load_model(model)


@pytest.mark.parametrize("field,value", [("z_dim", 10 ** 9), ("width", 3072 * 64),
                                         ("max_width", 10 ** 6), ("width", -5)])
def test_unbounded_config_fields_are_refused_before_building(model, no_build, field, value):
    config = _config(model)
    config["networks"]["generator"]["config"][field] = value
    _write_config(model, config)
    with pytest.raises(CheckpointError):
        checkpoints.load_model(model, roles=["generator"])


def test_a_huge_network_is_refused_by_its_parameter_count(model, no_build):
    config = _config(model)
    config["networks"]["generator"]["config"].update(width=4096, max_width=4096)
    _write_config(model, config)
    with pytest.raises(CheckpointError, match="more than the limit"):
        checkpoints.load_model(model, roles=["generator"])


def test_shapes_are_checked_against_the_header_before_building(model, no_build):
    config = _config(model)
    config["networks"]["generator"]["config"]["width"] = 64   # the file holds width 8
    _write_config(model, config)
    with pytest.raises(CheckpointError, match="wrong shape"):
        checkpoints.load_model(model, roles=["generator"])


@pytest.mark.parametrize("dtype", [torch.int16, torch.bool, torch.int32, torch.uint8])
def test_tensors_of_types_we_never_write_are_refused(model, dtype):
    tensors, _ = checkpoints.load_tensors(model / "generator.safetensors")
    cast = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in tensors.items()}
    save_file(cast, str(model / "generator.safetensors"))
    with pytest.raises(CheckpointError, match="wrong type"):
        checkpoints.load_model(model, roles=["generator"])


def test_float16_weights_still_load(model):
    tensors, _ = checkpoints.load_tensors(model / "generator.safetensors")
    save_file({k: (v.half() if v.is_floating_point() else v) for k, v in tensors.items()},
              str(model / "generator.safetensors"))
    checkpoints.load_model(model, roles=["generator"])


def _rewrite(model, role, change):
    path = model / f"{role}.safetensors"
    tensors, _ = checkpoints.load_tensors(path)
    change(tensors)
    save_file(tensors, str(path))


def test_negative_batchnorm_variance_is_refused(model):
    def negative(tensors):
        name = next(k for k in tensors if k.endswith("running_var"))
        tensors[name] = -tensors[name].abs() - 1
    _rewrite(model, "generator", negative)
    with pytest.raises(CheckpointError, match="running_var"):
        checkpoints.load_model(model, roles=["generator"])


def test_finite_weights_that_overflow_to_nan_are_refused_by_the_probe(model):
    def huge(tensors):   # +-3e38 means, scaled by 3e38: +-inf, then inf - inf = NaN
        name = next(k for k in tensors if k.endswith("running_mean"))
        signs = torch.ones_like(tensors[name])
        signs[::2] = -1
        tensors[name] = signs * 3e38
        tensors[name.replace("running_mean", "weight")] = torch.full_like(signs, 3e38)
    _rewrite(model, "generator", huge)
    with pytest.raises(CheckpointError, match="NaN or infinite outputs"):
        checkpoints.load_model(model, roles=["generator"])


def test_listing_survives_broken_folders(tmp_path, model):
    root = model.parent
    deep = root / "deep"
    deep.mkdir()
    (deep / "config.json").write_text("[" * 100_000 + "]" * 100_000)
    dangling = build_untrained_gan(root / "dangling")
    (dangling / "generator.safetensors").unlink()
    os.symlink(tmp_path / "nowhere.safetensors", dangling / "generator.safetensors")
    loop = root / "loop"
    loop.mkdir()
    os.symlink(loop / "config.json", loop / "config.json")
    escaped = build_untrained_gan(root / "escaped")
    (escaped / "encoder.safetensors").rename(tmp_path / "e.safetensors")
    os.symlink(tmp_path / "e.safetensors", escaped / "encoder.safetensors")
    infos = {m.name: m for m in checkpoints.list_models([root])}
    assert infos["tiny"].error is None and infos["tiny"].kind == "gan"
    assert "not valid JSON" in infos["deep"].error
    assert "outside the model folder" in infos["escaped"].error
    assert infos["dangling"].error is None or "dangling" in infos["dangling"].error
    with pytest.raises(UserError):
        checkpoints.load_model(dangling)


def test_models_command_lists_good_and_bad(tmp_path, model, capsys, monkeypatch):
    from engine.cli import main
    deep = model.parent / "deep"
    deep.mkdir()
    (deep / "config.json").write_text("{" * 50_000)
    monkeypatch.setenv(checkpoints.MODEL_PATH_ENV, str(model.parent))
    assert main(["models"]) == 0
    out, err = capsys.readouterr()
    assert "tiny" in out and "deep" in out + err and "Traceback" not in out + err
