"""The one place that computes profile, data and resource folders (source and frozen app alike)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from caseworker import APP_NAME


def resources_dir() -> Path:
    """The shipped resources folder: beside the package from source, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_profile_dir() -> Path:
    """CASEWORKER_PROFILE if set, else the platform's per-user data folder."""
    env = os.environ.get("CASEWORKER_PROFILE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "profile"


def demo_profile_dir() -> Path:
    env = os.environ.get("CASEWORKER_DEMO_PROFILE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"


def settings_dir() -> Path:
    env = os.environ.get("CASEWORKER_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
