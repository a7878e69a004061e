"""The compute-floor helpers and the training benchmark's report."""

import pytest
import torch

from engine.perf import count_flops, matmul_rate, time_calls
from engine.train.bench import bench_training

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_flops_of_a_linear_layer_forward_and_backward():
    layer = torch.nn.Linear(32, 16, bias=False)
    x = torch.randn(8, 32, requires_grad=True)
    assert count_flops(lambda: layer(x)) == 2 * 8 * 32 * 16
    # backward: gradients for the input and for the weight, each as costly as the forward
    assert count_flops(lambda: layer(x).sum().backward()) == 3 * 2 * 8 * 32 * 16


def test_matmul_rate_and_timing_are_positive():
    assert matmul_rate(n=128, repeats=1) > 1e6
    assert time_calls(lambda: None, warmup=1, repeats=2) >= 0


def test_bench_reports_throughput_against_the_floor():
    rows = []
    result = bench_training(kinds=("sr", "gan"), preset="cpu-quick", warmup=0, repeats=1,
                            report=rows.append)
    assert result["matmul_gflops"] > 0 and [r["kind"] for r in result["kinds"]] == ["sr", "gan"]
    for row in rows:
        assert row["images_per_second"] > 0 and row["gflop_per_image"] > 0
        assert row["measured_over_floor"] > 0
    gan = rows[1]
    assert gan["size"] == 64 and gan["width"] == 16 and gan["batch"] == 32
