"""Start a run from a trained model's weights (train KIND --init MODEL).

Every tensor whose name and shape match is copied; the rest keep their fresh initialisation.
That lets a variant of a trained design (a new layout of the generator's start map, say)
reuse the trained body instead of learning textures again from nothing, and lets a shipped
sr, fill or pix2pix model train on for longer (its own run state is not kept).
"""

from __future__ import annotations

import torch

from .. import checkpoints
from ..errors import UserError


def init_from_model(name_or_path: str, kind: str, networks: dict[str, torch.nn.Module]) -> None:
    """Copies matching tensors into each of `networks` (role -> net) that the model has; at
    least one role must fit (the run's options record --init in the card)."""
    model = checkpoints.load_model(name_or_path)
    if model.kind != kind:
        raise UserError(f"--init needs a {kind} model, '{name_or_path}' is a {model.kind} model")
    fitted = 0
    for role, net in networks.items():
        if role not in model.networks:
            continue
        source = model.networks[role].state_dict()
        target = net.state_dict()
        matching = {k: v.to(target[k].dtype) for k, v in source.items()
                    if k in target and v.shape == target[k].shape}
        if not matching:
            raise UserError(f"--init: no {role} weight of '{name_or_path}' fits this network "
                            "(a different architecture or image size)")
        net.load_state_dict({**target, **matching})
        fitted += 1
    if not fitted:
        raise UserError(f"--init: '{name_or_path}' has none of the networks "
                        f"{', '.join(networks)} this run trains")
