import torch

from engine.bench import run_all


def test_bench_reports_every_section_with_floors(tiny_gan, tiny_sr):
    seen = []
    results = run_all(str(tiny_gan), str(tiny_sr), torch.device("cpu"), repeats=1,
                      report=lambda name, row: seen.append(name),
                      sections=("edit", "projection", "upscale", "transfer"))
    assert seen == ["matmul", "edit", "projection", "upscale", "transfer"]
    edit = results["edit"]
    assert edit["edit_update_s"] > 0 and 0 < edit["first_preview_s"] <= edit["edit_update_s"]
    assert edit["edit_flops"] > 0 and edit["edit_measured_over_floor"] > 0
    projection = results["projection"]
    assert set(projection) == {"encoder", "hybrid", "optimize"}
    assert projection["hybrid"]["psnr"] >= projection["encoder"]["psnr"] - 0.5
    assert projection["hybrid"]["floor_s"] > 0
    assert projection["hybrid"]["start"] in ("encoder", "average")
    assert projection["optimize"]["start"] == "average" and projection["encoder"]["start"] == "encoder"
    assert results["upscale"]["1024x1024_s"] > 0
    # The output alone is a 12 MP RGB array: 34 MB.
    assert results["transfer"]["process_peak_rss_mb"] > results["transfer"]["peak_allocated_mb"] > 34


def test_bench_reports_a_missing_model_as_skipped(tiny_gan):
    results = run_all(str(tiny_gan), "no-such-sr-model", torch.device("cpu"), repeats=1,
                      report=lambda name, row: None, sections=("upscale",))
    assert "no model named" in results["upscale"]["skipped"]
