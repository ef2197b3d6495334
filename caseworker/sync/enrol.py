"""Joining a server: log in, create the encrypted profile with the account's facility and role, keep tokens.

The device id is made before the login (the server binds the session to it) and written into the new
profile. Nothing is created when the login fails; the profile appears whole or not at all (create_profile),
so a killed enrolment is simply run again; a failure after the profile exists is harmless (the next
`caseworker sync` continues with that profile).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.store.ids import uuid7
from caseworker.store.profile import create_profile, write_profile
from caseworker.store.store import Store
from caseworker.sync import bundle
from caseworker.sync.directory import refresh_directory
from caseworker.sync.transport import HttpTransport, SyncError, Transport

i18n.register(
    {
        "sync_enrol_no_facility": (
            "Akun {user} tidak terdaftar di unit mana pun (admin tidak memakai aplikasi ini).",
            "Account {user} belongs to no facility (administrators do not use this app).",
        ),
        "sync_not_server_profile": (
            "Profil ini berdiri sendiri (tanpa server); sinkronisasi tidak tersedia.",
            "This profile is standalone (no server); sync is not available.",
        ),
        "sync_no_server": (
            "Alamat server belum diketahui: sebutkan dengan --server URL.",
            "The server address is not known: give it with --server URL.",
        ),
    }
)

TransportFactory = Callable[[str, str], Transport]


def http_transport(server_url: str, device_id: str) -> HttpTransport:
    return HttpTransport(server_url, device_id)


def enrol(
    folder: Path,
    server_url: str,
    username: str,
    password: str,
    transport_factory: TransportFactory = http_transport,
) -> tuple[Store, Transport]:
    """Log in to the server and create the profile at `folder`; returns the open store and the transport."""
    device_id = uuid7()
    transport = transport_factory(server_url, device_id)
    login = transport.login(username, password)
    user = login.user
    if not user.facility_code or user.role not in ("worker", "supervisor", "staff"):
        raise KnownError("sync_enrol_no_facility", user=username)
    facility = login.facility
    store = create_profile(
        folder,
        username=user.username,
        password=password,
        facility_code=user.facility_code,
        facility_name=facility.name if facility else user.facility_code,
        role=user.role,
        full_name=user.full_name or "",
        mode="server",
        server_url=server_url,
        facility={"address": facility.address} if facility and facility.address else None,
        device_id=device_id,
    )
    if isinstance(transport, HttpTransport):
        _remember_push_coding(store, transport.push_coding)  # learnt from the login's answer
        transport.on_push_coding = lambda coding: _remember_push_coding(store, coding)
    refresh_directory(store, transport)
    with contextlib.suppress(SyncError):  # an older server: the keys go with a later sync
        bundle.ensure_registered(store, transport)
    return store, transport


def transport_for(store: Store, transport_factory: TransportFactory = http_transport) -> Transport:
    """The transport of an existing server profile, with the session of the profile's signed-in user (one
    per user on a shared laptop; none yet: the first call raises LoginExpired, which asks for their
    server password)."""
    if store.profile.get("mode") != "server":
        raise KnownError("sync_not_server_profile")
    url = store.profile.get("server_url")
    if not url:
        raise KnownError("sync_no_server")
    transport = transport_factory(str(url), store.device_id)
    if isinstance(transport, HttpTransport):
        transport.use_user(store.user.username)
        transport.on_new_device_id = lambda device_id: _move_to_device_id(store, device_id)
        # The first push of a run is compressed too when an earlier run learnt the server takes it.
        transport.push_coding = store.profile.get("push_coding")
        transport.on_push_coding = lambda coding: _remember_push_coding(store, coding)
    return transport


def _remember_push_coding(store: Store, coding: str | None) -> None:
    store.profile["push_coding"] = coding
    write_profile(store.profile_dir, store.profile)


def _move_to_device_id(store: Store, device_id: str) -> None:
    """The server has this profile's device id under another account, and this laptop could not prove it
    holds it (its refresh token expired or was never kept): the profile joins under a new id. Nothing
    local changes; the server starts the new device's pulls from zero (a reset), and pending changes are
    sent as they are (each mutation id is sent once, whatever the device). The other users' sessions of
    the old id are of no use any more (the server kept only the holder's): each signs in again, with
    this user's session as the proof that the laptop holds the new id."""
    store.profile["device_id"] = device_id
    write_profile(store.profile_dir, store.profile)
