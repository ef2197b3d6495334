"""Local views tolerate malformed stored values (an older server accepted anything, and every laptop received
it): `cases show`, `report case` (a real PDF), `export --format json`, the review queue, returned_to_me and the
supervisor dashboard show the raw text or "—" and keep going.

The values are written with raw SQL on store.conn, past the repository's validation, into a real profile."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from caseworker.cli import main
from caseworker.dashboard import dashboard
from caseworker.store import cases, queries, reviews
from caseworker.store.duplicates import candidates
from caseworker.store.profile import add_user, open_profile
from caseworker.store.values import day_of, json_or_raw
from tests.core import test_reports_data as data

MALFORMED = [
    "UPDATE assessments SET data = '{bukan json', scores = 'skor?', assessed_at = 'kemarin'",
    "UPDATE notes SET noted_at = 'bukan tanggal' WHERE rowid IN (SELECT rowid FROM notes LIMIT 3)",
    "UPDATE notes SET text = NULL, kind = NULL WHERE rowid IN (SELECT rowid FROM notes LIMIT 1 OFFSET 3)",
    "UPDATE reviews SET submitted_at = 'segera'",
    "UPDATE persons SET birth_date = '31-02-2020', disabilities = '[rusak', dtsen_checked_at = 'dulu'",
    "UPDATE measurements SET measured_at = 'x' WHERE rowid IN (SELECT rowid FROM measurements LIMIT 2)",
    "UPDATE cases SET opened_at = '??', consent_at = 'nanti', last_contact_at = 'tadi'",
    "UPDATE goals SET target_date = 'tahun depan'",
    "UPDATE tasks SET due_date = 'besok'",
]


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    folder = tmp_path_factory.mktemp("malformed") / "profile"
    store = data.new_store(folder)
    add_user(store, "sri", data.PASSWORD, "supervisor", "Sri Wahyuni")
    case_id = data.toddler_case(store)
    pid = store.one("SELECT person_id FROM cases WHERE id = ?", [case_id])["person_id"]
    store.conn.execute("UPDATE users SET role = 'worker' WHERE username = 'ratna'")
    store.close()
    worker = open_profile(folder, "ratna", data.PASSWORD)
    first = cases.add_record(worker, "assessments", case_id, {"form_id": "kpsp", "form_version": 1,
                             "assessed_at": "2026-10-01", "data": {"q1": "ya"}})  # fmt: skip
    second = cases.add_record(worker, "assessments", case_id, {"form_id": "barthel", "form_version": 1,
                              "assessed_at": "2026-10-02", "data": {"q1": 5}})  # fmt: skip
    returned = reviews.submit(worker, case_id, "assessment", first)
    reviews.submit(worker, case_id, "assessment", second)
    worker.close()
    supervisor = open_profile(folder, "sri", data.PASSWORD)
    reviews.decide(supervisor, returned, approve=False, comment="Lengkapi")
    for sql in MALFORMED:
        supervisor.conn.execute(sql)
    with supervisor.transaction() as txn:  # the derived index as a pull would rebuild it
        txn.touched_cases.add(case_id)
    number = supervisor.one("SELECT case_number FROM cases WHERE id = ?", [case_id])["case_number"]
    supervisor.close()
    assert pid
    return folder, number, case_id


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORKER_PASSWORD", data.PASSWORD)


def cli(folder: Path, *args: str) -> int:
    return main(["--profile", str(folder), *args])


def test_cases_show_prints_the_raw_text(profile, capsys):
    folder, number, _ = profile
    assert cli(folder, "cases", "show", number, "--user", "ratna") == 0
    shown = json.loads(capsys.readouterr().out)
    assert {a["data"] for a in shown["assessments"]} == {"{bukan json"}
    assert {a["scores"] for a in shown["assessments"]} == {"skor?"}
    assert shown["person"]["disabilities"] == "[rusak" and shown["person"]["birth_date"] == "31-02-2020"


def test_report_case_is_a_real_pdf(profile, tmp_path):
    folder, number, _ = profile
    for lang in ("id", "en"):
        out = tmp_path / f"ringkasan-{lang}.pdf"
        assert (
            cli(folder, "report", "case", number, "--user", "ratna", "--out", str(out), "--lang", lang) == 0
        )
        text = " ".join(page.extract_text() for page in PdfReader(out).pages)
        assert "Siti Nur Aisyah" in text and number in text


def test_export_json_keeps_the_raw_text(profile, tmp_path):
    folder, number, _ = profile
    out = tmp_path / "kasus.json"
    assert cli(folder, "export", "--format", "json", "--out", str(out), "--user", "ratna") == 0
    exported = json.loads(out.read_text("utf-8"))
    text = json.dumps(exported, ensure_ascii=False)
    assert number in text and "{bukan json" in text


def test_review_queue_returned_and_dashboard(profile):
    folder, _, case_id = profile
    supervisor = open_profile(folder, "sri", data.PASSWORD)
    try:
        queue = reviews.review_queue(supervisor, today=date(2026, 10, 20))
        assert len(queue) == 1 and queue[0]["age_days"] is None and queue[0]["submitted_at"] == "segera"
        board = dashboard(supervisor, today=date(2026, 10, 20))
        assert board["reviews"]["total"] == 1
        candidates(supervisor)
        assert queries.age_years("31-02-2020") is None
        assert queries.case_full(supervisor, case_id)["person"]["disabilities"] == "[rusak"
    finally:
        supervisor.close()
    worker = open_profile(folder, "ratna", data.PASSWORD)
    try:
        back = reviews.returned_to_me(worker, today=date(2026, 10, 20))
        assert len(back) == 1 and back[0]["age_days"] is None
    finally:
        worker.close()


def test_the_helpers():
    assert json_or_raw('{"a": 1}') == {"a": 1} and json_or_raw("{x") == "{x" and json_or_raw(None) is None
    assert day_of("2026-10-01T03:00:00Z") == date(2026, 10, 1) and day_of("2026-10-01") == date(2026, 10, 1)
    assert day_of("kemarin") is None and day_of(None) is None and day_of(20261001) is None
    assert day_of("31-02-2020") is None
