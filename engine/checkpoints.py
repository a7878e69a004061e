"""The only code that reads or writes weights.

A model is a folder `<name>/` holding one `<role>.safetensors` per network (generator,
discriminator, encoder, ...), a `config.json` that names each network's architecture and
config (so a folder loads without guessing), and a `README.md` model card.

Pickle files are never unpickled: loading one can execute arbitrary code.

The code lives in one module per job; callers import from here:
  checkpoint_tensors.py   .safetensors files, header checks, copying tensors into a module
  checkpoint_config.py    a model folder's config.json: names, limits, validation
  checkpoint_search.py    where models are found (DEFAULT_MODEL, the search path), listing them
  checkpoint_loading.py   the Model class and load_model
  checkpoint_writing.py   writing a model folder atomically (save_model, add_network, ...)
  checkpoint_networks.py  single-network files
  checkpoint_state.py     training state
A test that monkeypatches a module global (BUILTIN_WEIGHTS_DIR, save_file) patches it in the
module that defines it; setting it here changes only this module's copy of the name.
"""

from __future__ import annotations

from .checkpoint_config import (CARD_NAME, CONFIG_NAME, FORMAT_VERSION, MAX_CONFIG_BYTES,
                                SAMPLE_NAME, read_model_config)
from .checkpoint_loading import Model, load_model, probe
from .checkpoint_networks import NETWORK_METADATA, load_network, network_bytes, save_network
from .checkpoint_search import (BUILTIN_WEIGHTS_DIR, DEFAULT_MODEL, MODEL_PATH_ENV, ModelInfo,
                                card_summary, describe_model, list_models, model_dirs,
                                resolve_model)
from .checkpoint_state import load_state, read_state_header, save_state
from .checkpoint_tensors import (PICKLE_SUFFIXES, check_header, load_state_into, load_tensors,
                                 read_header, refuse_pickle, save_tensors)
from .checkpoint_writing import (FileLedger, add_network, copy_model, save_model, write_card,
                                 writing_with)
from .kinds import MODEL_KINDS

__all__ = [
    "BUILTIN_WEIGHTS_DIR", "CARD_NAME", "CONFIG_NAME", "DEFAULT_MODEL", "FORMAT_VERSION",
    "MAX_CONFIG_BYTES", "MODEL_KINDS", "MODEL_PATH_ENV", "NETWORK_METADATA", "PICKLE_SUFFIXES",
    "SAMPLE_NAME", "FileLedger", "Model", "ModelInfo", "add_network", "card_summary",
    "check_header", "copy_model", "describe_model", "list_models", "load_model", "load_network",
    "load_state", "load_state_into", "load_tensors", "model_dirs", "network_bytes", "probe",
    "read_header", "read_model_config", "read_state_header", "refuse_pickle", "resolve_model",
    "save_model", "save_network", "save_state", "save_tensors", "write_card", "writing_with",
]
