"""Server session tokens of a profile, kept in the OS keyring (service "caseworker"), one entry per device id
and user: on a shared laptop ("Ganti pengguna") every person syncs with their own session, never with the
session of whoever signed in before.

Entries: `device:{id}:user:{username}` holds a user's tokens; `device:{id}:index` names the users with an
entry and the device's holder (the user who signed in to the server last on this device: the server binds
a device to one account at a time, so only the holder's refresh token can prove this laptop holds the
device when someone else signs in). `device:{id}` is the single entry of older versions, whose user is not
known: it is never used as anyone's session, only as that proof (and cleared with the device).

A machine without a working keyring backend still syncs: the tokens then live in memory for this run only
and the user is told once (the next run logs in again with the profile password).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from caseworker import i18n

SERVICE = "caseworker"

i18n.register(
    {
        "sync_no_keyring": (
            "Tidak ada penyimpanan kunci (keyring) di komputer ini: sesi server hanya disimpan selama "
            "aplikasi berjalan.",
            "No keyring is available on this computer: the server session is kept only while the app runs.",
        ),
    }
)


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: str = ""
    refresh_expires_at: str = ""


_memory: dict[str, str] = {}  # fallback when the keyring fails; process lifetime only
_keyring_notice_pending = True
_keyring_broken = False


def _keyring_failed() -> None:
    global _keyring_broken
    _keyring_broken = True


def keyring_notice() -> str | None:
    """The "no keyring" message, once per process, when the keyring could not be used."""
    global _keyring_notice_pending
    if _keyring_broken and _keyring_notice_pending:
        _keyring_notice_pending = False
        return i18n.text("sync_no_keyring")
    return None


def _get(key: str) -> str | None:
    raw = _memory.get(key)
    if raw is None and not _keyring_broken:
        try:
            import keyring

            raw = keyring.get_password(SERVICE, key)
        except Exception:  # no backend, locked or broken keyring: fall back to memory
            _keyring_failed()
    return raw or None


def _set(key: str, raw: str) -> None:
    if not _keyring_broken:
        try:
            import keyring

            keyring.set_password(SERVICE, key, raw)
            _memory.pop(key, None)
            return
        except Exception:
            _keyring_failed()
    _memory[key] = raw


def _delete(key: str) -> None:
    _memory.pop(key, None)
    if not _keyring_broken:
        try:
            import keyring

            keyring.delete_password(SERVICE, key)
        except Exception:
            pass  # nothing stored, or no keyring: nothing to delete


def _parse(raw: str | None) -> Tokens | None:
    if not raw:
        return None
    try:
        return Tokens(**json.loads(raw))
    except (ValueError, TypeError):
        return None


class DeviceIndex:
    """The users with a session entry on one device, and the device's holder."""

    def __init__(self, device_id: str) -> None:
        self.device_id = device_id
        self.key = f"device:{device_id}:index"

    def read(self) -> dict[str, Any]:
        try:
            data = json.loads(_get(self.key) or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        users = data.get("users")
        holder = data.get("holder")
        return {
            "users": [u for u in users if isinstance(u, str)] if isinstance(users, list) else [],
            "holder": holder if isinstance(holder, str) else None,
        }

    def write(self, users: list[str], holder: str | None) -> None:
        if not users and holder is None:
            _delete(self.key)
        else:
            _set(self.key, json.dumps({"users": sorted(set(users)), "holder": holder}))

    def users(self) -> list[str]:
        return list(self.read()["users"])

    def holder(self) -> str | None:
        return self.read()["holder"]


class TokenStore:
    """The tokens of one user on one profile (its device id)."""

    def __init__(self, device_id: str, username: str) -> None:
        self.device_id = device_id
        self.username = username
        self.key = f"device:{device_id}:user:{username}"

    def load(self) -> Tokens | None:
        return _parse(_get(self.key))

    def save(self, tokens: Tokens) -> None:
        """Keep this user's session; a saved session is the newest on the device (this user holds it)."""
        _set(self.key, json.dumps(asdict(tokens)))
        index = DeviceIndex(self.device_id)
        users = index.users()
        index.write([*users, self.username], self.username)

    def clear(self) -> None:
        _delete(self.key)
        index = DeviceIndex(self.device_id)
        state = index.read()
        holder = state["holder"] if state["holder"] != self.username else None
        index.write([u for u in state["users"] if u != self.username], holder)

    def device_proof(self) -> str | None:
        """The refresh token that shows the server this laptop holds the device, for this user's login:
        the holder's (the last user who signed in here), else this user's own, else an older version's
        single entry. None when there is none."""
        holder = DeviceIndex(self.device_id).holder()
        candidates = [TokenStore(self.device_id, holder).load() if holder else None, self.load()]
        candidates.append(_parse(_get(legacy_key(self.device_id))))
        for tokens in candidates:
            if tokens is not None and tokens.refresh_token:
                return tokens.refresh_token
        return None


def legacy_key(device_id: str) -> str:
    """The one entry per device of versions before sessions were kept per user."""
    return f"device:{device_id}"


def clear_device(device_id: str) -> None:
    """Forget every session of the device (all its users), e.g. when its local data is wiped."""
    index = DeviceIndex(device_id)
    for username in index.users():
        _delete(TokenStore(device_id, username).key)
    index.write([], None)
    _delete(legacy_key(device_id))
