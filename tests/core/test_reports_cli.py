"""`caseworker report case|caseload|cases` end to end through caseworker.cli.main on a real profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from caseworker.cli import main
from tests.core import test_reports_data as data


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("cli") / "profile"
    store = data.new_store(folder)
    ids = {"elderly": data.elderly_case(store), "abh": data.abh_case(store)}
    numbers = {
        k: store.one("SELECT case_number FROM cases WHERE id = ?", [v])["case_number"] for k, v in ids.items()
    }
    store.close()
    return folder, numbers


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORKER_PASSWORD", data.PASSWORD)


def run(folder: Path, *args: str) -> int:
    return main(["--profile", str(folder), "report", *args])


def text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_case_by_number_in_english_redacted(profile, tmp_path, capsys):
    folder, numbers = profile
    out = tmp_path / "abh.pdf"
    number = numbers["abh"].replace("-", "").lower()  # dashes and case do not matter
    assert run(folder, "case", number, "--user", "ratna", "--out", str(out), "--lang", "en", "--redact") == 0
    text = text_of(out)
    assert "CASE SUMMARY" in text and "R.M.P." in text and "Rizky" not in text
    assert str(out) in capsys.readouterr().out


def test_unknown_case_is_a_clear_error(profile, tmp_path, capsys):
    folder, _ = profile
    assert run(folder, "case", "SDA-99-NOPE", "--user", "ratna", "--out", str(tmp_path / "x.pdf")) == 2
    assert "SDA-99-NOPE tidak ditemukan" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_caseload_with_period(profile, tmp_path):
    folder, _ = profile
    out = tmp_path / "caseload.pdf"
    assert (
        run(
            folder,
            "caseload",
            "--user",
            "ratna",
            "--out",
            str(out),
            "--from",
            "01/01/2026",
            "--to",
            "2026-12-31",
        )
        == 0
    )
    assert "Periode 01/01/2026 s.d. 31/12/2026" in text_of(out)


def test_caseload_bad_dates(profile, tmp_path, capsys):
    folder, _ = profile
    assert (
        run(folder, "caseload", "--user", "ratna", "--out", str(tmp_path / "c.pdf"), "--from", "31/31/2026")
        == 2
    )
    assert "--from" in capsys.readouterr().err
    args = (
        "caseload",
        "--user",
        "ratna",
        "--out",
        str(tmp_path / "c.pdf"),
        "--from",
        "2026-05-01",
        "--to",
        "2026-04-01",
    )
    assert run(folder, *args) == 2
    assert "sesudah tanggal akhir" in capsys.readouterr().err


def test_cases_at_a_stage_one_pdf_each_with_progress(profile, tmp_path, capsys):
    folder, numbers = profile
    out_dir = tmp_path / "batch"
    assert run(folder, "cases", "--user", "ratna", "--stage", "pendekatan_awal", "--out", str(out_dir)) == 0
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == sorted(f"{n}.pdf" for n in numbers.values())
    err = capsys.readouterr().err
    assert "[1/2]" in err and "[2/2]" in err
    assert run(folder, "cases", "--user", "ratna", "--stage", "terminasi", "--out", str(out_dir)) == 0
    assert "Tidak ada kasus aktif" in capsys.readouterr().err
