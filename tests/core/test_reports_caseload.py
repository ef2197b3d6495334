"""Caseload figures (SQL over case_index) and the caseload PDF, from a real store with known cases."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from caseworker.reports import caseload_stats, render_caseload_report
from caseworker.store import cases, reviews
from caseworker.store.profile import add_user
from tests.core import test_reports_data as data

TODAY = date.today()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("caseload")
    store = data.new_store(folder / "profile")
    add_user(store, "sari", data.PASSWORD, "worker", "Sari Dewi")  # no cases: still listed
    born = date(1980, 1, 1)
    a = cases.open_case(store, data.person(store, "Ani", born, "P", 11), "09", opened_at=ago(100))
    cases.change_stage(store, a, "intervensi")
    cases.add_note(store, a, "Kunjungan.", noted_at=f"{ago(10)}T02:00:00Z")
    cases.add_record(store, "tasks", a, {"title": "Kunjungan ulang", "due_date": ago(1)})
    cases.add_record(store, "tasks", a, {"title": "Laporan", "due_date": ago(3)})
    cases.add_record(store, "tasks", a, {"title": "Nanti", "due_date": ago(-5)})
    b = cases.open_case(
        store, data.person(store, "Bayu", born, "L", 12), "08", opened_at=ago(50), assigned_to="budi"
    )
    c = cases.open_case(
        store, data.person(store, "Citra", born, "P", 13), "08", opened_at=ago(5), assigned_to="budi"
    )
    d = cases.open_case(store, data.person(store, "Dodi", born, "L", 14), "11", opened_at=ago(200))
    cases.change_stage(store, d, "terminasi", closure_reason="Kembali ke keluarga")
    reviews.decide(store, reviews.submit(store, d, "closure"), True)
    cases.close_case(store, d, "Kembali ke keluarga", closed_at=ago(3))
    e = cases.open_case(store, data.person(store, "Eka", born, "P", 15), "11", opened_at=ago(400))
    cases.change_stage(store, e, "terminasi", closure_reason="Selesai")
    reviews.decide(store, reviews.submit(store, e, "closure"), True)
    cases.close_case(store, e, "Selesai", closed_at=ago(300))
    yield store, folder, {"a": a, "b": b, "c": c, "d": d, "e": e}
    store.close()


def test_totals(world):
    store, _, _ = world
    stats = caseload_stats(store, TODAY - timedelta(days=30), TODAY, today=TODAY)
    totals = stats["totals"]
    assert {k: totals[k] for k in ("open", "new", "closed", "overdue_cases", "overdue_tasks", "no_contact_30")} == {
        "open": 3, "new": 1, "closed": 1, "overdue_cases": 1, "overdue_tasks": 2, "no_contact_30": 1,
    }  # fmt: skip
    assert totals["by_stage"]["intervensi"] == 1 and totals["by_stage"]["pendekatan_awal"] == 2
    assert totals["by_stage"]["terminasi"] == 0
    assert totals["by_category"] == {"09": 1, "08": 2}
    assert stats["period"] == {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}


def test_per_worker_and_facility(world):
    store, _, _ = world
    stats = caseload_stats(store, TODAY - timedelta(days=30), TODAY, today=TODAY)
    by_user = {w["username"]: w for w in stats["workers"]}
    assert set(by_user) == {"ratna", "budi", "sari"}
    assert (by_user["ratna"]["open"], by_user["ratna"]["closed"], by_user["ratna"]["overdue_cases"]) == (
        1,
        1,
        1,
    )
    assert (by_user["budi"]["open"], by_user["budi"]["new"], by_user["budi"]["no_contact_30"]) == (2, 1, 1)
    assert by_user["sari"]["open"] == 0 and by_user["sari"]["full_name"] == "Sari Dewi"
    assert [f["facility_code"] for f in stats["facilities"]] == ["SDA"]
    assert stats["facilities"][0]["open"] == 3


def test_period_and_today_move_the_figures(world):
    store, _, _ = world
    wide = caseload_stats(store, TODAY - timedelta(days=365), TODAY, today=TODAY)["totals"]
    assert (wide["new"], wide["closed"]) == (4, 2)  # a, b, c, d opened and d, e closed within a year
    later = caseload_stats(store, TODAY, TODAY, today=TODAY + timedelta(days=40))["totals"]
    assert later["no_contact_30"] == 3  # a's last note and c's opening are now over 30 days old
    assert later["overdue_tasks"] == 3


def test_caseload_pdf_and_audit(world):
    store, folder, _ = world
    out = render_caseload_report(store, folder / "caseload.pdf", TODAY - timedelta(days=30), TODAY)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "LAPORAN BEBAN KASUS" in text and "Budi Santoso, S.Sos." in text and "Sari Dewi" in text
    assert (
        f"Periode {(TODAY - timedelta(days=30)).strftime('%d/%m/%Y')} s.d. {TODAY.strftime('%d/%m/%Y')}"
        in text
    )
    assert "Kasus aktif per pekerja, menurut tahap" in text and "Lanjut Usia Terlantar" in text
    assert "Halaman 1 dari" in text
    row = store.one("SELECT * FROM audit WHERE action = 'print' ORDER BY seq DESC")
    details = json.loads(row["details"])
    assert details["report"] == "caseload" and details["lang"] == "id"
    out = render_caseload_report(store, folder / "caseload_en.pdf", TODAY, TODAY, lang="en")
    assert "CASELOAD REPORT" in PdfReader(out).pages[0].extract_text()
