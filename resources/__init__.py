"""Caseworker's resource files (forms, fonts, reference and WHO tables, icons), not code.

The wheel installs this folder as the package `caseworker_resources` (pyproject.toml) so that
caseworker.paths finds it through importlib.resources; a source tree reads it in place, the frozen
app from its bundle.
"""
