"""The one thing pyproject.toml cannot say: the shipped models (the top-level weights/
folder) install as the data-only package `manifold_weights`, beside the discovered code
packages, so a wheel or sdist carries them (engine/paths.py finds them)."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["engine", "engine.*", "editor", "editor.*"])
    + ["manifold_weights"],
    package_dir={"manifold_weights": "weights"},
)
