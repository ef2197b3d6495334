"""Sync by file on the server: the server's bundle keys, devices' public keys, and applying a bundle.

A bundle is applied exactly as the network sync would be: its device is the one whose registered key
verifies its signature (never a field it claims), its principal is that device's account as a token
would give it (auth.device_principal_in), each PushRequest goes through push.push (the same policy,
authorisation and idempotency: a bundle applied twice answers duplicates), and the reply's pages are
pull.pull's from the bundle's cursor. Only the first page acknowledges what came before it: the
device has not seen the later pages yet when the next are made.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from caseworker import i18n
from caseworker.server import admin, bundle_files, pull, push
from caseworker.server import db as t
from caseworker.server.auth import Principal, device_principal_in, iso
from caseworker.server.db import Database, upsert
from caseworker.server.errors import ApiError
from caseworker.sync import bundle_format as bf
from caseworker.sync import protocol as p
from caseworker.sync import sealing

i18n.register(
    {
        "bundle_unknown_device": (
            "{path}: perangkat pembuat berkas ini belum mendaftarkan kuncinya di server ini (sinkronkan "
            "sekali lewat jaringan, atau berkas ini untuk server lain).",
            "{path}: the device that made this file has not registered its keys with this server (sync "
            "once over the network, or the file is for another server).",
        ),
        "server_unknown_device": ("Perangkat tidak dikenal server.", "The server does not know this device."),
    }
)

_KEYS = "bundle_keys"  # meta: the server's private keys (JSON), as the throttle's secret is kept
PAGE_BYTES = 8 * 1024 * 1024  # of JSON per page
REPLY_BYTES = 256 * 1024 * 1024  # of page JSON per reply; more waits for the next bundle


def server_keys(database: Database) -> sealing.KeyPair:
    """This server's bundle key pair, made on first need (several servers over one database agree on the
    first one written)."""
    cached = getattr(database, "_bundle_keys", None)
    if cached is not None:
        return cached
    with database.read() as conn:
        stored = conn.execute(select(t.meta.c.value).where(t.meta.c.key == _KEYS)).scalar()
    if stored is None:
        with database.write() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            made = json.dumps(sealing.KeyPair.generate().to_json())
            conn.execute(dialect.insert(t.meta).values(key=_KEYS, value=made).on_conflict_do_nothing(
                index_elements=["key"]))  # fmt: skip
            stored = conn.execute(select(t.meta.c.value).where(t.meta.c.key == _KEYS)).scalar_one()
    keys = sealing.KeyPair.from_json(json.loads(stored))
    database._bundle_keys = keys  # type: ignore[attr-defined]  # (they never change)
    return keys


def register_device(database: Database, pr: Principal, keys: sealing.PublicKeys) -> sealing.PublicKeys:
    """Keep the public keys of the token's device; answer the server's own (the device keeps them)."""
    with database.write() as conn:
        upsert(conn, t.device_keys, {"device_id": pr.device_id, "sign_key": sealing.b64(keys.sign),
               "box_key": sealing.b64(keys.box), "registered_at": iso(time.time())}, ["device_id"])  # fmt: skip
    return server_keys(database).public


def device_keys(conn: Connection, device_id: str) -> sealing.PublicKeys | None:
    row = conn.execute(select(t.device_keys).where(t.device_keys.c.device_id == device_id)).first()
    return (
        None if row is None else sealing.PublicKeys(sealing.unb64(row.sign_key), sealing.unb64(row.box_key))
    )


def apply(database: Database, path: str, data: bytes) -> tuple[bytes, bf.ReplyBundle]:
    """Apply a push bundle; the sealed reply for its device and what it says."""
    head = bf.peek(path, data, "push")  # type: ignore[arg-type]
    device_id = head["device_id"]
    with database.read() as conn:
        keys = device_keys(conn, device_id)
    if keys is None:
        raise bf.BundleError("bundle_unknown_device", path=str(path))
    _, body = bf.open_body(path, data, keys.sign, server_keys(database), bf.PushBundle)  # type: ignore[arg-type]
    if body.device_id != device_id:
        raise bf.BundleError("bundle_bad.damaged", path=str(path))
    username = body.username

    def identify(conn: Connection) -> Principal:
        return device_principal_in(conn, device_id, username)

    with database.read() as conn:
        pr = identify(conn)
    files_held = bundle_files.receive(database, pr, body.files)  # before the rows that name them, as online
    results: list[p.MutationResult] = []
    update_required = False
    for request in body.requests:
        answer = push.push(database, pr, request)
        results += answer.results
        update_required = update_required or answer.update_required
    reply = _pages(database, identify, body, device_id, head["bundle_id"])
    reply.results, reply.update_required = results, update_required or reply.update_required
    reply.files = bundle_files.answer(database, pr, [*bundle_files.named_in(reply.pages), *body.wants])
    reply.files_held = files_held
    if pr.facility_code:
        reply.users = [p.FacilityUser(**u) for u in admin.facility_users(database, pr.facility_code)]
        reply.facilities = [p.FacilityEntry(**f) for f in admin.network_directory(database)]
    sealed = bf.seal(
        bf.header("reply", device_id, answers=head["bundle_id"]), reply, server_keys(database), keys
    )
    return sealed, reply


def _pages(
    database: Database,
    identify: Callable[[Connection], Principal],
    body: bf.PushBundle,
    device_id: str,
    answers: str,
) -> bf.ReplyBundle:
    reply = bf.ReplyBundle(device_id=device_id, answers=answers, server_time=iso(time.time()), results=[],
                           since=body.cursor, pages=[])  # fmt: skip
    since, size, first = body.cursor, 0, True
    protocol_version, schema_version = body.protocol_version, body.schema_version
    while True:
        _, response = pull.pull(database, identify, since, p.MAX_PULL_LIMIT, protocol_version, schema_version,
                                PAGE_BYTES, "columns", acknowledge=first)  # fmt: skip
        first = False
        page = p.PullResponse.model_validate_json(response.body)
        if page.update_required:
            reply.update_required = True
            return reply
        if page.reset:
            if reply.reset:  # (pull answers a reset only for a cursor other than zero)
                raise ApiError(500, "repeated_reset")
            reply.reset, since = True, 0
            continue
        reply.pages.append(page)
        reply.directory_etag = page.directory_etag
        size += len(response.body)
        since = page.cursor
        if not page.has_more:
            return reply
        if size >= REPLY_BYTES:
            reply.complete = False
            return reply
