"""The model card (README.md) written beside a trained model."""

from __future__ import annotations

import platform

import torch

from ..device import describe


def hardware_line(device: torch.device, world: int) -> str:
    where = describe(device)
    if device.type == "cpu":
        where += f", {torch.get_num_threads()} threads ({platform.processor() or platform.machine()})"
    return where + (f", {world} processes" if world > 1 else "")


def model_card(title: str, summary: str, info: dict) -> str:
    """`info` comes from the trainer: data, counts, networks, iterations, timings."""
    lines = [f"# {title}", "", summary, "", "![samples](samples.png)", "",
             "| | |", "|---|---|"]
    rows = [
        ("Kind", info["kind"]),
        ("Data", f"`{info['data']}`"),
        ("Images", f"{info['images']} used, {info['skipped']} unreadable skipped"),
        ("Resolution", f"{info['size']} px"),
        ("Iterations", f"{info['iteration']} of {info['iters']} (batch {info['batch']})"),
        ("Wall time", f"{info['wall_seconds'] / 60:.1f} min"),
        ("Hardware", info["hardware"]),
        ("Preset", info["preset"]),
    ]
    lines += [f"| {k} | {v} |" for k, v in rows]
    lines += ["", "## Networks", "", "| Role | Architecture | Parameters | Config |",
              "|---|---|---|---|"]
    for role, net in info["networks"].items():
        config = ", ".join(f"{k}={v}" for k, v in net["config"].items())
        lines.append(f"| {role} | {net['arch']} | {net['parameters']:,} | {config} |")
    if info.get("stopped"):
        lines += ["", "Training was stopped early; `--resume` continues it."]
    lines += ["", f"Trained with `python -m engine train {info['kind']}`; "
              "the loss log is `log.jsonl`.", ""]
    return "\n".join(lines)
