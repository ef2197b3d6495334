"""Test isolation: no test touches the real home folder, the real keyring or a real display."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_SANDBOX = Path(tempfile.mkdtemp(prefix="caseworker-tests-"))
atexit.register(shutil.rmtree, _SANDBOX, ignore_errors=True)
for var, sub in (
    ("HOME", "home"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_RUNTIME_DIR", "runtime"),
    ("CASEWORKER_PROFILE", "profile"),
    ("CASEWORKER_DEMO_PROFILE", "demo"),
    ("CASEWORKER_CONFIG_DIR", "settings"),
):
    (_SANDBOX / sub).mkdir(parents=True, exist_ok=True)
    os.environ[var] = str(_SANDBOX / sub)
os.chmod(_SANDBOX / "runtime", 0o700)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if _screen := os.environ.get("CASEWORKER_TEST_SCREEN"):  # e.g. 1366x728: a laptop's screen less its taskbar
    # (tests/ui/test_screen_fit.py); Qt's offscreen platform reads its screens from a JSON file.
    _width, _height = (int(n) for n in _screen.lower().split("x"))
    _config = _SANDBOX / "screen.json"
    _laptop = {"name": "laptop", "x": 0, "y": 0, "width": _width, "height": _height, "logicalDpi": 96,
               "dpr": 1}  # fmt: skip
    _config.write_text(json.dumps({"screens": [_laptop]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_config}"
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.memory_keyring.MemoryKeyring"
os.environ.pop("CASEWORKER_PASSWORD", None)
os.environ.pop("CASEWORKER_LANG", None)

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI replays the same generated examples on every run (a landing must not hinge on a rare draw); runs
# elsewhere draw new ones each time, and `--hypothesis-seed` replays a failure found that way.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CASEWORKER_CI"):
    settings.load_profile("ci")


@pytest.fixture
def sandbox() -> Path:
    return _SANDBOX


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The common umask of a desktop session, so file-mode tests do not depend on the one CI runs with."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)
