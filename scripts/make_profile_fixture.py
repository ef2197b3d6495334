"""Make tests/core/data/profile_v1/: a profile written by today's code, kept so that later versions prove
they still open it (tests/core/test_upgrade.py).

    .venv/bin/python scripts/make_profile_fixture.py [--out FOLDER]

Run it ONCE per released schema version, into a new folder (profile_v2/, ...), and commit the result: an
old fixture must never be regenerated, or it stops testing the upgrade. The profile has users ani
(supervisor) and budi (worker), both with password FIXTURE_PASSWORD, a few cases with records, profile
settings in meta, and a desktop settings file. expected.json lists what was written, for the test to
compare against.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caseworker import __version__  # noqa: E402
from caseworker.store import cases, queries  # noqa: E402
from caseworker.store.migrations import current_version  # noqa: E402
from caseworker.store.profile import add_user, create_profile, open_profile  # noqa: E402

FIXTURE_PASSWORD = "profil-v1-2026"
DEFAULT_OUT = ROOT / "tests" / "core" / "data" / "profile_v1"
PROFILE_SETTINGS = {"report_lang": "id", "letterhead": "Pemerintah Provinsi Jawa Timur"}
DESKTOP_SETTINGS = {"language": "id", "idle_lock_minutes": 15, "sort_column": "opened_at", "nav_width": 240}

CLIENTS = [
    {
        "person": {"name": "Muhammad Rizki", "nik": "3515081203230003", "birth_date": "2023-03-12", "sex": "L",
                   "address": "Ds. Sekardangan, Sidoarjo", "guardian_name": "Siti Maryam", "guardian_relation": "ibu"},
        "case": {"category": "01", "presenting_problem": "Balita terlantar, gizi kurang", "risk": "high"},
        "notes": ["Kunjungan rumah pertama: ibu bekerja, anak diasuh nenek.", "Anak dibawa ke Posyandu."],
        "measurements": [{"measured_at": "2026-03-01", "weight_kg": 9.1, "length_cm": 82.0, "position": "standing"}],
        "stage": "asesmen",
    },
    {
        "person": {"name": "Ni Luh Ayu Ñoman", "birth_date": "2024-07-01", "sex": "P", "address": "Sidoarjo"},
        "case": {"category": "01", "presenting_problem": "Ditemukan di depan puskesmas", "risk": "medium"},
        "notes": ["Diterima di UPT; kondisi sehat."],
        "measurements": [{"measured_at": "2026-02-10", "weight_kg": 8.4, "length_cm": 74.5, "position": "lying"}],
        "stage": None,
    },
    {
        "person": {"name": "Sutini", "birth_date": "1948-05-20", "birth_date_estimated": 1, "sex": "P",
                   "address": "Kec. Candi, Sidoarjo"},
        "case": {"category": "08", "presenting_problem": "Lansia tinggal sendiri, sulit berjalan", "risk": "medium"},
        "notes": ["Asesmen Barthel dilakukan bersama tetangga."],
        "measurements": [],
        "stage": "rencana_intervensi",
    },
]  # fmt: skip


def make_fixture(out: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    store = create_profile(
        out, username="ani", password=FIXTURE_PASSWORD, facility_code="SDA",
        facility_name="UPT PPSAB Sidoarjo", full_name="Ani Rahayu",
    )  # fmt: skip
    add_user(store, "budi", FIXTURE_PASSWORD, "worker", "Budi Santoso")
    store.set_meta("settings", json.dumps(PROFILE_SETTINGS))
    store.close()

    store = open_profile(out, "budi", FIXTURE_PASSWORD)  # the cases are a worker's, as in the field
    expected_cases = []
    for client in CLIENTS:
        person_id = cases.register_person(store, client["person"]).id
        spec = client["case"]
        case_id = cases.open_case(
            store, person_id, spec["category"], presenting_problem=spec["presenting_problem"], risk=spec["risk"],
            opened_at="2026-01-15",
        )  # fmt: skip
        for i, text in enumerate(client["notes"]):
            cases.add_note(store, case_id, text, noted_at=f"2026-02-0{i + 1}T09:00:00Z")
        for m in client["measurements"]:
            cases.add_record(store, "measurements", case_id, {"person_id": person_id, **m})
        cases.add_record(store, "tasks", case_id, {"title": "Kunjungan ulang", "due_date": "2026-04-01"})
        if client["stage"]:
            cases.change_stage(store, case_id, client["stage"])
        full = queries.case_full(store, case_id)
        expected_cases.append(
            {
                "case_id": case_id,
                "case_number": full["case_number"],
                "person": {k: full["person"][k] for k in ("id", *client["person"])},
                "category_code": spec["category"],
                "stage": full["stage"],
                "notes": [n["text"] for n in sorted(full["notes"], key=lambda n: n["noted_at"])],
                "measurements": len(full["measurements"]),
                "tasks": len(full["tasks"]),
            }
        )
    schema_version = current_version(store.db)
    store.close()  # checkpoints the WAL: the fixture is one database file

    (out / "attachments").rmdir()  # git keeps no empty folder: the fixture is what a checkout has
    settings_dir = out / "settings"
    settings_dir.mkdir()
    (settings_dir / "desktop.json").write_text(json.dumps(DESKTOP_SETTINGS, indent=1), "utf-8")
    expected = {
        "made_by": "scripts/make_profile_fixture.py",
        "app_version": __version__,
        "schema_version": schema_version,
        "password": FIXTURE_PASSWORD,
        "users": {"ani": "supervisor", "budi": "worker"},
        "profile_settings": PROFILE_SETTINGS,
        "desktop_settings": DESKTOP_SETTINGS,
        "cases": expected_cases,
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    expected = make_fixture(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(
        f"{args.out}: schema {expected['schema_version']}, {len(expected['cases'])} cases, {size // 1024} KB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
