"""`caseworker import`: rows become persons and open cases; bad input is refused with a clear reason."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from caseworker import cli, i18n
from caseworker.errors import KnownError
from caseworker.store import cases
from caseworker.store.profile import create_profile
from caseworker.transfer import import_file, importer, write_template
from tests.core.conftest import PASSWORD

HEADER = "nama,nik,no_kk,tanggal_lahir,jenis_kelamin,alamat,kode_wilayah,kategori_ppks,tanggal_masuk,catatan"
RIZKI = "Muhammad Rizki,3515081203150003,3515080101200005,12/03/2015,L,Jl. Mawar 1,35.15.08.1004,Anak Terlantar,2026-01-15,Diantar kepala desa"
SITI = "Siti Aminah,3515084506200001,,2020-06-05,P,,,1,,"


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    i18n.set_language("id")
    yield
    i18n.set_language("id")


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    """One profile for the tests that must never write (cheaper than a profile per case)."""
    s = create_profile(
        tmp_path_factory.mktemp("shared") / "p", username="ani", password=PASSWORD, facility_code="SDA"
    )
    yield s
    s.close()


def run(profile_dir: Path, capsys, *args: str, user: str = "ani") -> tuple[int, str]:
    code = cli.main(["--profile", str(profile_dir), *args[:1], "--user", user, *args[1:]])
    out = capsys.readouterr()
    return code, out.out + out.err


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts(store) -> tuple[int, int, int]:
    return tuple(
        store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("persons", "cases", "notes")
    )


def test_rows_become_persons_with_open_cases_assigned_to_the_user(store, profile_dir, tmp_path, capsys):
    # UTF-8 with a BOM, `;` as delimiter, headers in another case with spaces around them.
    text = " NAMA ; Nik;no_kk;Tanggal_Lahir;jenis_kelamin;alamat;kode_wilayah;kategori_ppks;tanggal_masuk;catatan\n"
    text += RIZKI.replace(",", ";") + "\n" + SITI.replace(",", ";") + "\n"
    path = write(tmp_path, "\ufeff" + text)
    code, out = run(profile_dir, capsys, "import", str(path), user="budi")
    assert code == 0, out
    assert "2 baris: 2 orang baru" in out
    person = store.one("SELECT * FROM persons WHERE nik = '3515081203150003'")
    assert (person["name"], person["birth_date"], person["sex"], person["region_code"]) == (
        "Muhammad Rizki", "2015-03-12", "L", "35.15.08.1004")  # fmt: skip
    case = store.one("SELECT * FROM cases WHERE person_id = ?", [person["id"]])
    assert (case["facility_code"], case["assigned_to"], case["status"], case["category_code"], case["opened_at"]) == (
        "SDA", "budi", "open", "02", "2026-01-15")  # fmt: skip
    assert [n["text"] for n in store.query("SELECT text FROM notes WHERE case_id = ?", [case["id"]])] == [
        "Diantar kepala desa"
    ]
    siti_case = store.one(
        "SELECT c.* FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = 'Siti Aminah'"
    )
    assert siti_case["category_code"] == "01" and siti_case["opened_at"] == date.today().isoformat()
    audit = store.one("SELECT * FROM audit WHERE action = 'import'")
    assert audit["user"] == "budi"
    assert json.loads(audit["details"]) == {"file": "data.csv", "format": "csv", "rows": 2, "created": 2,
                                            "updated": 0, "opened": 2, "existing": 0, "rejected": 0}  # fmt: skip


def test_rows_commit_in_batches_of_whole_rows_with_outbox_and_audit(store, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    path = write(tmp_path, f"{HEADER}\n{RIZKI}\n{SITI}\nFani,,,,P,,,2,,Datang sendiri\n")
    import_file(store, path)
    txns = store.query(
        "SELECT txn_id, group_concat(table_name) AS tables FROM outbox GROUP BY txn_id ORDER BY min(seq)"
    )
    # Parents first in each batch: the persons, their cases, the notes.
    assert [t["tables"] for t in txns] == ["persons,persons,cases,cases,notes", "persons,cases,notes"]
    assert store.conn.execute("SELECT count(*) FROM audit WHERE action = 'create'").fetchone()[0] == 8
    assert store.conn.execute("SELECT count(*) FROM case_index").fetchone()[0] == 3


def test_index_rows_made_in_memory_are_those_indexing_makes(store, tmp_path, monkeypatch):
    """The importer makes its new cases' list rows and search entries from the rows it holds
    (bulk.memory_index_rows): the same as indexing rebuilds from the database, also for a batch written
    in two parts (a later row about someone new in it) and rows without NIK, birth date or note."""
    from caseworker.store import bulk, indexing

    monkeypatch.setattr(importer, "FIRST_BATCH_ROWS", 3)
    lines = [HEADER, RIZKI, RIZKI.replace("Diantar", "Dijemput"), SITI, "Fani,,,,P,,,2,,Datang sendiri"]
    lines += [f"Warga {i},,,0{1 + i % 9}/05/2011,L,Jl. {i},,{1 + i % 26},2025-0{1 + i % 9}-10,catatan {i}"
              for i in range(12)]  # fmt: skip
    import_file(store, write(tmp_path, "\n".join(lines) + "\n"))

    def snapshot():
        index = store.query("SELECT * FROM case_index ORDER BY case_id")
        search = store.query("SELECT rowid, case_id, names, ids, notes FROM case_search ORDER BY rowid")
        return index, search

    assert bulk.index_row_keys(store) is not None  # (else the importer indexes from the database)
    made = snapshot()
    assert len(made[0]) == 15 == len(made[1])
    with store.transaction():
        indexing.rebuild_all(store.db)
    assert snapshot() == made


BAD_ROWS = [
    # (row, words the reason must contain)
    ("Budi,351508120315000,,,L,,,1,,", "16 angka; yang diisi 15"),
    ("Cici,,,31/02/2020,P,,,1,,", "'31/02/2020' bukan tanggal yang ada"),
    ("Dodi,,,01/01/2099,L,,,1,,", "masa depan"),
    ("Eko,,,,L,,,Kucing,,", "'Kucing' tidak dikenal"),
    ('"=HYPERLINK(""http://evil"",""klik"")",,,,,,,1,,', "kolom nama berisi rumus"),
    ("Fani,,,,P,+cmd|' /C calc'!A0,,1,,", "kolom alamat berisi rumus"),
    ("Gita,,,,P,,,1,,@SUM(1+1)", "kolom catatan berisi rumus"),
    ("Hadi,,,,L,," + "x" * 1_048_576 + ",1,,", "kolom kode_wilayah berisi 1048576 karakter; batasnya 10000"),
    ("Ina,,,,P,,,,,", "kolom kategori_ppks wajib diisi"),
    (",,,,P,,,1,,", "kolom nama wajib diisi"),
    ("Joko,,,,X,,,1,,", "'X' harus L (laki-laki) atau P"),
    ("Kiki,,,,P,Jl. Mawar, Sidoarjo,,1,,", "baris berisi 11 nilai, judul hanya 10 kolom"),
    ("Lala,,,,P,,99.99,1,,", "Kode wilayah '99.99'"),
    ("Mira,,,,P,,,1,01/01/2099,", "masa depan"),
]


def test_bad_rows_are_listed_with_line_and_reason_and_the_good_rows_imported(
    store, profile_dir, tmp_path, capsys
):
    lines = [HEADER, RIZKI, *[row for row, _ in BAD_ROWS], SITI]
    path = write(tmp_path, "\n".join(lines) + "\n")
    code, out = run(profile_dir, capsys, "import", str(path))
    assert code == 3, out
    for line, (_, reason) in enumerate(BAD_ROWS, start=3):
        assert f"Baris {line}: " in out and reason in out, (line, reason, out[:3000])
        [said] = [o for o in out.splitlines() if o.startswith(f"Baris {line}: ") and reason in o]
        assert len(said) < 400  # the 1 MB cell is not echoed back
    assert f"{len(BAD_ROWS) + 2} baris: 2 orang baru" in out and f"{len(BAD_ROWS)} ditolak" in out
    assert sorted(r["name"] for r in store.query("SELECT name FROM persons")) == [
        "Muhammad Rizki",
        "Siti Aminah",
    ]
    assert counts(store) == (2, 2, 1)
    details = json.loads(store.one("SELECT details FROM audit WHERE action = 'import'")["details"])
    assert (details["rows"], details["rejected"]) == (len(BAD_ROWS) + 2, len(BAD_ROWS))


def test_reasons_in_english_with_lang_en(store, profile_dir, tmp_path, capsys):
    path = write(tmp_path, f"{HEADER}\nCici,,,31/02/2020,P,,,1,,\n")
    code = cli.main(["--lang", "en", "--profile", str(profile_dir), "import", str(path), "--user", "ani"])
    out = capsys.readouterr().out
    assert code == 3
    assert "Line 2: column tanggal_lahir: '31/02/2020' is not a real date" in out


def test_windows_1252_names_decode_right(store, profile_dir, tmp_path, capsys):
    path = write(tmp_path, f"{HEADER}\nJosé Muñoz,,,,L,Jl. Señor,,1,,café\n", encoding="cp1252")
    code, out = run(profile_dir, capsys, "import", str(path))
    assert code == 0, out
    assert "Windows-1252" in out
    assert store.one("SELECT name, address FROM persons") == {"name": "José Muñoz", "address": "Jl. Señor"}
    assert store.one("SELECT text FROM notes")["text"] == "café"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (f"{HEADER}\nAni,,,,P,,,1,,\nBad\x81name,,,,P,,,1,,\n".encode("latin-1"), "Baris 3 berisi byte 0x81"),
        (f"{HEADER}\nJosé,,,,L,,,1,,\n".encode("cp1252") + "Müller,,,,L,,,1,,\n".encode(), "mencampur"),
        (b"", "kosong"),
        (b"\xef\xbb\xbf\r\n  \n", "kosong"),
        (f"{HEADER}\n".encode(), "tidak ada baris data"),
        (b"Ani,3515084506200001,P\nBudi,3515081203150003,L\n", "Tidak ada baris judul kolom"),
        (b"nama,nik\nAni,3515084506200001\n", "Kolom wajib tidak ada: kategori_ppks"),
        (b"nik;alamat\n3515084506200001;Sidoarjo\n", "Kolom wajib tidak ada: nama, kategori_ppks"),
        (b"nama,nama,kategori_ppks\nA,B,1\n", "Kolom nama muncul dua kali"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bukan CSV atau XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "format .xls lama"),
    ],
)
def test_unreadable_files_are_refused_before_anything_is_written(shared_store, tmp_path, data, words):
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    with pytest.raises(KnownError) as caught:
        import_file(shared_store, path)
    assert caught.value.exit_code == 2
    assert words in caught.value.text("id")
    assert counts(shared_store) == (0, 0, 0)
    assert shared_store.one("SELECT * FROM audit WHERE action = 'import'") is None


def test_unreadable_files_exit_2(store, profile_dir, tmp_path, capsys):
    code, out = run(profile_dir, capsys, "import", str(write(tmp_path, "")))
    assert code == 2 and "kosong" in out
    code, out = run(profile_dir, capsys, "import", str(tmp_path / "nothing.csv"))
    assert code == 2 and "tidak ditemukan" in out
    fake = write(tmp_path, f"{HEADER}\n{SITI}\n", name="data.xlsx")
    code, out = run(profile_dir, capsys, "import", str(fake))
    assert code == 2 and "bukan XLSX yang dapat dibaca" in out


def test_xlsx_with_header_below_a_title_formulas_dates_and_numbers(store, profile_dir, tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Data PPKS UPT Sidoarjo 2026"])
    ws.append([])
    ws.append(HEADER.split(","))
    ws.append(
        [
            "Muhammad Rizki",
            3515081203150003,
            None,
            datetime(2015, 3, 12),
            "L",
            None,
            None,
            2,
            date(2026, 1, 15),
        ]
    )
    ws.append(['=HYPERLINK("http://evil","klik")', None, None, None, "P", None, None, 1])
    ws.append(
        ["Siti Aminah", "3515084506200001", None, "05/06/2020", "P", None, None, "anak balita  TERLANTAR"]
    )
    path = tmp_path / "data.xlsx"
    wb.save(path)
    code, out = run(profile_dir, capsys, "import", str(path))
    assert code == 3, out
    assert "judul kolom ditemukan di baris 3" in out
    assert "Baris 5: kolom nama berisi rumus ('=HYPERLINK(" in out  # the sheet's own row number
    rizki = store.one("SELECT * FROM persons WHERE name = 'Muhammad Rizki'")
    assert (rizki["nik"], rizki["birth_date"]) == ("3515081203150003", "2015-03-12")
    assert store.one("SELECT opened_at, category_code FROM cases WHERE person_id = ?", [rizki["id"]]) == {
        "opened_at": "2026-01-15", "category_code": "02"}  # fmt: skip
    assert store.one("SELECT c.category_code FROM cases c JOIN persons p ON p.id = c.person_id"
                     " WHERE p.name = 'Siti Aminah'")["category_code"] == "01"  # fmt: skip
    assert counts(store)[0] == 2


def test_known_nik_updates_the_person_and_opens_no_second_case(store, profile_dir, tmp_path, capsys):
    pid = cases.register_person(store, {"name": "M. Rizki", "nik": "3515081203150003", "address": "lama"}).id
    case_id = cases.open_case(store, pid, "02")
    path = write(tmp_path, f"{HEADER}\n{RIZKI}\n{RIZKI}\n")
    code, out = run(profile_dir, capsys, "import", str(path))
    assert code == 0, out
    assert (
        "Baris 2: NIK sudah terdaftar: data M. Rizki diperbarui (address, birth_date, name, no_kk, region_code, sex)"
        in out
    )
    assert (
        f"M{'uhammad'} Rizki sudah punya kasus aktif {store.one('SELECT case_number FROM cases')['case_number']}"
        in out
    )
    assert "0 orang baru, 1 orang diperbarui, 0 kasus dibuka, 2 sudah punya kasus" in out
    assert counts(store) == (1, 1, 1)  # the note went to the open case once, not twice
    person = store.one("SELECT * FROM persons")
    assert (person["name"], person["address"]) == ("Muhammad Rizki", "Jl. Mawar 1")
    assert store.one("SELECT case_id FROM notes")["case_id"] == case_id


def test_a_closed_case_does_not_block_a_new_one(store, tmp_path):
    pid = cases.register_person(store, {"name": "Siti Aminah", "nik": "3515084506200001"}).id
    old = cases.open_case(store, pid, "01")
    store.conn.execute("UPDATE cases SET status = 'closed' WHERE id = ?", [old])
    report = import_file(store, write(tmp_path, f"{HEADER}\n{SITI}\n"))
    assert report.counts["opened"] == 1 and report.counts["created"] == 0
    assert store.conn.execute("SELECT count(*) FROM cases WHERE person_id = ?", [pid]).fetchone()[0] == 2


def test_dry_run_writes_nothing_and_reports_what_would_happen(store, profile_dir, tmp_path, capsys):
    path = write(tmp_path, f"{HEADER}\n{RIZKI}\n{SITI}\n{RIZKI}\nCici,,,31/02/2020,P,,,1,,\n")
    before = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("outbox", "audit")]
    code, out = run(profile_dir, capsys, "import", str(path), "--dry-run")
    assert code == 3
    assert "4 baris: 2 orang baru, 0 orang diperbarui, 2 kasus dibuka, 1 sudah punya kasus, 1 ditolak" in out
    assert "Uji coba (--dry-run): tidak ada yang disimpan." in out
    assert counts(store) == (0, 0, 0)
    after = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("outbox", "audit")]
    assert after[0] == before[0] and after[1] == before[1] + 1  # only the CLI's own login is audited
    code, out2 = run(profile_dir, capsys, "import", str(path))
    assert out2.splitlines()[-1] == out.splitlines()[-2]  # the real import does what the dry run said
    assert counts(store) == (2, 2, 1)


def test_rows_without_nik_are_not_added_twice_by_a_rerun(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nFani,,,,P,,,2,,\nGita,,,2019-01-02,P,,,2,,\n")
    import_file(store, path)
    report = import_file(store, path)
    assert report.counts["existing"] == 2 and report.counts["created"] == 0
    assert counts(store)[:2] == (2, 2)


def test_staff_cannot_import(store, profile_dir, tmp_path, capsys):
    path = write(tmp_path, f"{HEADER}\n{SITI}\n")
    code, out = run(profile_dir, capsys, "import", str(path), user="tata")
    assert code == 2 and "akun staf tidak dapat mengimpor" in out
    assert counts(store) == (0, 0, 0)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_has_the_headers_and_an_example_that_imports_once_uncommented(store, tmp_path, suffix):
    path = write_template(tmp_path / f"template{suffix}")
    if suffix == ".csv":
        text = path.read_text("utf-8-sig")
        assert text.splitlines()[0] == HEADER
        with pytest.raises(KnownError, match="no data rows"):
            import_file(store, path)
        path.write_text(text.replace("#Contoh/Example: ", ""), "utf-8")
    else:
        wb = openpyxl.load_workbook(path)
        ws = wb["data"]
        assert [c.value for c in ws[1]] == HEADER.split(",")
        assert "WAJIB" in ws["A1"].comment.text
        assert wb["kategori"].max_row == 27
        ws["A2"] = ws["A2"].value.replace("#Contoh/Example: ", "")
        wb.save(path)
    report = import_file(store, path)
    assert report.counts["rows"] == 1 and report.exit_code == 0
    person = store.one("SELECT * FROM persons")
    assert (person["name"], person["nik"], person["birth_date"]) == (
        "Siti Aminah",
        "3515084506200001",
        "2020-06-05",
    )


def test_template_refuses_other_extensions(tmp_path, profile_dir, capsys):
    code = cli.main(["--profile", str(profile_dir), "import", "--template", str(tmp_path / "t.ods")])
    assert code == 2
    assert not (tmp_path / "t.ods").exists()
