"""The package's version: the one place it is written (pyproject.toml reads it from here).

A module of its own, below every stage, so that a writer stamping it into its output does not
import the package's top (``report_build/__init__.py`` imports the whole build)."""

__version__ = "0.1.0"
