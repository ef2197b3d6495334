"""No single row stops a device: a pulled row the laptop cannot store is quarantined (listed with its reason),
everything else syncs, and a later storable version replaces it.

The bad rows are written straight into the real server's changelog (SQLAlchemy), as an older server that did
not check values would have stored them: today's server refuses them on push.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from caseworker import i18n
from caseworker.cli import main
from caseworker.commands.sync_cmds import _report
from caseworker.server.db import changelog, max_seq
from caseworker.store import cases, queries, syncstate
from caseworker.store.ids import case_number, now_iso, uuid7
from caseworker.store.schema import COMMON, TABLES
from caseworker.sync import protocol as p
from caseworker.sync import quarantine
from caseworker.sync.apply import apply_page
from tests.core.sync_support import PASSWORD, Server, local_rows


def rewrite(server: Server, table: str, row_id: str, **fields: Any) -> int:
    """A new version of a changelog row with these values, at a new seq (what an unchecking server did)."""
    c = changelog.c
    with server.db.write() as conn:
        found = conn.execute(select(c.data, c.version).where(c.table_name == table, c.row_id == row_id)).one()
        version = found.version + 1
        data = {**json.loads(found.data), **fields, "version": version}
        conn.execute(
            changelog.update()
            .where(c.table_name == table, c.row_id == row_id)
            .values(data=json.dumps(data), version=version, seq=max_seq(conn) + 1, changed_at=now_iso())
        )
    return version


def test_rows_a_laptop_cannot_store_are_set_aside_and_the_rest_syncs(devices, server, monkeypatch, capsys):
    ani, budi = devices("ani"), devices("budi")
    _, a = ani.new_case("Anak Angka")
    _, b = ani.new_case("Anak Nomor")
    _, c = ani.new_case("Anak Asesmen")
    note_a = cases.add_note(ani.store, a, "catatan kasus A")
    assessment = cases.add_record(ani.store, "assessments", c, {"form_id": "kpsp", "form_version": 1,
                                  "assessed_at": "2026-10-01", "data": {"q1": "ya"}})  # fmt: skip
    ani.sync()
    _, d = budi.new_case("Anak Ganda")
    budi.sync()
    number_b = ani.row("cases", b)["case_number"]
    server_a = server.rows("cases")[a]

    rewrite(server, "cases", a, conflict=2**64)  # a 65-bit integer
    rewrite(server, "cases", d, case_number=number_b)  # a case number another case has
    rewrite(server, "assessments", assessment, data="{bukan json")  # storable: views show it raw
    _, e = budi.new_case("Anak Sesudahnya")  # a good row after the bad ones
    budi.sync()

    sri = devices("sri")  # a first sync meets every bad row
    result = sri.sync()
    assert result.completed and result.quarantined == 2
    assert set(local_rows(sri.store, "cases")) == {b, c, e}
    assert note_a in local_rows(sri.store, "notes")  # the records of a set-aside case still arrive
    assert sri.row("assessments", assessment)["data"] == "{bukan json"
    held = {(q.table, q.row_id): q for q in quarantine.quarantined(sri.store)}
    assert syncstate.cursor(sri.store) > max(q.seq or 0 for q in held.values())  # the cursor moved past them
    assert set(held) == {("cases", a), ("cases", d)}
    assert (held["cases", a].reason, held["cases", a].detail) == ("int_range", "conflict")
    assert (held["cases", d].reason, held["cases", d].detail) == ("unique", "case_number")
    assert json.loads(held["cases", a].data)["conflict"] == 2**64  # the raw row, as the server sent it
    assert held["cases", d].label() == number_b and held["cases", a].case_id == a
    assert held["cases", a].seq and held["cases", a].version == server_a["version"] + 1
    assert "terlalu besar" in held["cases", a].reason_text("id")
    assert "too large" in held["cases", a].reason_text("en")
    assert "nomor kasus ganda" in held["cases", d].reason_text("id")
    assert queries.case_full(sri.store, c)["assessments"][0]["data"] == "{bukan json"

    again = ani.sync()  # a device that had the row: keeps its stored version, nothing is sent back
    assert again.completed and again.quarantined == 2
    assert ani.row("cases", a)["conflict"] == 0 and ani.pending() == 0 and sri.pending() == 0
    assert server.rows("cases")[a]["conflict"] == 2**64  # (not overwritten by anything the laptops sent)

    # Shown to people: the sync line says how many and where; the listing has the reason in words.
    i18n.set_language("id")
    _report(sri.store, result, as_json=False)
    out = capsys.readouterr().out
    assert "2 data dari server disisihkan" in out and "caseworker quarantine list" in out
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    folder = sri.store.profile_dir
    assert main(["--profile", str(folder), "quarantine", "list", "--user", "sri", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(r["table"], r["row_id"], r["reason"]) for r in listed} == {
        ("cases", a, "int_range"),
        ("cases", d, "unique"),
    }
    assert all(r["reason_text"] for r in listed)
    assert main(["--profile", str(folder), "quarantine", "list", "--user", "sri"]) == 0
    assert "terlalu besar" in capsys.readouterr().out

    # Fixed on the server: the storable versions replace the quarantined ones.
    rewrite(server, "cases", a, conflict=0)
    rewrite(server, "cases", d, case_number=case_number("SDA", d, 2026))
    for device in (sri, ani):
        fixed = device.sync()
        assert fixed.completed and fixed.quarantined == 0 and quarantine.quarantined(device.store) == []
        assert {a, b, c, d, e} <= set(local_rows(device.store, "cases"))
        assert device.row("cases", d)["case_number"] == case_number("SDA", d, 2026)
        assert queries.find_case(device.store, number_b)["id"] == b
        assert device.pending() == 0


# -- apply_page directly ----------------------------------------------------------------------------------
def _row(table: str, row_id: str, **fields: Any) -> dict[str, Any]:
    stamp = "2026-10-01T03:00:00Z"
    row: dict[str, Any] = {k: None for k in {**COMMON, **TABLES[table]}}
    row.update(id=row_id, created_at=stamp, created_by="ani", updated_at=stamp, updated_by="ani", deleted=0,
               version=1, **fields)  # fmt: skip
    return row


def _case(person_id: str, number: str | None = None, **fields: Any) -> tuple[str, dict[str, Any]]:
    cid = uuid7()
    values = {"case_number": number or case_number("SDA", cid, 2026), "person_id": person_id,
              "facility_code": "SDA", "assigned_to": "ani", "category_code": "01", "stage": "intake",
              "status": "open", "opened_at": "2026-10-01", "conflict": 0, **fields}  # fmt: skip
    return cid, _row("cases", cid, **values)


def _changes(rows: list[tuple[str, dict[str, Any]]], first_seq: int = 1) -> list[p.Change]:
    return [
        p.Change(seq=first_seq + i, table=t, row_id=r["id"], op="upsert", row=r, version=r["version"])
        for i, (t, r) in enumerate(rows)
    ]


def test_apply_page_sets_aside_only_the_rows_it_cannot_store(store):
    pid = uuid7()
    person = _row("persons", pid, name="Siti", sex="P", birth_date="2025-01-01", facility_code="SDA")
    good = [_case(pid) for _ in range(1500)]  # more than one write chunk before and after the clash
    clash_id, clash = _case(pid, number=good[3][1]["case_number"])
    big_person = _row("persons", uuid7(), name="Besar", dtsen_desil=2**64)
    words_id = uuid7()
    words = _row("measurements", words_id, case_id=good[0][0], measured_at="2026-10-01", weight_kg="berat")
    dict_note = _row("notes", uuid7(), case_id=good[0][0], text={"bukan": "teks"})
    surrogate = _row("notes", uuid7(), case_id=good[1][0], text="pecah \ud800 di sini")
    note_ok = _row("notes", uuid7(), case_id=good[2][0], text="baik", noted_at="2026-10-01T03:00:00Z")
    page = [("persons", person), *[("cases", r) for _, r in good[:1000]], ("cases", clash),
            *[("cases", r) for _, r in good[1000:]], ("persons", big_person), ("measurements", words),
            ("notes", dict_note), ("notes", surrogate), ("notes", note_ok)]  # fmt: skip

    assert apply_page(store, _changes(page), 4242) == len(page)

    assert syncstate.cursor(store) == 4242
    assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1500
    assert store.one("SELECT 1 FROM notes WHERE id = ?", [note_ok["id"]])
    assert store.conn.execute("SELECT count(*) FROM case_index").fetchone()[0] == 1500
    reasons = {r.row_id: (r.reason, r.detail) for r in quarantine.quarantined(store)}
    assert reasons == {
        clash_id: ("unique", "case_number"),
        big_person["id"]: ("int_range", "dtsen_desil"),
        words_id: ("wrong_type", "weight_kg"),
        dict_note["id"]: ("wrong_type", "text"),
        surrogate["id"]: ("invalid_text", "text"),
    }
    assert quarantine.count(store) == 5 and syncstate.pending_count(store) == 0
    base = "SELECT count(*) FROM sync_base WHERE row_id IN (?, ?)"
    assert store.conn.execute(base, [clash_id, big_person["id"]]).fetchone()[0] == 0
    assert {r.case_id for r in quarantine.quarantined(store) if r.table == "notes"} == {
        good[0][0],
        good[1][0],
    }

    # Storable versions later: applied, and they leave quarantine; a case leaving takes its records along.
    fixed = {**clash, "case_number": case_number("SDA", clash_id, 2026), "version": 2}
    fixed_person = {**big_person, "dtsen_desil": 3, "version": 2}
    words_fixed = {**words, "weight_kg": 9.5, "version": 2}
    apply_page(store, _changes([("cases", fixed), ("persons", fixed_person), ("measurements", words_fixed)]),
               4300)  # fmt: skip
    assert (
        store.one("SELECT case_number FROM cases WHERE id = ?", [clash_id])["case_number"]
        == fixed["case_number"]
    )
    assert store.one("SELECT dtsen_desil FROM persons WHERE id = ?", [big_person["id"]])["dtsen_desil"] == 3
    assert store.one("SELECT weight_kg FROM measurements WHERE id = ?", [words_id])["weight_kg"] == 9.5
    assert {r.row_id for r in quarantine.quarantined(store)} == {dict_note["id"], surrogate["id"]}
    gone = p.Change(seq=4301, table="cases", row_id=good[0][0], op="remove", version=1)
    apply_page(store, [gone], 4301)
    assert {r.row_id for r in quarantine.quarantined(store)} == {surrogate["id"]}


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, float("inf"), float("nan"), "tiga", [1], 1.5])
def test_number_columns_take_only_numbers_they_can_hold(value):
    values = [None] * len(syncstate._COLUMNS["persons"])
    values[0] = uuid7()
    values[syncstate._COLUMNS["persons"].index("dtsen_desil")] = value
    assert not syncstate.plainly_storable("persons", values)
    assert syncstate.unstorable("persons", values) is not None
    values[syncstate._COLUMNS["persons"].index("dtsen_desil")] = 2**63 - 1
    assert syncstate.plainly_storable("persons", values) and syncstate.unstorable("persons", values) is None
