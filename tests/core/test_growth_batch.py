"""`caseworker growth --batch`: a whole list scored into CSV or XLSX, broken rows explained and kept."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from caseworker import i18n
from caseworker.growth import command
from caseworker.growth.batch import OUTPUT

HEADER = "nama,sex,birth_date,date,weight,length,position,head,muac,triceps,subscapular,oedema"
# The first row is child 12 of WHO's igrowup demonstration survey (96 days); the others test the checks.
ROWS = [
    "Ani,P,,,6.5,59.299999237,lying,39,14.699999809,17.399999619,12.199999809,n",
    "Budi,L,17/10/2024,17/10/2026,11,85,standing,,,,,",
    "Dedi,alien,2025-01-01,2026-01-01,9,,,,,,,",
    "Eka,L,2025-05-01,2025-04-01,7,,,,,,,",
    "Fajar,L,2024-01-01,2026-01-01,abc,80,lying,,,,,",
    "Gita,P,2025-01-01,2026-01-01,9,75,,,,,,",
    "Hadi,L,2025-01-01,2026-01-01,9,,,,11.2,,,ya",
]


@pytest.fixture(autouse=True)
def indonesian():
    before = i18n.language()
    i18n.set_language("id")
    yield
    i18n.set_language(before)


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="caseworker")
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["growth", *argv])
    return args.func(args)


def _write_input(path: Path, rows: list[str]) -> None:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_csv_list_is_scored_and_broken_rows_are_explained(tmp_path: Path, capsys) -> None:
    source, target = tmp_path / "posyandu.csv", tmp_path / "hasil.csv"
    _write_input(source, ROWS)
    # Ani has no dates: her age in days goes in an extra column.
    text = source.read_text().replace(HEADER, HEADER + ",age_days").splitlines()
    text = [text[0], text[1] + ",96", *(line + "," for line in text[2:])]
    source.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert run("--batch", str(source), "--out", str(target)) == command.EXIT_ROWS_FAILED
    assert "7 baris dihitung, 4 gagal" in capsys.readouterr().out
    out = _read_csv(target)
    assert [r["nama"] for r in out] == ["Ani", "Budi", "Dedi", "Eka", "Fajar", "Gita", "Hadi"]
    assert set(OUTPUT) <= set(out[0])
    ani = out[0]
    # WHO igrowup survey, child 12 (96 days).
    published = {"waz": 0.71, "haz": -0.42, "whz": 1.41, "baz": 1.29, "hcz": -0.57, "acz": 1.39, "tsz": 3.51,
                 "ssz": 2.35}  # fmt: skip
    assert {k: float(ani[k]) for k in published} == published
    assert ani["error"] == "" and ani["acz_category"] == ""  # no Permenkes category for LiLA/U
    assert out[1]["haz_category"] == "Normal" and out[1]["error"] == ""
    assert "Jenis kelamin tidak dikenal: alien" in out[2]["error"]
    assert "sebelum tanggal lahir" in out[3]["error"]
    assert out[4]["error"] == "weight: bukan angka: abc." and out[4]["weight"] == "abc"  # input kept
    assert "position wajib diisi" in out[5]["error"]
    hadi = out[6]
    assert hadi["error"] == "" and hadi["waz"] == "" and "edema" in hadi["waz_category"].lower()
    assert "LiLA 11,2 cm" in hadi["alerts"] and "Edema" in hadi["alerts"]


def test_xlsx_in_and_out(tmp_path: Path) -> None:
    source, target = tmp_path / "posyandu.xlsx", tmp_path / "hasil.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Sex", "Age_Days", "Weight", "Length", "Position", "MUAC"])
    sheet.append(["female", 240, 7, 67.8, "lying", 13.5])
    sheet.append(["male", 3817, 37.1, 146.7, "standing", None])  # 125.4 months
    book.save(source)
    assert run("--batch", str(source), "--out", str(target)) == 0
    result = load_workbook(target, read_only=True)
    rows = list(result.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    second = dict(zip(header, rows[2], strict=True))
    result.close()
    # WHO igrowup demonstration survey, child 24 (the same inputs as test_growth_command's JSON test).
    assert (first["waz"], first["haz"], first["whz"], first["baz"]) == (-1.02, -0.33, -1.07, -1.14)
    assert first["acz"] is not None and first["error"] is None
    assert (
        second["reference"] == "who2007" and second["waz"] is None and second["baz_category"] == "Gizi baik"
    )


def test_a_file_without_the_required_columns_is_refused_whole(tmp_path: Path, capsys) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("nama,weight\nAni,8\n", encoding="utf-8")
    assert run("--batch", str(source), "--out", str(target)) == command.EXIT_USAGE
    err = capsys.readouterr().err
    assert "kolom wajib tidak ada: sex" in err and not target.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ("--batch", "in.csv"),
        ("--out", "out.csv"),
        ("--batch", "in.txt", "--out", "out.csv"),
        ("--batch", "in.csv", "--out", "out.csv", "--sex", "male"),
    ],
)
def test_batch_usage_errors(tmp_path: Path, capsys, argv) -> None:
    (tmp_path / "in.csv").write_text(HEADER + "\n", encoding="utf-8")
    argv = tuple(str(tmp_path / a) if a.endswith((".csv", ".txt")) else a for a in argv)
    assert run(*argv) == command.EXIT_USAGE
    assert capsys.readouterr().err.strip()


def test_a_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("sex;age_days;weight;length;position\nP;240;7;67,8;berbaring\n", encoding="utf-8")
    assert run("--batch", str(source), "--out", str(target)) == 0
    assert float(_read_csv(target)[0]["haz"]) == -0.33


def test_a_toddler_and_a_ten_year_old_get_every_who_indicator_that_applies(capsys) -> None:
    # WHO igrowup survey child 12 (96 days, all eight indicators published).
    assert run("--sex", "2", "--age-days", "96", "--weight", "6.5", "--length", "59.299999237", "--position",
               "lying", "--head", "39", "--muac", "14.699999809", "--triceps", "17.399999619", "--subscapular",
               "12.199999809", "--json") == 0  # fmt: skip
    toddler = json.loads(capsys.readouterr().out)
    assert {k: toddler[k] for k in ("waz", "haz", "whz", "baz", "hcz", "acz", "tsz", "ssz")} == {
        "waz": 0.71, "haz": -0.42, "whz": 1.41, "baz": 1.29, "hcz": -0.57, "acz": 1.39, "tsz": 3.51, "ssz": 2.35
    }  # fmt: skip
    # WHO who2007 survey child 48: a boy of 125.37 months (3816 days), 37.1 kg, 146.7 cm: TB/U 1.01, IMT/U 0.31.
    assert run("--sex", "L", "--age-days", "3816", "--weight", "37.1", "--length", "146.7", "--position",
               "standing", "--json") == 0  # fmt: skip
    ten = json.loads(capsys.readouterr().out)
    assert ten["reference"] == "who2007" and (ten["haz"], ten["baz"]) == (1.01, 0.31)
    assert ten["waz"] is None  # WHO 2007 weight-for-age ends at 120 months
    assert all(ten[k] is None for k in ("whz", "hcz", "acz", "tsz", "ssz"))  # not defined after 5 years
    assert ten["categories"] == {"baz": "Gizi baik"}
