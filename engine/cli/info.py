"""`info`: versions, device and threads, and `models`: the installed models."""

from __future__ import annotations

import platform

import numpy as np
import torch

from .. import __version__, checkpoints
from ._common import add_device_args, add_json_arg, print_json, setup_device


def register(subparsers) -> None:
    info = subparsers.add_parser("info", help="versions, device and thread settings")
    add_device_args(info)
    add_json_arg(info)
    info.set_defaults(handler=run_info)

    models = subparsers.add_parser("models", help="list installed models")
    models.add_argument("--path", action="append", default=[],
                        help="an extra folder to search for models (repeatable)")
    add_json_arg(models)
    models.set_defaults(handler=run_models)


def gather_info(device: torch.device) -> dict:
    import cv2
    import PIL
    import safetensors
    return {
        "manifold_editor": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pillow": PIL.__version__,
        "opencv": cv2.__version__,
        "safetensors": safetensors.__version__,
        "device": str(device),
        "cuda_available": torch.cuda.is_available(),
        "cuda_devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
        "threads": torch.get_num_threads(),
        "model_dirs": [str(p) for p in checkpoints.model_dirs()],
    }


def run_info(args) -> int:
    data = gather_info(setup_device(args))
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key:16} {value}")
    return 0


def run_models(args) -> int:
    models = checkpoints.list_models(args.path)
    if args.json:
        print_json([{"name": m.name, "kind": m.kind, "display_name": m.display_name,
                     "folder": str(m.folder), "size_mb": round(m.size_bytes / 1e6, 2),
                     "networks": m.roles, "summary": m.summary, "error": m.error} for m in models])
        return 0
    if not models:
        print("no models installed (searched: "
              + ", ".join(str(p) for p in checkpoints.model_dirs(args.path)) + ")")
        return 0
    for m in models:
        if m.error:
            print(f"{m.name:16} BROKEN  {m.error}")
            continue
        print(f"{m.name:16} {m.kind:9} {m.size_bytes / 1e6:6.1f} MB  {', '.join(m.roles)}")
        if m.summary:
            print(f"{'':16} {m.summary[:100]}")
    return 0
