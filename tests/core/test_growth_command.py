"""The `caseworker growth` subcommand, through a tiny parser like the one in caseworker/cli.py."""

from __future__ import annotations

import argparse
import json

import pytest

from caseworker import i18n
from caseworker.growth import command


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


def test_json_output(capsys) -> None:
    code = run(
        "--sex",
        "female",
        "--age-days",
        "240",
        "--weight",
        "7",
        "--length",
        "67.8",
        "--position",
        "lying",
        "--head",
        "43.3",
        "--json",
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "age_days",
        "waz",
        "haz",
        "whz",
        "baz",
        "hcz",
        "acz",
        "tsz",
        "ssz",
        "reference",
        "alerts",
        "flags",
        "categories",
    }
    # WHO igrowup demonstration survey, child 24.
    assert (out["waz"], out["haz"], out["whz"], out["baz"], out["hcz"]) == (-1.02, -0.33, -1.07, -1.14, -0.01)
    assert out["flags"] == []
    assert out["categories"]["haz"] == "Normal"


def test_dates_instead_of_age(capsys) -> None:
    assert (
        run("--sex", "L", "--birth-date", "17/10/2024", "--date", "2026-10-17", "--weight", "8,5", "--json")
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["age_days"] == 730 and out["haz"] is None and out["waz"] is not None


def test_readable_table_in_indonesian(capsys) -> None:
    assert (
        run(
            "--sex", "male", "--age-days", "800", "--weight", "11", "--length", "85", "--position", "standing"
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "TB/U" in text and "BB/TB" in text and "Usia: 800 hari" in text
    assert "Lingkar kepala tidak diukur" in text


def test_over_nineteen_years_prints_nulls(capsys) -> None:
    assert run("--sex", "male", "--age-days", "7000", "--weight", "60", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["waz"] is None and out["categories"] == {} and out["reference"] == "none"


@pytest.mark.parametrize(
    "argv",
    [
        ("--age-days", "10"),
        ("--sex", "male"),
        ("--sex", "alien", "--age-days", "10"),
        ("--sex", "male", "--age-days", "ten"),
        ("--sex", "male", "--age-days", "-4"),
        ("--sex", "male", "--birth-date", "2026-01-01"),
        ("--sex", "male", "--birth-date", "2026-13-01", "--date", "2026-01-01"),
        ("--sex", "male", "--birth-date", "2026-02-01", "--date", "2026-01-01"),
        ("--sex", "male", "--age-days", "10", "--birth-date", "2026-01-01", "--date", "2026-01-11"),
        ("--sex", "male", "--age-days", "10", "--length", "50"),
        ("--sex", "male", "--age-days", "10", "--length", "50", "--position", "sideways"),
        ("--sex", "male", "--age-days", "10", "--weight", "abc"),
        ("--sex", "male", "--age-days", "10", "--weight", "0"),
    ],
)
def test_input_errors_exit_2_with_one_line(capsys, argv) -> None:
    assert run(*argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0]


def test_muac_and_skinfolds_and_the_muac_alert(capsys) -> None:
    argv = (
        "--sex",
        "female",
        "--age-days",
        "400",
        "--weight",
        "8.1",
        "--length",
        "72.5",
        "--position",
        "lying",
    )
    assert run(*argv, "--muac", "11,3", "--triceps", "7", "--subscapular", "6") == 0
    text = capsys.readouterr().out
    assert "LiLA/U" in text and "LLT/U" in text and "LLS/U" in text and "tanpa kategori Permenkes" in text
    assert "! LiLA 11,3 cm (< 11,5 cm): gizi buruk" in text
    assert run(*argv, "--muac", "12.1", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["acz"] is not None and out["tsz"] is None and out["alerts"] == ["muac_moderate"]
    assert "acz" not in out["categories"]
