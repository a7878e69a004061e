"""Each model kind trains on generated images, its loss moves, and the result loads."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from engine import checkpoints, chroma_bins
from engine.errors import UserError
from engine.train import TrainOptions, run_training
from engine.train.tasks.pix2pix import chroma_distance
from support.images import make_scenes, write_image_folder

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    return {"a": write_image_folder(root / "a", 24, 32, seed=1),
            "b": write_image_folder(root / "b", 24, 32, seed=2),
            "root": root}


def options(out, **kw):
    base = TrainOptions(out=str(out) if out else None, preset="cpu-quick", batch=4, width=8,
                        log_every=1, device="cpu")
    return base.replace(**kw)


def log_of(folder, name="log.jsonl"):
    return [json.loads(line) for line in (folder / name).read_text().splitlines()]


def early_late(log, key, n=5):
    values = [e[key] for e in log]
    return float(np.mean(values[:n])), float(np.mean(values[-n:]))


def test_sr_learns_beyond_bicubic_and_records_its_scale(data, tmp_path):
    folder = run_training("sr", options(tmp_path / "sr", data=str(data["a"]), size=32, scale=4,
                                        blocks=2, iters=60, lr=2e-3))
    model = checkpoints.load_model(folder)
    assert model.kind == "sr" and set(model.networks) == {"sr"}
    assert model.config["scale"] == 4 and model.net("sr").config.scale == 4
    early, late = early_late(log_of(folder), "l1")
    assert late < early
    assert (folder / "samples.png").is_file()


def test_sr_can_train_on_from_a_shipped_model_and_refuses_another_kind(data, tmp_path):
    first = run_training("sr", options(tmp_path / "a", data=str(data["a"]), size=32, scale=4,
                                       blocks=2, iters=30, lr=2e-3))
    more = run_training("sr", options(tmp_path / "b", data=str(data["a"]), size=32, scale=4,
                                      blocks=2, iters=1, lr=1e-9, init=str(first)))
    fresh = run_training("sr", options(tmp_path / "c", data=str(data["a"]), size=32, scale=4,
                                       blocks=2, iters=1, lr=1e-9))
    source, continued, new = (checkpoints.load_model(f).net("sr").state_dict()
                              for f in (first, more, fresh))
    assert all(torch.allclose(continued[k].float(), source[k].float(), atol=1e-3) for k in source)
    assert not all(torch.allclose(new[k].float(), source[k].float(), atol=1e-3) for k in source)
    with pytest.raises(UserError, match="needs a fill model.*is a sr model"):
        run_training("fill", options(tmp_path / "d", data=str(data["a"]), size=32, iters=1,
                                     init=str(first)))


def test_sr_adversarial_stage_adds_a_discriminator_for_the_second_half(data, tmp_path):
    folder = run_training("sr", options(tmp_path / "sr", data=str(data["a"]), size=32, scale=2,
                                        blocks=1, iters=6, adversarial=True))
    log = log_of(folder)
    assert "loss_d" not in log[2] and "loss_d" in log[3]
    state = checkpoints.load_state(folder / "training" / "state.safetensors")
    assert "discriminator" in state["networks"]
    assert set(checkpoints.load_model(folder).networks) == {"sr"}


# Scene colours are uniform at random, so from edges alone the best L1 is the mean's (~0.5)
# and the loss can only fall a little; from grey it can fall much further.
# The colouriser logs its chroma distance, the RGB translators their L1.
@pytest.mark.parametrize("pairs,transform,drop,key", [("edges", "edges", 0.98, "l1"),
                                                      ("gray", "gray", 0.85, "chroma")])
def test_pix2pix_from_one_folder_learns_and_records_the_input_transform(data, tmp_path, pairs,
                                                                        transform, drop, key):
    folder = run_training("pix2pix", options(tmp_path / "p", data=str(data["a"]), size=32,
                                             pairs=pairs, iters=80, lr=1e-3))
    model = checkpoints.load_model(folder)
    assert model.kind == "pix2pix" and model.config["input_transform"] == transform
    assert set(model.networks) == {"generator", "discriminator"}
    early, late = early_late(log_of(folder), key)
    assert late < drop * early


def test_a_colouriser_over_ab_bins_trains_without_a_discriminator(data, tmp_path):
    folder = run_training("pix2pix", options(tmp_path / "b", data=str(data["a"]), size=32,
                                             pairs="gray", chroma_bins=True, iters=80, lr=1e-3))
    model = checkpoints.load_model(folder)
    assert set(model.networks) == {"generator"}
    assert model.config["chroma_bins"]["count"] == model.net("generator").config.out_channels
    # untrained, the head is about uniform: cross-entropy ln(bins) whatever the targets
    early, late = early_late(log_of(folder), "cross_entropy")
    assert early == pytest.approx(np.log(len(chroma_bins.bin_centres())), abs=0.05)
    assert late < 0.95 * early
    with pytest.raises(UserError, match="chroma-bins"):
        run_training("pix2pix", options(tmp_path / "e", data=str(data["a"]), size=32,
                                        pairs="edges", chroma_bins=True, iters=2))


def test_pix2pix_with_ema_ships_an_average_that_translating_uses(data, tmp_path):
    from engine.ops.translate import translator
    folder = run_training("pix2pix", options(tmp_path / "e", data=str(data["a"]), size=32,
                                             pairs="gray", ema=True, iters=20, lr=1e-3))
    model = checkpoints.load_model(folder)
    assert set(model.networks) == {"generator", "generator_ema", "discriminator"}
    raw, ema = model.net("generator").state_dict(), model.net("generator_ema").state_dict()
    weights = [k for k in raw if k.endswith("weight")]
    assert not all(torch.allclose(raw[k].float(), ema[k].float()) for k in weights)
    stats = [k for k in raw if k.endswith("running_mean")]
    assert stats and not all(torch.allclose(raw[k].float(), ema[k].float()) for k in stats)
    assert translator(model, "ab") is model.net("generator_ema")
    with pytest.raises(UserError, match="--ema is for pix2pix"):
        run_training("sr", options(tmp_path / "s", data=str(data["a"]), size=32, ema=True,
                                   iters=1))


def test_colouriser_distance_is_the_euclidean_chroma_error_per_pixel():
    target = torch.zeros(1, 2, 2, 2)
    fake = target.clone()
    fake[0, 0, 0, 0], fake[0, 1, 0, 0] = 0.3, 0.4   # one pixel 0.5 away, three exact
    assert chroma_distance(fake, target).item() == pytest.approx(0.5 / 4, abs=1e-3)


def test_pix2pix_from_two_folders_and_from_side_by_side_images(data, tmp_path):
    folder = run_training("pix2pix", options(tmp_path / "f", data=str(data["a"]),
                                             data_b=str(data["b"]), pairs="folder", size=16,
                                             iters=3))
    assert checkpoints.load_model(folder).config["input_transform"] == "none"
    sbs = tmp_path / "sbs"
    sbs.mkdir()
    for i, (a, b) in enumerate(zip(make_scenes(8, 32, 1), make_scenes(8, 32, 2))):
        Image.fromarray(np.concatenate([a, b], axis=1)).save(sbs / f"{i}.png")
    folder = run_training("pix2pix", options(tmp_path / "s", data=str(sbs), pairs="sidebyside",
                                             size=16, iters=3))
    assert checkpoints.load_model(folder).config["input_transform"] == "none"


def test_pix2pix_refuses_mismatched_pairs_and_non_side_by_side_images(data, tmp_path):
    partial = write_image_folder(tmp_path / "partial", 20, 32, seed=3)
    (partial / "scene_0003.png").unlink()
    with pytest.raises(UserError, match="mismatched pairs.*scene_0003"):
        run_training("pix2pix", options(tmp_path / "o", data=str(data["a"]), data_b=str(partial),
                                        pairs="folder", size=16, iters=2))
    with pytest.raises(UserError, match="side-by-side"):
        run_training("pix2pix", options(tmp_path / "o2", data=str(data["a"]), pairs="sidebyside",
                                        size=16, iters=2))


def test_cyclegan_cycle_loss_falls_and_saves_four_networks(data, tmp_path):
    folder = run_training("cyclegan", options(tmp_path / "c", data=str(data["a"]),
                                              data_b=str(data["b"]), size=16, blocks=1,
                                              batch=2, iters=60, lr=5e-4))
    model = checkpoints.load_model(folder)
    assert model.kind == "cyclegan"
    assert set(model.networks) == {"generator_ab", "generator_ba", "discriminator_a",
                                   "discriminator_b"}
    # instance norm hides each image's mean colour, so on flat-colour scenes it learns slowly
    early, late = early_late(log_of(folder), "cycle", n=10)
    assert late < 0.95 * early


def test_encoder_trains_into_a_copy_of_a_gan_model(tiny_gan, data, tmp_path):
    scenes = tiny_gan.parent / "tiny-gan-scenes"
    folder = run_training("encoder", options(tmp_path / "copy", model=str(tiny_gan),
                                             data=str(scenes), iters=30, batch=16, force=True))
    assert (tiny_gan / "encoder.safetensors").is_file()      # the original is untouched
    model = checkpoints.load_model(folder)
    assert model.kind == "gan" and {"generator_ema", "encoder"} <= set(model.networks)
    assert model.config["training"]["encoder"]["iteration"] == 30
    assert "## Encoder" in (folder / "README.md").read_text()
    log = log_of(folder / "encoder_training")
    early, late = early_late(log, "loss")
    assert late < early
    assert (folder / "encoder_training" / "samples.png").is_file()


def test_encoder_refuses_an_existing_encoder_and_non_gan_models(tiny_gan, tiny_sr, tmp_path):
    with pytest.raises(UserError, match="already has an encoder"):
        run_training("encoder", options(None, model=str(tiny_gan), iters=2))
    with pytest.raises(UserError, match="sr model"):
        run_training("encoder", options(tmp_path / "x", model=str(tiny_sr), iters=2,
                                        data=str(tmp_path)))


@pytest.mark.parametrize("policy, recoloured", [("color", True), ("color,cutout", True),
                                                ("translation,cutout", False), ("none", False)])
def test_encoder_recolours_real_images_only_when_the_policy_has_color(
        tiny_gan, tmp_path, monkeypatch, policy, recoloured):
    from engine.train.tasks import encoder as encoder_task
    batches, real_color = [], encoder_task.color

    def recording(x):
        batches.append(x.shape[0])
        return real_color(x)

    monkeypatch.setattr(encoder_task, "color", recording)
    run_training("encoder", options(tmp_path / "copy", model=str(tiny_gan), augment=policy,
                                    data=str(tiny_gan.parent / "tiny-gan-scenes"), iters=3,
                                    batch=4, force=True))
    assert batches == ([4, 4, 4] if recoloured else [])
    card = (tmp_path / "copy" / "README.md").read_text()
    assert ("recoloured at random" in card) == recoloured
