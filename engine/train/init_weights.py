"""Start a gan run from another gan model's weights (train gan --init MODEL).

Every tensor whose name and shape match is copied; the rest keep their fresh initialisation.
That lets a variant of a trained design (a new layout of the generator's start map, say)
reuse the trained body instead of learning textures again from nothing.
"""

from __future__ import annotations

import torch

from .. import checkpoints
from ..errors import UserError

ROLES = ("generator", "discriminator")


def init_from_model(name_or_path: str, networks: dict[str, torch.nn.Module]) -> None:
    """Copies matching tensors into networks["generator"] / ["discriminator"] (the run's
    options record --init in the card)."""
    model = checkpoints.load_model(name_or_path, roles=ROLES)
    if model.kind != "gan":
        raise UserError(f"--init needs a gan model, '{name_or_path}' is a {model.kind} model")
    for role in ROLES:
        source = model.networks[role].state_dict()
        target = networks[role].state_dict()
        matching = {k: v.to(target[k].dtype) for k, v in source.items()
                    if k in target and v.shape == target[k].shape}
        if not matching:
            raise UserError(f"--init: no {role} weight of '{name_or_path}' fits this network "
                            "(a different architecture or image size)")
        networks[role].load_state_dict({**target, **matching})
