"""The one rule for latents that come from outside (a .npy file, a project): finite, the
right length, and inside the prior's box U[-1, 1]^Z, the only place the generators were
trained and every op keeps z (tanh). A huge finite value (3e38) would draw NaN or black."""

from __future__ import annotations

import numpy as np

from .errors import UserError

PRIOR_BOUND = 1.0
# float32 rounding of tanh and of a JSON round trip stays far inside this; it is clipped.
_TOLERANCE = 1e-3


def check_latent(z, what: str, z_dim: int | None = None) -> np.ndarray:
    """float32 latent(s) clipped to [-1, 1]; NaN, infinity or values outside are refused."""
    array = np.asarray(z)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)) \
            or array.dtype == np.bool_:
        raise UserError(f"{what}: a latent must hold numbers, got {array.dtype}")
    array = array.astype(np.float64)
    if array.size == 0:
        raise UserError(f"{what}: the latent is empty")
    if not np.isfinite(array).all():
        raise UserError(f"{what}: latent contains NaN or infinity")
    if z_dim is not None and array.shape[-1] != z_dim:
        raise UserError(f"{what}: the latent has {array.shape[-1]} values, the model needs {z_dim}")
    worst = float(np.abs(array).max())
    if worst > PRIOR_BOUND + _TOLERANCE:
        raise UserError(f"{what}: latent values must lie in the prior's range "
                        f"[-{PRIOR_BOUND:g}, {PRIOR_BOUND:g}]; found {worst:.4g}")
    return np.clip(array, -PRIOR_BOUND, PRIOR_BOUND).astype(np.float32)
