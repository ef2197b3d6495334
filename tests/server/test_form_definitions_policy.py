"""The push policy of form_definitions (a unit's own instruments): only a supervisor of the facility
imports or removes a version, nobody changes one, a definition the laptops cannot open is refused, and
every user of the facility (assigned-scope workers too) receives the facility's versions, no one else."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseworker.forms.library import row_id_for
from caseworker.forms.xlsform import convert
from tests.core.xlsform_support import write_xlsform
from tests.server.helpers import Device, by_row, mutation


@pytest.fixture(scope="module")
def definition(tmp_path_factory) -> dict:
    path = write_xlsform(Path(tmp_path_factory.mktemp("xlsform")) / "skrining.xlsx")
    return convert(path)[0]


def _insert(definition: dict, by: str, version: int = 1, **extra) -> dict:
    body = {**definition, "version": version}
    fields = {"form_id": body["id"], "form_version": version, "title": "Skrining unit",
              "definition": json.dumps(body), "source_file": "skrining.xlsx", **extra}  # fmt: skip
    return mutation("form_definitions", row_id_for(body["id"], version), "insert", fields, by=by)


def _status(results: list[dict]) -> list[tuple[str, str | None]]:
    return [(r["status"], r["reason"]) for r in results]


def test_only_a_supervisor_imports_and_nobody_changes_a_version(client, world, definition):
    sri, ani, tata = Device(client, "sri"), Device(client, "ani"), Device(client, "tata")
    assert _status(ani.push(_insert(definition, "ani"))) == [("rejected", "decision_requires_supervisor")]
    assert _status(tata.push(_insert(definition, "tata"))) == [("rejected", "read_only_role")]
    assert _status(sri.push(_insert(definition, "sri")))[0][0] == "applied"
    row_id = row_id_for(definition["id"], 1)
    change = mutation(
        "form_definitions", row_id, "update", {"title": "Lain"}, {"title": "Skrining unit"}, 1, by="sri"
    )
    assert _status(sri.push(change)) == [("rejected", "not_allowed")]
    assert _status(ani.push(mutation("form_definitions", row_id, "delete", {"deleted": 1}, None, 1, by="ani"))) == [
        ("rejected", "decision_requires_supervisor")
    ]  # fmt: skip
    assert _status(sri.push(_insert(definition, "sri")))[0] == (
        "rejected",
        "row_exists",
    )  # a version is made once


def test_a_definition_the_laptops_cannot_open_is_refused(client, world, definition):
    sri = Device(client, "sri")
    broken = _insert(definition, "sri")
    broken["fields"]["definition"] = json.dumps({**definition, "sections": []})
    mismatched = _insert(definition, "sri", version=2)
    mismatched["fields"]["form_version"] = 3  # the row says 3, its definition 2
    wrong_id = _insert(definition, "sri", version=4)
    wrong_id["row_id"] = "form:lain:v4"
    other_facility = _insert(definition, "sri", version=5, facility_code="MLG")
    assert _status(sri.push(broken, mismatched, wrong_id, other_facility)) == [
        ("rejected", "invalid_value"), ("rejected", "invalid_value"), ("rejected", "invalid_value"),
        ("rejected", "not_allowed"),
    ]  # fmt: skip


def test_the_facility_receives_its_versions_and_only_its_own(client, world, definition):
    sri, rina = Device(client, "sri"), Device(client, "rina")
    assert sri.push(_insert(definition, "sri"))[0]["status"] == "applied"
    mlg = {**definition, "id": "skrining_mlg"}
    assert rina.push(_insert(mlg, "rina"))[0]["status"] == "applied"
    sda_id, mlg_id = row_id_for("skrining_unit", 1), row_id_for("skrining_mlg", 1)
    for user, sees, not_sees in (
        ("ani", sda_id, mlg_id),
        ("budi", sda_id, mlg_id),
        ("tata", sda_id, mlg_id),
        ("wati", mlg_id, sda_id),
        ("yoga", mlg_id, sda_id),
    ):  # MLG: assigned scope
        rows = by_row(Device(client, user).pull_all())
        assert ("form_definitions", sees) in rows and ("form_definitions", not_sees) not in rows, user


_VERSIONS = itertools.count(10, 2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    user=st.sampled_from(["ani", "sri", "tata", "wati", "rina"]),
    op=st.sampled_from(["insert", "update", "delete"]),
)
def test_property_a_change_is_applied_only_as_the_policy_says(client, world, definition, user, op):
    """Whoever pushes whatever operation: applied exactly when a supervisor inserts a new version (of their
    own facility) or a supervisor of the row's facility removes one; no update is ever applied."""
    sri = Device(client, "sri")
    version = next(_VERSIONS)  # a version no earlier example used (the server lives for the whole test)
    made = sri.push(_insert(definition, "sri", version=version))
    assert made[0]["status"] == "applied"
    row_id = row_id_for(definition["id"], version)
    device = Device(client, user)
    if op == "insert":
        m = _insert(definition, user, version=version + 1)
    elif op == "update":
        m = mutation(
            "form_definitions", row_id, "update", {"title": "X"}, {"title": "Skrining unit"}, 1, by=user
        )
    else:
        m = mutation("form_definitions", row_id, "delete", {"deleted": 1}, None, 1, by=user)
    status = device.push(m)[0]["status"]
    supervisor = user in ("sri", "rina")  # of SDA and of MLG; the row is SDA's
    expected = (op == "insert" and supervisor) or (op == "delete" and user == "sri")
    assert (status == "applied") == expected, (user, op, status)


def test_checking_a_definition_loads_no_client_store_code(definition) -> None:
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from caseworker.server import policy\n"
        f"row = {{'form_id': 'skrining_unit', 'form_version': 1, 'id': 'form:skrining_unit:v1',"
        f" 'definition': {json.dumps(json.dumps(definition))}}}\n"
        "assert policy._definition_ok(row)\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('caseworker.store.') and m != 'caseworker.store.schema')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
