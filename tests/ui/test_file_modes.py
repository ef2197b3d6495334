"""What the desktop app writes beside the core is private to the user too (issue 14): its settings file and
folder, and a saved copy of a printed PDF, under the common umask 0o022."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ui.printing.files import save_pdf_copy
from ui.settings import Settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_settings_are_private(tmp_path: Path, umask_022) -> None:
    path = tmp_path / "config" / "Caseworker" / "desktop.json"
    Settings().save(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700


def test_a_saved_pdf_copy_is_private(tmp_path: Path, umask_022) -> None:
    source = tmp_path / "preview.pdf"
    source.write_bytes(b"%PDF-1.4 test")
    target = tmp_path / "ringkasan.pdf"
    target.write_bytes(b"an older copy, 0644")
    saved = save_pdf_copy(source, target)
    assert saved.read_bytes() == b"%PDF-1.4 test"
    assert mode(saved) == 0o600
