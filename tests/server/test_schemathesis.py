"""schemathesis against the served OpenAPI document (issue 14): every operation, with a valid token of each role,
in-process over ASGI, on SQLite (and PostgreSQL when CASEWORKER_TEST_PG_URL is set).

Checks on every response: no 5xx, a documented status code, a body matching the documented schema for that
status (errors are `ErrorBody`), a documented content type and the documented response headers. Cases are
generated valid (positive) and invalid (negative) for the schema, a fixed number per operation and mode; a few
hand-made requests reach what generated ones seldom do (a readable blob, the users list's own ETag, uploads that
resume or fail their hash, a body over the limit) and go through the same checks.

The world (fixture `world`) is built once per test function and the role is a pytest parameter: hypothesis runs
inside the test over that one database, never over a function-scoped fixture of its own.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caseworker.server.app import create_app
from caseworker.server.db import Database
from caseworker.store.schema import DATA_VERSION
from caseworker.sync.protocol import PROTOCOL_VERSION
from tests.server.helpers import Device, mutation, new_case, new_id

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")  # (as in conftest.py)
    from fastapi.testclient import TestClient

# Generated cases per operation: valid ones reach the routes' own logic, invalid ones mostly meet the 422 of
# request validation (cheaper to have fewer of; each costs more to generate).
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}
ROLES = {"worker": "ani", "supervisor": "sri", "staff": "tata", "admin": "root"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
LOGOUT = "POST /auth/logout"  # runs last, each example ending a session of its own


def _label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def _seed(client: TestClient) -> str:
    """A blob that ani uploaded and attached to a case of SDA (so SDA's people may read it); its sha256."""
    ani = Device(client, "ani")
    content = b"foto kartu keluarga" * 100
    sha = hashlib.sha256(content).hexdigest()
    params = {"offset": 0, "size": len(content)}
    put = client.put(f"/blobs/{sha}", params=params, content=content, headers=ani.headers)
    assert put.status_code == 200, put.text
    _, case_id = new_case(ani)
    fields = {
        "case_id": case_id,
        "filename": "kk.jpg",
        "mime": "image/jpeg",
        "size": len(content),
        "sha256": sha,
    }
    assert ani.push(mutation("attachments", new_id(), "insert", fields))[0]["status"] == "applied"
    return sha


def _scenarios(schema: Any, device: Device, sha: str) -> dict[str, Any]:
    """Hand-made cases: real tokens and ids, a readable blob, uploads that leave a gap, fail their hash or
    complete, a push of a real mutation, a body over the limit and one that is not JSON."""
    new = f"foto baru {device.device_id}".encode()
    new_sha = hashlib.sha256(new).hexdigest()
    blob = schema["/blobs/{sha256}"]
    raw = "application/octet-stream"
    note = mutation("notes", new_id(), "insert", {"case_id": new_id(), "kind": "visit", "text": "kunjungan"})
    envelope = {
        "device_id": device.device_id,
        "protocol_version": PROTOCOL_VERSION,
        "schema_version": DATA_VERSION,
    }
    refresh = {"refresh_token": device.login_response["refresh_token"], "device_id": device.device_id}

    def put(offset: int, chunk: bytes) -> Any:
        query = {"offset": offset, "size": len(new)}
        return blob["PUT"].Case(path_parameters={"sha256": new_sha}, query=query, body=chunk, media_type=raw)

    return {
        "health": schema["/health"]["GET"].Case(),
        "refresh": schema["/auth/refresh"]["POST"].Case(body=refresh, media_type="application/json"),
        "users": schema["/facility/users"]["GET"].Case(),
        "head readable": blob["HEAD"].Case(path_parameters={"sha256": sha}),
        "get readable": blob["GET"].Case(path_parameters={"sha256": sha}),
        "head unknown": blob["HEAD"].Case(path_parameters={"sha256": "0" * 64}),
        "get unknown": blob["GET"].Case(path_parameters={"sha256": "0" * 64}),
        "put gap": put(3, new[3:]),
        "put damaged": put(0, new[:-1] + b"X"),
        "put whole": put(0, new),
        "head uploaded": blob["HEAD"].Case(path_parameters={"sha256": new_sha}),
        "push": schema["/sync/push"]["POST"].Case(
            body={**envelope, "mutations": [note]}, media_type="application/json"
        ),
        "push not json": schema["/sync/push"]["POST"].Case(body=b"\xff{", media_type="application/json"),
        "pull": schema["/sync/pull"]["GET"].Case(query={"since": 0, "limit": 10}),
        "login too large": schema["/auth/login"]["POST"].Case(
            body={"username": "x" * 70_000, "password": "p", "device_id": "d"}, media_type="application/json"
        ),
    }


# What each role's hand-made requests must get (so they reach the states they are for).
EXPECTED = {
    "worker": {"head readable": 200, "get readable": 200, "put whole": 200, "head uploaded": 200},
    "supervisor": {"head readable": 200, "get readable": 200, "put whole": 200, "head uploaded": 200},
    "staff": {"head readable": 200, "get readable": 200, "put whole": 403, "head uploaded": 404},
    "admin": {"head readable": 404, "get readable": 404, "put whole": 403, "head uploaded": 404},
}
EVERY_ROLE = {
    "health": 200,
    "refresh": 200,
    "users unchanged": 304,
    "head unknown": 404,
    "get unknown": 404,
    "push not json": 422,
    "pull": 200,
    "login too large": 413,
}


def _fuzz(operation: Any, mode: GenerationMode, call: Any) -> None:
    """EXAMPLES[mode] generated cases of `operation`, each sent by `call(case)`."""

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as it was found
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        call(case)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise  # (an operation without parameters has no invalid cases: GET /health, logout)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_conforms_for_every_role(world: Database, role: str) -> None:
    app = create_app(world)
    client = TestClient(app)
    sha = _seed(client)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    device = Device(client, ROLES[role])
    # Sessions for the logout examples to end, made now: the login examples soon use up the address's attempts.
    spare = [Device(client, ROLES[role]).headers for _ in range(sum(EXAMPLES.values()) + 1)]
    failures: dict[str, str] = {}  # the first of each kind: operation, check
    ran: dict[str, int] = {}

    def send(label: str, case: Any) -> Any:
        headers = spare.pop() if label == LOGOUT and spare else device.headers
        ran[label] = ran.get(label, 0) + 1
        try:
            return case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.setdefault(f"{label}: {failure.title}", str(group))
            return None

    statuses: dict[str, int | None] = {}
    for name, case in _scenarios(schema, device, sha).items():
        response = send(_label(case.operation), case)
        statuses[name] = response and response.status_code
        if name == "users" and response is not None and "etag" in response.headers:
            unchanged = case.operation.Case(headers={"If-None-Match": response.headers["etag"][0]})
            response = send(_label(case.operation), unchanged)
            statuses["users unchanged"] = response and response.status_code

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in sorted(operations, key=lambda op: _label(op) == LOGOUT):

        def call(case: Any, label: str = _label(operation)) -> None:
            if (
                label != LOGOUT
                and isinstance(case.body, dict)
                and isinstance(case.body.get("device_id"), str)
            ):
                case.body["device_id"] = device.device_id  # pushes and refreshes from the token's device
            send(label, case)

        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, call)

    print(f"\n{role}: {sum(ran.values())} requests: {ran}\n{statuses}")
    assert not failures, "\n\n".join(f"== {key}\n{text}" for key, text in failures.items())
    expected = {**EVERY_ROLE, **EXPECTED[role]}
    assert {name: statuses.get(name) for name in expected} == expected
