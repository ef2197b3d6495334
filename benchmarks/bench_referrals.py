"""Referrals between facilities (issue 19): what the facility directory costs on the wire, and how long the
server takes to deliver and to accept a referral or a transfer of a case with a long history.

    python benchmarks/bench_referrals.py [--facilities 300] [--records 1000]

SQLite server database in a temporary folder, the real app under FastAPI's TestClient (no network).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from caseworker.server import admin, auth  # noqa: E402
from caseworker.server.app import create_app  # noqa: E402
from caseworker.server.db import Database  # noqa: E402
from tests.server.helpers import PASSWORD, Device, case_insert, mutation, new_id, note_insert, person_insert  # noqa: E402

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=300)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'server.db'}")
        db.create_schema()
        admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo", kind="upt", region="35.15", services="01")
        admin.add_facility(db, "MLG", "UPT PSAA Malang", kind="upt", region="35.07", services="01,02")
        for i in range(args.facilities - 2):
            admin.add_facility(db, f"F{i:04d}", f"LKS Kesejahteraan Sosial Nomor {i}", kind="lks", region="35.78",
                               services="01,02,09,perawatan_pengasuhan,terapi", contact="031-5551234 (Ibu Ketua)")  # fmt: skip
        for name, role, fac in (
            ("ani", "worker", "SDA"),
            ("sri", "supervisor", "SDA"),
            ("rina", "supervisor", "MLG"),
        ):
            admin.add_user(db, name, role, fac, name.title(), PASSWORD)
        with TestClient(create_app(db)) as client:
            ani, sri, rina = Device(client, "ani"), Device(client, "sri"), Device(client, "rina")
            resp = client.get("/facility/users", headers=ani.headers)
            raw = resp.content
            print(f"directory of {args.facilities} facilities: {len(raw):,} B as JSON, {len(gzip.compress(raw)):,} B"
                  " gzipped (sent only when it changed: same ETag as the user list)")  # fmt: skip
            for kind in ("referral", "transfer"):
                person, case = new_id(), new_id()
                muts = [person_insert(person, name="Melati Putri"), case_insert(case, person)]
                for i in range(args.records):
                    if i % 2:
                        muts.append(note_insert(new_id(), case, text_="Kunjungan rumah. " * 40))
                    else:
                        muts.append(mutation("measurements", new_id(), "insert", {"case_id": case, "person_id": person,
                                    "measured_at": "2026-10-01", "weight_kg": 9.0, "length_cm": 75.0,
                                    "position": "lying"}))  # fmt: skip
                for i in range(0, len(muts), 500):
                    ani.push(*muts[i : i + 500])
                rid = new_id()
                fields = {"case_id": case, "to_facility": "MLG", "reason": "x", "share_identity": 1,
                          "shared_sections": json.dumps(["problem", "notes", "measurements"]),
                          "consent_basis": "persetujuan", "kind": kind}  # fmt: skip
                sender = sri if kind == "transfer" else ani
                start = time.perf_counter()
                [sent] = sender.push(mutation("referrals", rid, "insert", fields, by=sender.username))
                delivered = time.perf_counter() - start
                assert sent["status"] == "applied", sent
                start = time.perf_counter()
                [done] = rina.push(mutation("referral_inbox", rid, "update", {"status": "accepted"},
                                            base={"status": "sent"}, by="rina"))  # fmt: skip
                accepted = time.perf_counter() - start
                assert done["status"] == "applied", done
                start = time.perf_counter()
                changes = rina.pull_all()
                pulled = time.perf_counter() - start
                print(f"{kind} of a case with {args.records} records: delivered in {delivered * 1000:.0f} ms, "
                      f"accepted in {accepted * 1000:.0f} ms, receiver's pull {len(changes)} rows in "
                      f"{pulled * 1000:.0f} ms")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
