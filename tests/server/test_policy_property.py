"""Hypothesis stateful test of the push policy: users of every role push arbitrary mutations to every synced
table — random values, references to rows of other facilities and other workers, forged authors and
decisions — and after every step:

- no device receives a row outside its user's scope (a removal only for a row it had), and a refused push
  records nothing about the device;
- no server-owned field holds a client's value (authors are the users who pushed);
- no decision exists that its author's role may not make;
- every laptop (a real encrypted profile) stores and syncs every row it receives.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import create_engine, text

from caseworker.domain import fields
from caseworker.server import admin
from caseworker.server.db import metadata
from caseworker.server.referrals import NAMESPACE as REFERRAL_NS
from caseworker.store.schema import COMMON, DATA_VERSION, REFERRAL_SECTIONS, TABLES
from tests.core.sync_support import PASSWORD, USERS, Device, Server, cheap_crypto
from tests.server.helpers import Device as RawDevice

# Shrinking a long failing run can take minutes; CASEWORKER_NO_SHRINK=1 shows the first failure as found.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + (
    [] if os.environ.get("CASEWORKER_NO_SHRINK") else [Phase.shrink]
)
ROLE = {name: role for name, role, _ in USERS} | {"root": "admin"}
FACILITY = {name: facility for name, _, facility in USERS}
NAMES = sorted(ROLE)
TABLE_NAMES = sorted(TABLES)
LAPTOPS = ("ani", "sri", "wati")  # real profiles: a worker and a supervisor of SDA, a worker of MLG
DECISIONS = ("approved", "returned")

PICK = st.integers(min_value=0, max_value=10_000)
HOSTILE_TEXT = st.sampled_from(
    ["", "x", "nul\x00", "lone\ud800", "y" * 2_500, "2026-10-17", "2026-13-45", "{not json", "[]", "{}",
     '["tuna netra"]', "L", "P", "open", "closed", "submitted", "approved", "returned", "draft", "different",
     "merged", "resolved", "keep_device", "terminasi", "pendekatan_awal", "01", "SDA", "MLG", "low", "high"]
)  # fmt: skip
NUMBER = st.one_of(
    st.sampled_from([0, 1, 2, 10, 11, -1, 2**63 - 1, 2**63, 2**64, -(2**70)]),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


def make_machine(url_for_example):
    class PolicyMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.tmp = Path(tempfile.mkdtemp(prefix="cw-policy-prop-"))
            self.server = Server(url_for_example(self.tmp), sda_scope="facility")
            admin.add_user(self.server.db, "root", "admin", None, None, PASSWORD)
            # A service outside the app: referrals to it are letters
            admin.add_facility(self.server.db, "PKM", "Puskesmas Candi", external=True)
            self.raw = {n: RawDevice(self.server.client, n) for n in NAMES}
            self.laptops: dict[str, Device] = {}
            self.ids: list[str] = []  # every id seen anywhere, of any facility: references to draw from
            self.received: dict[str, set[tuple[str, str]]] = {n: set() for n in NAMES}
            self.writers: dict[tuple[str, str], set[str]] = {}  # row -> users whose change was applied
            self.inserter: dict[tuple[str, str], str] = {}

        def teardown(self) -> None:
            for laptop in self.laptops.values():
                laptop.close()
            self.server.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

        # -- what users do ------------------------------------------------------------------------------
        def _ref(self, pick: int) -> str:
            return self.ids[pick % len(self.ids)] if self.ids and pick % 5 else str(uuid.uuid4())

        def _value(self, data: st.DataObject, column: str, kind: type) -> Any:
            if column in fields.ID_COLUMNS:
                return self._ref(data.draw(PICK))
            if column in fields.USER_COLUMNS:
                return data.draw(st.sampled_from([*NAMES, "server", "nobody"]))
            if kind is str:
                return data.draw(st.one_of(HOSTILE_TEXT, st.text(max_size=12), st.none()))
            return data.draw(st.one_of(NUMBER, st.none()))

        def _template(self, table: str, pick: int) -> dict[str, Any]:
            """A plausible row, so that pushes get past the first checks often and reach the deep ones."""
            case_id, person_id = self._ref(pick), self._ref(pick // 7)
            rows = {
                "persons": {"name": "Anak Uji", "sex": "P", "facility_code": "SDA"},
                "cases": {
                    "person_id": person_id,
                    "category_code": "01",
                    "stage": "pendekatan_awal",
                    "status": "open",
                    "opened_at": "2026-10-17",
                    "facility_code": "SDA",
                    "case_number": f"SDA-26-{pick:08d}",
                },  # fmt: skip
                "relations": {
                    "person_id": person_id,
                    "related_person_id": self._ref(pick // 3),
                    "relation": "parent",
                },
                "reviews": {
                    "case_id": case_id,
                    "kind": "closure",
                    "subject_table": "cases",
                    "subject_id": case_id,
                    "status": "submitted",
                    "submitted_at": "2026-10-18T08:00:00Z",
                },  # fmt: skip
                "duplicate_decisions": {
                    "case_id": case_id,
                    "person_id": person_id,
                    "other_person_id": self._ref(pick // 3),
                    "decision": "different",
                },  # fmt: skip
                "assessments": {
                    "case_id": case_id,
                    "form_id": "barthel",
                    "data": "{}",
                    "review_status": "draft",
                },
                "measurements": {
                    "case_id": case_id,
                    "person_id": person_id,
                    "measured_at": "2026-10-17",
                    "weight_kg": 9.5,
                },  # fmt: skip
                "referrals": {
                    "case_id": case_id,
                    "to_facility": ["MLG", "SDA", "PKM"][pick % 3],
                    "reason": "rujukan",
                    "share_identity": pick % 2,
                    "shared_sections": json.dumps(
                        ["problem", "notes", "measurements", "assessments"][: pick % 5]
                    ),
                    "consent_basis": "persetujuan",
                },  # fmt: skip
            }
            return rows.get(table, {"case_id": case_id})

        @rule(name=st.sampled_from(NAMES), pick=PICK, to=st.sampled_from(["MLG", "SDA", "PKM", "NOPE"]),
              identity=st.booleans(), sections=st.lists(st.sampled_from(REFERRAL_SECTIONS), unique=True),
              abh=st.booleans(), kind=st.sampled_from(["referral", "referral", "transfer"]))  # fmt: skip
        def refer(
            self, name: str, pick: int, to: str, identity: bool, sections: list[str], abh: bool, kind: str
        ) -> None:
            """Someone refers a case on the server (any facility's) to a facility, sharing some of it."""
            cases = sorted(r for (t, r) in self._rows() if t == "cases")
            if not cases:
                return
            case_id = cases[pick % len(cases)]
            if abh:  # a child in conflict with the law: its identity must never reach the receiver
                self._send(name, [{"mutation_id": str(uuid.uuid4()), "table": "cases", "op": "update",
                                   "row_id": case_id, "fields": {"category_code": "03"}, "base": None,
                                   "base_version": 0, "created_at": "2026-10-17T08:00:00Z"}])  # fmt: skip
            fields = {"case_id": case_id, "to_facility": to, "reason": "rujukan", "share_identity": int(identity),
                      "shared_sections": json.dumps(sections), "consent_basis": "persetujuan", "kind": kind}  # fmt: skip
            self._send(name, [{"mutation_id": str(uuid.uuid4()), "table": "referrals", "op": "insert",
                               "row_id": str(uuid.uuid4()), "fields": fields,
                               "created_at": "2026-10-17T08:00:00Z"}])  # fmt: skip

        @rule(name=st.sampled_from([*NAMES, "rina", "rina", "sri", "sri"]), pick=PICK, decline=st.booleans(),
              reason=st.sampled_from([None, "penuh"]))  # fmt: skip
        def answer_referral(self, name: str, pick: int, decline: bool, reason: str | None) -> None:
            """Someone answers a referral waiting in an inbox (its id is the referral's)."""
            waiting = sorted(r for (t, r) in self._rows() if t == "referral_inbox")
            if not waiting:
                return
            fields = {"status": "declined", "decision_reason": reason} if decline else {"status": "accepted"}
            self._send(name, [{"mutation_id": str(uuid.uuid4()), "table": "referral_inbox", "op": "update",
                               "row_id": waiting[pick % len(waiting)], "fields": fields, "base": {"status": "sent"},
                               "base_version": 1, "created_at": "2026-10-17T08:00:00Z"}])  # fmt: skip

        @rule(name=st.sampled_from(NAMES), table=st.sampled_from(TABLE_NAMES),
              op=st.sampled_from(["insert", "insert", "update", "delete"]), pick=PICK, data=st.data())  # fmt: skip
        def push(self, name: str, table: str, op: str, pick: int, data: st.DataObject) -> None:
            columns = {**COMMON, **TABLES[table]}
            row_id = str(uuid.uuid4()) if op == "insert" else self._ref(pick)
            values = self._template(table, pick) if op == "insert" and data.draw(st.booleans()) else {}
            for column in data.draw(st.lists(st.sampled_from(sorted(columns)), max_size=4, unique=True)):
                values[column] = self._value(data, column, columns[column])
            base = (
                {k: data.draw(st.one_of(HOSTILE_TEXT, st.none())) for k in values} if op != "insert" else None
            )
            mutation = {
                "mutation_id": str(uuid.uuid4()), "table": table, "row_id": row_id, "op": op, "fields": values,
                "base": base, "base_version": data.draw(st.integers(0, 3)),
                "created_by": data.draw(st.sampled_from(NAMES)), "created_at": "2026-10-17T08:00:00Z",
            }  # fmt: skip
            self._send(name, [mutation])

        @rule(name=st.sampled_from([n for n in NAMES if ROLE[n] in ("worker", "supervisor")]))
        def register_client(self, name: str) -> None:
            """A legitimate person and case, so there is something to reach for."""
            facility = FACILITY[name]
            person_id, case_id = str(uuid.uuid4()), str(uuid.uuid4())
            case = {"person_id": person_id, "facility_code": facility, "assigned_to": name, "category_code": "01",
                    "stage": "pendekatan_awal", "status": "open", "opened_at": "2026-10-17",
                    "case_number": f"{facility}-26-{case_id[:8].upper()}"}  # fmt: skip
            self._send(name, [
                {"mutation_id": str(uuid.uuid4()), "table": "persons", "row_id": person_id, "op": "insert",
                 "fields": {"name": f"Klien {name}", "sex": "L", "facility_code": facility}},
                {"mutation_id": str(uuid.uuid4()), "table": "cases", "row_id": case_id, "op": "insert",
                 "fields": case},
            ])  # fmt: skip

        def _send(self, name: str, mutations: list[dict[str, Any]]) -> None:
            device = self.raw[name]
            body = {"device_id": device.device_id, "protocol_version": 1, "schema_version": DATA_VERSION,
                    "mutations": mutations}  # fmt: skip
            resp = self.server.client.post(
                "/sync/push",
                content=json.dumps(body),
                headers={**device.headers, "Content-Type": "application/json"},
            )
            assert resp.status_code in (200, 413, 422), resp.text  # never a server error
            if resp.status_code != 200:
                return
            for m, result in zip(mutations, resp.json()["results"], strict=True):
                self.ids.append(m["row_id"])
                self.ids.extend(v for v in m["fields"].values() if isinstance(v, str) and len(v) == 36)
                status = result["original_status"] or result["status"]
                if status == "rejected":
                    continue
                key = (m["table"], m["row_id"])
                self.writers.setdefault(key, set()).add(name)
                if m["op"] == "insert":
                    self.inserter.setdefault(key, name)
                    self.received[name].add(key)  # it came from this device
                self._check_decision(name, m)

        def _check_decision(self, name: str, m: dict[str, Any]) -> None:
            """An applied change that decides something was made by a supervisor."""
            values = m["fields"]
            decides = (
                m["table"] in ("duplicate_decisions", "referral_inbox")
                or (m["table"] == "reviews" and values.get("status") in DECISIONS)
                or (m["table"] == "assessments" and values.get("review_status") in DECISIONS)
            )
            if decides and m["op"] != "delete":
                assert ROLE[name] == "supervisor", (name, m)

        @rule(name=st.sampled_from(LAPTOPS))
        def laptop_syncs(self, name: str) -> None:
            """A real laptop stores and syncs everything it receives, setting nothing aside."""
            laptop = self.laptops.get(name)
            if laptop is None:
                laptop = self.laptops[name] = Device(self.server, self.tmp / name, name)
            result = laptop.sync()
            assert result.completed, result
            assert getattr(result, "quarantined", 0) == 0

        # -- what must always hold ----------------------------------------------------------------------
        def _rows(self) -> dict[tuple[str, str], dict[str, Any]]:
            with self.server.db.read() as conn:
                found = conn.execute(text("SELECT table_name, row_id, data FROM changelog")).all()
            return {(t, r): json.loads(d) for t, r, d in found}

        @invariant()
        def devices_receive_only_their_scope(self) -> None:
            rows = self._rows()
            for name, device in self.raw.items():
                for change in device.pull_all():
                    key = (change["table"], change["row_id"])
                    if change["op"] == "remove":
                        assert key in self.received[name], (name, key)  # never an id it did not have
                        continue
                    self.received[name].add(key)
                    assert _in_scope(name, rows[key] if key in rows else change["row"], key[0], rows), (
                        name,
                        key,
                    )

        @invariant()
        def server_owned_fields_hold_the_servers_values(self) -> None:
            rows = self._rows()
            accepted = {r["accepted_case_id"]: r for (t, _), r in rows.items()
                        if t == "referral_inbox" and r.get("accepted_case_id")}  # fmt: skip
            # a transfer's stand-in at the sender (server.referrals._move_case)
            accepted.update({str(uuid.uuid5(REFERRAL_NS, f"{rid}:stub")): r for (t, rid), r in rows.items()
                             if t == "referral_inbox" and r.get("kind") == "transfer" and r.get("accepted_case_id")})  # fmt: skip
            for key, row in rows.items():
                if key[0] == "referral_inbox":  # made by the server, answered by a supervisor there
                    assert row["created_by"] == "server"
                    assert row["decided_by"] in (None, *self.writers.get(key, ()))
                    if row["status"] in ("declined", "withdrawn"):
                        assert row["preview"] is None and row["reason"] is None  # nothing of the client
                    continue
                if key not in self.inserter and key[0] != "conflicts":  # opened on accepting a referral
                    if key[0] == "persons":  # a stand-in for a withheld identity
                        cases = [rows.get(("cases", c), {}) for c in accepted]
                        assert any(c.get("person_id") == key[1] for c in cases), key
                        continue
                    case = row if key[0] == "cases" else rows.get(("cases", row.get("case_id")), {})
                    assert case.get("id") in accepted, key
                    continue
                if key[0] == "referrals" and row.get("to_facility"):
                    assert row["from_facility"] == FACILITY[self.inserter[key]]
                    inbox = rows.get(("referral_inbox", key[1]))
                    assert row["status"] == (inbox["status"] if inbox else row["status"])
                if key[0] == "conflicts":
                    assert row["created_by"] == "server"
                    assert row["resolved_by"] in (None, *self.writers.get(key, ()))
                    assert row["device_user"] in NAMES
                    continue
                assert row["created_by"] == self.inserter[key], key
                assert row["updated_by"] in self.writers[key] | {"server"}, key
                if key[0] == "reviews":
                    assert row["submitted_by"] == self.inserter[key]
                    assert row["decided_by"] in (None, *self.writers[key])

        @invariant()
        def every_decision_was_made_by_someone_allowed(self) -> None:
            rows = self._rows()
            for (table, _), row in rows.items():
                if table == "reviews" and row.get("status") in DECISIONS:
                    case = rows.get(("cases", row["case_id"]), {})
                    assert ROLE.get(row["decided_by"]) == "supervisor"
                    assert FACILITY[row["decided_by"]] == case.get("facility_code")
                if table == "duplicate_decisions":
                    assert ROLE[row["created_by"]] == "supervisor"
                if table == "referral_inbox" and row.get("status") in ("accepted", "declined"):
                    assert ROLE.get(row["decided_by"]) == "supervisor"
                    assert FACILITY[row["decided_by"]] == row["facility_code"]
                if table == "cases" and row.get("status") == "closed" and row.get("version", 1) > 1:
                    closures = [r for (t, _), r in rows.items() if t == "reviews" and r.get("kind") == "closure"
                                and r.get("subject_id") == row["id"] and not r.get("deleted")]  # fmt: skip
                    assert (
                        closures
                        and max(closures, key=lambda r: (r["submitted_at"] or "", r["id"]))["status"]
                        == "approved"
                    )

        @invariant()
        def withheld_identities_stay_home(self) -> None:
            """A case opened from a referral names the sender's person only if the identity was shared and
            the child is not ABH at the time of sending (a stand-in with initials otherwise)."""
            rows = self._rows()
            for (table, rid), inbox in rows.items():
                if table != "referral_inbox" or not inbox.get("accepted_case_id"):
                    continue
                preview = json.loads(inbox["preview"])
                case = rows[("cases", inbox["accepted_case_id"])]
                if inbox.get("kind") == "transfer":  # the case itself moved: the receiver takes over its care
                    assert case["facility_code"] == inbox["facility_code"]
                    continue
                referral = rows[("referrals", rid)]
                source = rows[("cases", referral["case_id"])]
                if preview["identity_withheld"]:
                    assert case["person_id"] != source["person_id"]
                    assert "nik" not in preview and "address" not in preview
                else:
                    assert case["person_id"] == source["person_id"]

        @invariant()
        def every_stored_value_can_be_stored_by_a_laptop(self) -> None:
            for (table, _), row in self._rows().items():
                assert fields.row_problems(table, row) == {}, (table, row)

    return PolicyMachine


def _in_scope(
    name: str, row: dict[str, Any], table: str, rows: dict[tuple[str, str], dict[str, Any]]
) -> bool:
    """The scope rule, written from the data (not from the server's scope columns): a user sees the cases
    of their facility (SDA here: all of them; MLG: those assigned to them), their records, and the persons
    of those cases or registered in their facility without a case."""
    facility = FACILITY.get(name)
    if facility is None:
        return False
    assigned = facility == "MLG" and ROLE[name] == "worker"

    def case_visible(case: dict[str, Any] | None) -> bool:
        return (
            case is not None
            and case.get("facility_code") == facility
            and (not assigned or case.get("assigned_to") == name)
        )

    if table == "cases":
        return case_visible(row)
    if table == "referral_inbox":  # the receiving facility's, but not its workers limited to their own cases
        return row.get("facility_code") == facility and not assigned
    if table in ("persons", "relations") or (table == "conflicts" and not row.get("case_id")):
        person_id = row["id"] if table == "persons" else row.get("person_id")
        if table == "conflicts":
            person_id = row.get("row_id") if row.get("table_name") == "persons" else None
            target = rows.get((row.get("table_name"), row.get("row_id")), {})
            person_id = person_id or target.get("person_id")
        person = rows.get(("persons", person_id), {})
        cases = [r for (t, _), r in rows.items() if t == "cases" and r.get("person_id") == person_id]
        if any(case_visible(c) for c in cases):
            return True
        own = person.get("facility_code") == facility
        return own and (not assigned or (person.get("created_by") == name and not cases))
    case = rows.get(("cases", row.get("case_id")))
    if case is None:  # a record that arrived before its case: its writer's own
        return row.get("created_by") in [n for n in FACILITY if FACILITY[n] == facility]
    return case_visible(case)


def test_no_push_breaks_the_policy(server_db_url: str, monkeypatch: pytest.MonkeyPatch):
    cheap_crypto(monkeypatch)
    server_url = server_db_url

    def url_for_example(tmp: Path) -> str:
        if server_url.startswith("sqlite"):
            return f"sqlite:///{tmp / 'server.db'}"
        engine = create_engine(server_url)
        metadata.drop_all(engine)
        engine.dispose()
        return server_url

    run_state_machine_as_test(
        make_machine(url_for_example),
        settings=settings(
            max_examples=int(os.environ.get("CASEWORKER_PROPERTY_EXAMPLES", 15)),
            stateful_step_count=30,
            deadline=None,
            phases=PHASES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
