"""The one place that computes profile, data and resource folders (source tree, installed wheel and frozen app)."""

from __future__ import annotations

import functools
import importlib.resources
import os
import sys
from pathlib import Path

import platformdirs

from caseworker import APP_NAME

RESOURCE_PACKAGE = "caseworker_resources"  # the repository's resources/ folder, as installed from the wheel
SOURCE_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@functools.lru_cache(maxsize=1)
def _installed_resources() -> Path | None:
    """resources/ installed as the package `caseworker_resources` (a wheel, or an editable install made
    with this pyproject.toml), found through importlib.resources; None when it is not installed."""
    try:
        root = importlib.resources.files(RESOURCE_PACKAGE)
    except ModuleNotFoundError:
        return None
    # A package on the file system (wheel, editable) gives a real folder; a zipped one would not.
    return root if isinstance(root, Path) and root.is_dir() else None


def resources_dir() -> Path:
    """The shipped resources folder: inside the bundle when frozen (build.spec puts it under
    sys._MEIPASS/resources), the installed package `caseworker_resources` after `pip install`, and the
    repository's resources/ beside the package when run from a source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return _installed_resources() or SOURCE_RESOURCES


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
