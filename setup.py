"""The one thing pyproject.toml cannot say: the shipped models (the top-level weights/
folder) install as the data-only package `manifold_weights`, beside the code packages,
so a wheel or sdist carries them (engine/paths.py finds them). Data folders are listed
as (namespace) packages too, as setuptools asks of every folder that ships files."""

from setuptools import find_namespace_packages, setup

code = find_namespace_packages(include=["engine", "engine.*", "editor", "editor.*"],
                               exclude=["*.__pycache__"])
models = find_namespace_packages(where="weights", exclude=["*.*", "__pycache__"])

setup(
    packages=code + ["manifold_weights"] + [f"manifold_weights.{name}" for name in models],
    package_dir={"manifold_weights": "weights"},
)
