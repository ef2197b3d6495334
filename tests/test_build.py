"""`caseworker --self-test` from source (every run) and the frozen desktop build (slow: PyInstaller).

The build test runs scripts/build_app.sh into a temporary folder: it builds with build.spec, checks the
size limit and runs the built app's self-test offscreen. It takes a minute or two, so it runs only when
asked for: `pytest -m slow tests/test_build.py` (CI builds through .ci/run with CASEWORKER_BUILD=1).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIZE_LIMIT_MB = 400


def run_self_test_from_source(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASEWORKER_CONFIG_DIR": str(tmp_path / "settings")}
    return subprocess.run(
        [sys.executable, "-m", "ui.launcher", "--lang", "en", "--self-test"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_self_test_command_from_source_passes_every_step(tmp_path: Path):
    result = run_self_test_from_source(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Caseworker ") and "self-test" in lines[0] and "source" in lines[0]
    steps = lines[1:-1]
    assert len(steps) == 7 and all(line.startswith("✓ ") for line in steps), result.stdout
    assert any(line.startswith("✓ Main window") and "with the case open" in line for line in steps)
    assert lines[-1].startswith("All 7 checks passed.")
    assert not (tmp_path / "settings").exists() or not list((tmp_path / "settings").iterdir())


def selected_slow(config: pytest.Config) -> bool:
    expression = config.getoption("markexpr") or ""
    return "slow" in expression and "not slow" not in expression


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_frozen_build_runs_its_self_test(tmp_path: Path, request: pytest.FixtureRequest):
    if not selected_slow(request.config):
        pytest.skip("builds the app with PyInstaller (minutes): run with -m slow")
    env = {**os.environ, "DIST_DIR": str(tmp_path / "dist"), "WORK_DIR": str(tmp_path / "build"),
           "PYTHON": sys.executable}  # fmt: skip
    result = subprocess.run(
        ["bash", "scripts/build_app.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]

    built = re.search(r"built (\S+) in (\d+) s: (\d+) MB in (\d+) files", output)
    assert built, output[-3000:]
    assert int(built.group(3)) < SIZE_LIMIT_MB
    assert "frozen" in output and "✗" not in output
    assert re.search(r"^(Semua|All) 7 ", output, re.MULTILINE), output[-3000:]

    app = Path(built.group(1))
    internal = app / "_internal" if (app / "_internal").exists() else app
    assert (internal / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (internal / "resources" / "who" / "weianthro.txt").is_file()
    shipped = {p.name for p in internal.rglob("*")}
    unwanted = [n for n in shipped if re.match(r"(lib)?Qt6(WebEngine|Quick|Qml|3D|Multimedia)", n)]
    assert unwanted == []
    assert not any(n in shipped for n in ("fastapi", "uvicorn", "sqlalchemy", "psycopg"))
