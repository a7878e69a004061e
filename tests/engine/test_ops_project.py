import numpy as np
import pytest
import torch
import torch.nn as nn

from engine.errors import UserError
from engine.jobs import drive
from engine.ops.generate import generate, random_z
from engine.ops.project import DEFAULT_LR, best_method, project
from support.cancelling import run_cancelled_at
from support.ops_models import gan, one_thread, sr_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("one_thread")


def on_manifold_target(model, seed=3):
    generator = model.generator()
    return generate(generator, random_z(generator, 1, seed)[0])


def test_projection_error_decreases_with_steps(gan):
    target = on_manifold_target(gan)
    few = drive(project(gan, target, method="optimize", steps=3))
    many = drive(project(gan, target, method="optimize", steps=60))
    assert many.psnr > few.psnr + 1.0
    assert many.steps == 60 and many.z.shape == (8,) and np.abs(many.z).max() <= 1


def test_hybrid_is_at_least_as_good_as_encoder(gan):
    target = on_manifold_target(gan, seed=5)
    encoder = drive(project(gan, target, method="encoder"))
    hybrid = drive(project(gan, target, method="hybrid", steps=40))
    assert encoder.steps == 0
    assert hybrid.psnr > encoder.psnr
    assert hybrid.image.shape == (16, 16, 3) and hybrid.image.dtype == np.uint8


def test_non_square_photo_is_centre_cropped_and_resized(gan):
    photo = np.zeros((40, 80, 3), np.uint8)
    photo[:, 20:60] = 200  # the centre square is uniformly light
    result = drive(project(gan, photo, method="encoder"))
    assert result.image.shape == (16, 16, 3)
    flat = np.full((16, 16, 3), 200, np.uint8)
    assert result.psnr == pytest.approx(10 * np.log10(255 ** 2 / np.mean(
        (result.image.astype(float) - flat) ** 2)), abs=1e-6)


def test_progress_has_every_step_and_periodic_previews(gan):
    seen = []
    drive(project(gan, on_manifold_target(gan), method="optimize", steps=12,
                  preview_every=5), seen.append)
    assert [p.step for p in seen] == list(range(1, 13))
    assert [p.step for p in seen if p.preview is not None] == [5, 10]
    assert seen[4].preview.shape == (16, 16, 3) and "psnr" in seen[4].metrics


def test_time_budget_stops_early(gan):
    result = drive(project(gan, on_manifold_target(gan), method="optimize",
                           steps=10_000, time_budget=1e-9))
    assert result.steps == 1


def test_cancel_from_progress_callback_stops_within_one_step(gan):
    seen = run_cancelled_at(3, lambda token: project(gan, on_manifold_target(gan), method="hybrid",
                                                     steps=50, token=token))
    assert seen == [1, 2, 3]


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "magic"}, "method"),
    ({"method": "optimize", "steps": 0}, "steps"),
    ({"steps": -1}, "steps"),
    ({"lr": 0.0}, "lr"),
    ({"lr": float("nan")}, "lr"),
    ({"time_budget": 0}, "time_budget"),
])
def test_bad_settings_are_user_errors(gan, kwargs, message):
    with pytest.raises(UserError, match=message):
        drive(project(gan, on_manifold_target(gan), **kwargs))


def test_bad_image_and_wrong_model_kind(gan):
    with pytest.raises(UserError, match="uint8"):
        drive(project(gan, np.zeros((16, 16, 3), np.float32)))
    with pytest.raises(UserError, match="uint8"):
        drive(project(gan, np.zeros((16, 16), np.uint8)))
    with pytest.raises(UserError, match="gan model"):
        drive(project(sr_model(), np.zeros((16, 16, 3), np.uint8)))


def test_encoder_methods_need_an_encoder(gan):
    del gan.networks["encoder"]
    with pytest.raises(UserError, match="no encoder"):
        drive(project(gan, on_manifold_target(gan), method="hybrid"))
    result = drive(project(gan, on_manifold_target(gan), method="optimize", steps=2))
    assert result.steps == 2


def test_the_best_method_is_hybrid_with_an_encoder_and_optimize_without(gan):
    assert best_method(gan) == "hybrid"
    del gan.networks["encoder"]
    assert best_method(gan) == "optimize"
    assert drive(project(gan, on_manifold_target(gan), method=best_method(gan), steps=2)).steps == 2


def test_optimize_is_encoder_free_even_when_the_model_has_an_encoder(gan):
    target = on_manifold_target(gan, seed=7)
    plain = drive(project(gan, target, method="optimize", steps=15))
    asked = drive(project(gan, target, method="optimize", steps=15, encoder_weight=5.0))
    np.testing.assert_array_equal(plain.z, asked.z)


def test_hybrid_encoder_regulariser_is_opt_in(gan):
    target = on_manifold_target(gan, seed=7)
    default = drive(project(gan, target, method="hybrid", steps=15))
    unregularised = drive(project(gan, target, method="hybrid", steps=15, encoder_weight=0.0))
    regularised = drive(project(gan, target, method="hybrid", steps=15, encoder_weight=5.0))
    np.testing.assert_array_equal(default.z, unregularised.z)
    assert np.abs(regularised.z - default.z).max() > 1e-4


def test_hybrid_refines_with_a_smaller_step_than_optimize(gan):
    target = on_manifold_target(gan, seed=7)
    default = drive(project(gan, target, method="hybrid", steps=15))
    small = drive(project(gan, target, method="hybrid", steps=15, lr=DEFAULT_LR["hybrid"]))
    large = drive(project(gan, target, method="hybrid", steps=15, lr=DEFAULT_LR["optimize"]))
    assert DEFAULT_LR["hybrid"] < DEFAULT_LR["optimize"]
    np.testing.assert_array_equal(default.z, small.z)
    assert np.abs(large.z - default.z).max() > 1e-4


class FixedGuess(nn.Module):
    """A stand-in encoder that answers every image with the same latent."""

    def __init__(self, z):
        super().__init__()
        self.register_buffer("z", torch.as_tensor(np.asarray(z), dtype=torch.float32)[None])

    def forward(self, x):
        return self.z.expand(x.shape[0], -1)


def test_hybrid_follows_the_average_start_when_the_encoder_guess_is_far_off(gan):
    generator = gan.generator()
    z_true = random_z(generator, 1, 11)[0]
    target = generate(generator, z_true)
    # The opposite corner of the box, as an encoder saturated by an out-of-domain photo gives.
    gan.networks["encoder"] = FixedGuess(-np.sign(z_true))
    seen = []
    hybrid = drive(project(gan, target, method="hybrid", steps=40, seed=2), seen.append)
    optimize = drive(project(gan, target, method="optimize", steps=40, seed=2))
    guess = drive(project(gan, target, method="encoder"))
    assert hybrid.start == "average" and optimize.start == "average"
    assert "average start" in seen[-1].message
    assert hybrid.psnr > guess.psnr + 3 and hybrid.psnr > optimize.psnr - 1


def test_hybrid_keeps_the_encoder_start_when_the_guess_is_right(gan):
    generator = gan.generator()
    z_true = random_z(generator, 1, 13)[0]
    target = generate(generator, z_true)
    gan.networks["encoder"] = FixedGuess(z_true)
    hybrid = drive(project(gan, target, method="hybrid", steps=20))
    optimize = drive(project(gan, target, method="optimize", steps=20))
    assert hybrid.start == "encoder"
    assert hybrid.psnr > 30 and hybrid.psnr > optimize.psnr + 3


def test_hybrid_races_both_starts_for_a_fifth_of_the_steps(gan, monkeypatch):
    from engine.ops import project as project_module
    batches = []
    real = project_module.gan_networks

    def recording(*args, **kwargs):
        generator, discriminator, encoder = real(*args, **kwargs)

        class Recorder(nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = generator
                self.z_dim = generator.z_dim
                self.config = generator.config

            def forward(self, z):
                batches.append(z.shape[0])
                return self.inner(z)
        return Recorder(), discriminator, encoder

    monkeypatch.setattr(project_module, "gan_networks", recording)
    drive(project(gan, on_manifold_target(gan), method="hybrid", steps=30))
    assert batches[:6] == [2] * 6 and set(batches[6:]) == {1}
