"""The server shares only caseworker.store.schema and the wire formats with the client: the protocol
(caseworker.sync.protocol and its body codings, caseworker.sync.encoding) and the signed files and receipts
(caseworker.sync.sealing, bundle_format, receipt_format)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WIRE = ("caseworker.sync.protocol", "caseworker.sync.encoding", "caseworker.sync.sealing",
        "caseworker.sync.bundle_format", "caseworker.sync.receipt_format")  # fmt: skip


def test_server_imports_no_client_store_module_but_schema():
    code = (
        f"WIRE = {WIRE!r}\n"
        "import sys, caseworker.server.app, caseworker.server.cli\n"
        "bad = sorted(m for m in sys.modules if m.startswith('caseworker.store.') and m != 'caseworker.store.schema')\n"
        "bad += sorted(m for m in sys.modules if (m.split('.')[0] in ('PySide6', 'ui') or m.startswith('caseworker.sync.')) "
        "and m not in WIRE)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
