"""Deployment helpers shipped with the package (console scripts)."""
