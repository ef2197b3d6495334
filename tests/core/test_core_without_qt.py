"""The core must work where PySide6 cannot be imported (a server, a script, a broken Qt install)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "ui"):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, BlockQt())
import caseworker
failed = []
for mod in pkgutil.walk_packages(caseworker.__path__, "caseworker."):
    if mod.name.startswith("caseworker.server"):
        continue  # the server has its own optional dependencies, and no Qt either (checked by import-linter)
    try:
        importlib.import_module(mod.name)
    except ImportError as exc:
        failed.append(f"{mod.name}: {exc}")
assert not failed, failed
assert not any(m.startswith(("PySide6", "shiboken6")) for m in sys.modules)

# ...and a store really works: create, write, search.
import tempfile, pathlib
from caseworker.store.profile import create_profile
from caseworker.store import cases, queries
folder = pathlib.Path(tempfile.mkdtemp()) / "p"
store = create_profile(folder, username="ani", password="rahasia-123", facility_code="SDA")
pid = cases.register_person(store, {"name": "Siti Aminah", "birth_date": "1950-02-01", "sex": "P"}).id
cid = cases.open_case(store, pid, "08")
assert queries.case_ids(store, queries.CaseFilter(text="amin")) == [cid]
print("core ok without Qt")
"""


def test_core_imports_and_runs_without_pyside6(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "core ok without Qt" in result.stdout


def test_no_qt_import_statements_in_core():
    offenders = []
    for path in (ROOT / "caseworker").rglob("*.py"):
        for line in path.read_text("utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(
                ("import PySide6", "from PySide6", "import ui", "from ui", "import shiboken6")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
