"""Helpers for server tests: a logged-in device and mutation builders."""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, Any

from caseworker.store.schema import DATA_VERSION
from caseworker.sync.protocol import PROTOCOL_VERSION

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

PASSWORD = "rahasia-123"


class Device:
    """One logged-in device talking to the app through the TestClient."""

    def __init__(self, client: TestClient, username: str, device_id: str | None = None) -> None:
        self.client = client
        self.username = username
        self.device_id = device_id or f"dev-{username}-{secrets.token_hex(3)}"
        self.cursor = 0
        self.login_response = self.login()

    def login(self) -> dict[str, Any]:
        resp = self.client.post(
            "/auth/login",
            json={
                "username": self.username,
                "password": PASSWORD,
                "device_id": self.device_id,
                "device_name": "laptop",
                "protocol_version": PROTOCOL_VERSION,
            },
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        self.headers = {"Authorization": f"Bearer {body['access_token']}"}
        return body

    def push(self, *mutations: dict[str, Any], schema_version: int = DATA_VERSION) -> list[dict[str, Any]]:
        resp = self.push_raw(list(mutations), schema_version=schema_version)
        assert resp.status_code == 200, resp.text
        return resp.json()["results"]

    def push_raw(self, mutations: list[dict[str, Any]], schema_version: int = DATA_VERSION):
        body = {
            "device_id": self.device_id,
            "protocol_version": PROTOCOL_VERSION,
            "schema_version": schema_version,
            "mutations": mutations,
        }
        return self.client.post("/sync/push", json=body, headers=self.headers)

    def pull_page(self, since: int | None = None, limit: int = 1000, **params: Any) -> dict[str, Any]:
        query = {"since": self.cursor if since is None else since, "limit": limit, **params}
        resp = self.client.get("/sync/pull", params=query, headers=self.headers)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def pull_all(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Pull until has_more is false, following resets; returns every change and advances the cursor."""
        changes: list[dict[str, Any]] = []
        while True:
            page = self.pull_page(limit=limit)
            changes.extend(page["changes"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return changes


def mutation(
    table: str,
    row_id: str,
    op: str,
    fields: dict[str, Any],
    base: dict[str, Any] | None = None,
    base_version: int = 0,
    by: str = "ani",
) -> dict[str, Any]:
    return {
        "mutation_id": str(uuid.uuid4()),
        "txn_id": str(uuid.uuid4()),
        "table": table,
        "row_id": row_id,
        "op": op,
        "fields": fields,
        "base": base,
        "base_version": base_version,
        "hlc": "2026-10-17T08:00:00Z-000001-abcdef12",
        "schema_version": DATA_VERSION,
        "created_at": "2026-10-17T08:00:00Z",
        "created_by": by,
    }


def new_id() -> str:
    return str(uuid.uuid4())


def person_insert(person_id: str, facility: str = "SDA", by: str = "ani", name: str = "Bayi Melati") -> dict:
    return mutation(
        "persons",
        person_id,
        "insert",
        {"name": name, "facility_code": facility, "sex": "P", "created_by": by},
        by=by,
    )


def case_insert(
    case_id: str, person_id: str, facility: str = "SDA", assigned_to: str | None = "ani", by: str = "ani"
):
    fields = {
        "case_number": f"{facility}-26-{case_id[:6].upper()}",
        "person_id": person_id,
        "facility_code": facility,
        "assigned_to": assigned_to,
        "category_code": "01",
        "stage": "pendekatan_awal",
        "status": "open",
        "opened_at": "2026-10-17",
        "risk": "low",
        "presenting_problem": "gizi kurang",
        "created_by": by,
    }
    return mutation("cases", case_id, "insert", fields, by=by)


def note_insert(note_id: str, case_id: str, by: str = "ani", text_: str = "kunjungan rumah") -> dict:
    return mutation(
        "notes",
        note_id,
        "insert",
        {"case_id": case_id, "kind": "visit", "text": text_, "created_by": by},
        by=by,
    )


def new_case(device: Device, facility: str = "SDA", assigned_to: str | None = None) -> tuple[str, str]:
    """Push a person and a case for them; returns (person_id, case_id)."""
    person_id, case_id = new_id(), new_id()
    results = device.push(
        person_insert(person_id, facility, by=device.username),
        case_insert(case_id, person_id, facility, assigned_to or device.username, by=device.username),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return person_id, case_id


def by_row(changes: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["table"], c["row_id"]): c for c in changes}


def principal_of(device: Device):
    """The server's view of this device's user (as auth.authenticate gives it)."""
    from caseworker.server.auth import Principal

    user = device.login_response["user"]
    return Principal(user["username"], user["role"], user["facility_code"], "facility", device.device_id)


def push_request(device: Device, *mutations: dict[str, Any]):
    from caseworker.sync import protocol as p

    return p.PushRequest(
        device_id=device.device_id, protocol_version=PROTOCOL_VERSION, schema_version=DATA_VERSION,
        mutations=[p.Mutation(**m) for m in mutations],
    )  # fmt: skip
