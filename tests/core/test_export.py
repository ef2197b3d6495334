"""`caseworker export`: JSON/CSV/XLSX, redaction, safe cells, atomic files, audit, and a round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from caseworker import cli, i18n
from caseworker.store import cases
from caseworker.transfer import exporter
from tests.core.conftest import PASSWORD

RIZKI = {"name": "Muhammad Rizki", "nik": "3515081203150003", "no_kk": "3515080101200005",
         "birth_date": "2015-03-12", "sex": "L", "address": "Jl. Mawar 1", "region_code": "35.15.08.1004"}  # fmt: skip
SITI = {"name": "Siti Aminah", "nik": "3515084506200001", "birth_date": "2020-06-05", "sex": "P"}


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    i18n.set_language("id")


def run(profile_dir: Path, capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["--profile", str(profile_dir), *args[:1], "--user", "ani", *args[1:]])
    out = capsys.readouterr()
    return code, out.out + out.err


def add_case(store, person: dict, category: str = "02") -> str:
    pid = cases.register_person(store, dict(person)).id
    return cases.open_case(store, pid, category, opened_at="2026-01-15")


@pytest.fixture
def two_cases(store):
    rizki = add_case(store, RIZKI)
    cases.add_note(
        store, rizki, "Rahasia: cerita kekerasan", confidential=True, noted_at="2026-01-15T08:00:00Z"
    )
    cases.add_note(store, rizki, "Kunjungan rumah pertama", noted_at="2026-01-16T08:00:00Z")
    cases.add_record(store, "goals", rizki, {"description": "Kembali sekolah", "status": "open"})
    cases.add_record(store, "tasks", rizki, {"title": "Kunjungan kedua", "due_date": "2026-02-01"})
    cases.add_record(store, "assessments", rizki, {"form_id": "f", "form_version": 1, "assessed_at": "2026-01-20",
                                                  "data": {"q1": 2}, "scores": {"total": 2}})  # fmt: skip
    siti = add_case(store, SITI, "01")
    return rizki, siti


def test_json_has_cases_with_person_and_records_and_is_audited(
    store, two_cases, profile_dir, tmp_path, capsys
):
    out = tmp_path / "export.json"
    code, said = run(profile_dir, capsys, "export", "--format", "json", "--out", str(out))
    assert code == 0 and "2 kasus diekspor" in said
    data = json.loads(out.read_text("utf-8"))
    assert data["count"] == 2 and len(data["cases"]) == 2
    case = next(c for c in data["cases"] if c["id"] == two_cases[0])
    for key in ("id", "case_number", "facility", "stage", "status", "assigned_to", "opened_at", "closed_at"):
        assert key in case
    assert (case["facility"], case["stage"], case["status"], case["assigned_to"]) == (
        "SDA", "pendekatan_awal", "open", "ani")  # fmt: skip
    assert set(case["person"]) == {
        "id",
        "name",
        "nik",
        "no_kk",
        "birth_date",
        "sex",
        "address",
        "region_code",
    }
    assert case["person"]["nik"] == RIZKI["nik"]
    for table in ("assessments", "goals", "interventions", "notes", "measurements", "referrals", "tasks"):
        assert isinstance(case[table], list)
    assert [n["text"] for n in case["notes"]] == ["Rahasia: cerita kekerasan", "Kunjungan rumah pertama"]
    assert case["assessments"][0]["scores"] == {"total": 2}
    assert case["goals"][0]["description"] == "Kembali sekolah" and "case_id" not in case["goals"][0]
    audit = store.one("SELECT * FROM audit WHERE action = 'export'")
    assert json.loads(audit["details"]) == {"format": "json", "count": 2, "redacted": False, "stage": None,
                                            "search": False}  # fmt: skip


def test_redact_masks_nik_and_kk_and_leaves_out_confidential_notes(
    store, two_cases, profile_dir, tmp_path, capsys
):
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    assert run(profile_dir, capsys, "export", "--format", "json", "--out", str(out_json), "--redact")[0] == 0
    assert run(profile_dir, capsys, "export", "--format", "csv", "--out", str(out_csv), "--redact")[0] == 0
    text = out_json.read_text("utf-8") + out_csv.read_text("utf-8-sig")
    assert RIZKI["nik"] not in text and RIZKI["no_kk"] not in text and "Rahasia" not in text
    case = next(c for c in json.loads(out_json.read_text("utf-8"))["cases"] if c["id"] == two_cases[0])
    assert (case["person"]["nik"], case["person"]["no_kk"]) == ("351508••••••0003", "351508••••••0005")
    assert [n["text"] for n in case["notes"]] == ["Kunjungan rumah pertama"]
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text("utf-8-sig"))))
    rizki = next(r for r in rows if r["nama"] == RIZKI["name"])
    assert (rizki["nik"], rizki["catatan"]) == ("351508••••••0003", "Kunjungan rumah pertama")
    details = [
        json.loads(a["details"]) for a in store.query("SELECT details FROM audit WHERE action = 'export'")
    ]
    assert [(d["format"], d["count"], d["redacted"]) for d in details] == [
        ("json", 2, True),
        ("csv", 2, True),
    ]


def test_csv_and_xlsx_cells_never_run_as_formulas(store, profile_dir, tmp_path, capsys):
    case_id = add_case(store, {"name": '=HYPERLINK("http://evil","klik")', "address": "+cmd|' /C calc'!A0"})
    cases.add_note(store, case_id, "@SUM(1+1)")
    cases.add_note(store, add_case(store, {"name": "Tab"}), "\tcmd")
    out_csv, out_xlsx = tmp_path / "e.csv", tmp_path / "e.xlsx"
    assert run(profile_dir, capsys, "export", "--format", "csv", "--out", str(out_csv))[0] == 0
    assert run(profile_dir, capsys, "export", "--format", "xlsx", "--out", str(out_xlsx))[0] == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text("utf-8-sig"))))
    evil = next(r for r in rows if "HYPERLINK" in r["nama"])
    assert evil["nama"] == '\'=HYPERLINK("http://evil","klik")'
    assert evil["alamat"] == "'+cmd|' /C calc'!A0" and evil["catatan"] == "'@SUM(1+1)"
    assert next(r for r in rows if r["nama"] == "Tab")["catatan"] == "'\tcmd"
    sheet = openpyxl.load_workbook(out_xlsx).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells)
    assert {c.value for c in cells} >= {
        '\'=HYPERLINK("http://evil","klik")',
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
    }
    assert not any(str(c.value).startswith(("=", "+", "@", "-", "\t")) for c in cells)


def test_stage_and_search_filters(store, two_cases, profile_dir, tmp_path, capsys):
    cases.update_case(store, two_cases[1], {"stage": "asesmen"})
    out = tmp_path / "e.json"
    assert (
        run(profile_dir, capsys, "export", "--format", "json", "--out", str(out), "--stage", "asesmen")[0]
        == 0
    )
    assert [c["id"] for c in json.loads(out.read_text("utf-8"))["cases"]] == [two_cases[1]]
    assert (
        run(profile_dir, capsys, "export", "--format", "json", "--out", str(out), "--search", "rizki")[0] == 0
    )
    assert [c["id"] for c in json.loads(out.read_text("utf-8"))["cases"]] == [two_cases[0]]
    code, said = run(profile_dir, capsys, "export", "--format", "json", "--out", str(out), "--stage", "x")
    assert code == 2 and "Tahap tidak dikenal" in said


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_failed_export_leaves_no_half_file_and_keeps_the_old_one(
    store, two_cases, tmp_path, monkeypatch, fmt
):
    out = tmp_path / f"e.{fmt}"
    out.write_text("the previous export")
    real = exporter._records
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("disk gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(exporter, "CHUNK", 1)
    monkeypatch.setattr(exporter, "_records", failing)
    with pytest.raises(RuntimeError):
        exporter.export_cases(store, out, fmt)
    assert out.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"e.{fmt}", "profile"]
    assert store.one("SELECT * FROM audit WHERE action = 'export'") is None


def test_export_to_a_missing_folder_exits_2(store, profile_dir, tmp_path, capsys):
    code, said = run(
        profile_dir, capsys, "export", "--format", "csv", "--out", str(tmp_path / "no" / "e.csv")
    )
    assert code == 2 and "Tidak dapat menulis" in said


def test_cases_are_streamed_in_chunks_in_opening_order(store, tmp_path, monkeypatch):
    ids = [add_case(store, {"name": f"Anak {chr(65 + i)}"}) for i in range(5)]
    for case_id in ids:
        cases.add_note(store, case_id, f"note of {case_id}")
    monkeypatch.setattr(exporter, "CHUNK", 2)
    assert exporter.export_cases(store, tmp_path / "e.json", "json") == 5
    data = json.loads((tmp_path / "e.json").read_text("utf-8"))["cases"]
    assert [c["id"] for c in data] == ids  # same opening date: in the order they were made
    assert all([n["text"] for n in c["notes"]] == [f"note of {c['id']}"] for c in data)


def test_import_export_reimport_round_trip_creates_no_duplicates(store, profile_dir, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(
        "nama;nik;tanggal_lahir;jenis_kelamin;kategori_ppks;catatan\n"
        "Muhammad Rizki;3515081203150003;12/03/2015;L;Anak Terlantar;- belum sekolah\n"
        "Siti Aminah;3515084506200001;05/06/2020;P;1;\n"
        "Fani;;;P;Anak Jalanan;Tanpa identitas\n",
        "utf-8",
    )
    assert run(profile_dir, capsys, "import", str(source))[0] == 0

    def totals():
        return [
            store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("persons", "cases", "notes")
        ]

    before = totals()
    assert before == [3, 3, 2]
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        assert run(profile_dir, capsys, "export", "--format", fmt, "--out", str(out))[0] == 0
        code, said = run(profile_dir, capsys, "import", str(out))
        assert code == 0, said
        assert (
            "3 baris: 0 orang baru, 0 orang diperbarui, 0 kasus dibuka, 3 sudah punya kasus, 0 ditolak"
            in said
        )
        assert totals() == before
    note = store.one("SELECT text FROM notes n JOIN cases c ON c.id = n.case_id JOIN persons p ON p.id = c.person_id"
                     " WHERE p.name = 'Muhammad Rizki'")  # fmt: skip
    assert note["text"] == "- belum sekolah"  # the export's protective apostrophe is undone on import
