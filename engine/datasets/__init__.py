"""Reproducible recipes that build training sets from public sources (nothing is committed)."""
