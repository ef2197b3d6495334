"""Profile folders: create, unlock and describe them.

A profile folder holds `profile.json` (not secret: facility, device id, mode), `keyslots.json` (the database
key wrapped per user), `caseworker.db` (SQLCipher-encrypted) and `attachments/` (encrypted files).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from caseworker import __version__, i18n
from caseworker.errors import KnownError, StoreError
from caseworker.private_files import POSIX, private_dir, tighten_tree, write_private_text
from caseworker.security.keyslots import SlotFile, check_password_rules, make_slot, new_database_key
from caseworker.store import db as dbmod
from caseworker.store.ids import now_iso, uuid7
from caseworker.store.migrations import current_version, migrate
from caseworker.store.schema import ROLES, SCHEMA_VERSION
from caseworker.store.store import Store, User

PROFILE_FILE = "profile.json"
SLOTS_FILE = "keyslots.json"

i18n.register(
    {
        "bad_role": ("Peran tidak dikenal: {role}.", "Unknown role: {role}."),
        "bad_facility_code": (
            "Kode unit harus 2-10 huruf/angka tanpa spasi (contoh: SDA).",
            "The facility code must be 2-10 letters or digits without spaces (e.g. SDA).",
        ),
        "user_exists": ("Pengguna {user} sudah ada.", "User {user} already exists."),
        "user_inactive": ("Pengguna {user} dinonaktifkan.", "User {user} is disabled."),
        "profile_folder_not_empty": (
            "Folder {path} tidak kosong dan bukan profil Caseworker. Pilih folder kosong atau folder baru.",
            "The folder {path} is not empty and is not a Caseworker profile. Choose an empty or a new folder.",
        ),
    }
)


def is_profile(path: Path) -> bool:
    return (path / PROFILE_FILE).exists() and (path / dbmod.DB_FILENAME).exists()


def read_profile(path: Path) -> dict[str, Any]:
    if not is_profile(path):
        raise KnownError("no_profile", path=str(path))
    return json.loads((path / PROFILE_FILE).read_text("utf-8"))


def write_profile(path: Path, data: dict[str, Any]) -> None:
    tmp = path / (PROFILE_FILE + ".tmp")
    write_private_text(tmp, json.dumps(data, indent=1, ensure_ascii=False))
    os.replace(tmp, path / PROFILE_FILE)


def _check_facility_code(code: str) -> str:
    code = code.strip().upper()
    if not (2 <= len(code) <= 10 and code.isalnum()):
        raise KnownError("bad_facility_code")
    return code


def create_profile(
    path: Path,
    *,
    username: str,
    password: str,
    facility_code: str,
    facility_name: str = "",
    role: str = "supervisor",
    full_name: str = "",
    mode: str = "standalone",
    server_url: str | None = None,
    facility: dict[str, Any] | None = None,
    device_id: str | None = None,
) -> Store:
    """A new profile with its first user. The first user of a standalone profile manages it (supervisor).

    Atomic: the profile is built in a hidden sibling folder and renamed into place when complete, so a
    kill at any moment leaves `path` either as it was (absent or empty) or a whole profile; the next
    attempt starts cleanly (its hidden leftovers are removed)."""
    if is_profile(path):
        raise KnownError("profile_exists", path=str(path))
    if role not in ROLES:
        raise KnownError("bad_role", role=role)
    check_password_rules(password)
    facility_code = _check_facility_code(facility_code)
    path = Path(path)
    _set_aside_unfinished(path)
    private_dir(path.parent)
    _remove_staging(path)
    staging = path.parent / f"{STAGING_PREFIX}{path.name}.{uuid7()}"
    key = new_database_key()
    profile = _build(
        staging,
        key,
        username=username,
        password=password,
        facility={"code": facility_code, "name": facility_name or facility_code, **(facility or {})},
        role=role,
        full_name=full_name,
        mode=mode,
        server_url=server_url,
        device_id=device_id or uuid7(),
    )
    if path.exists():
        path.rmdir()  # empty (checked above); a folder cannot be renamed over a folder everywhere
    os.rename(staging, path)
    if POSIX:
        _sync_folder(path.parent)
    db = dbmod.connect(path / dbmod.DB_FILENAME, key)
    return Store(path, db, User(username, role, facility_code, full_name or username), profile, key)


STAGING_PREFIX = ".creating-"
# What a creation by an older version (not atomic) could leave when killed before profile.json.
_CREATION_FILES = frozenset(
    {dbmod.DB_FILENAME, dbmod.DB_FILENAME + "-wal", dbmod.DB_FILENAME + "-shm", SLOTS_FILE, "attachments"}
)


def _build(
    staging: Path,
    key: bytes,
    *,
    username: str,
    password: str,
    facility: dict[str, Any],
    role: str,
    full_name: str,
    mode: str,
    server_url: str | None,
    device_id: str,
) -> dict[str, Any]:
    private_dir(staging)
    private_dir(staging / "attachments")
    db = dbmod.connect(staging / dbmod.DB_FILENAME, key)
    try:
        migrate(db)
        db["facilities"].insert(facility, alter=False)
        db["users"].insert(
            {
                "username": username,
                "full_name": full_name or username,
                "role": role,
                "facility_code": facility["code"],
            },
        )
        SlotFile(staging / SLOTS_FILE).put(make_slot(username, password, key))
        profile = {
            "format": 1,
            "facility_code": facility["code"],
            "facility_name": facility["name"],
            "device_id": device_id,
            "mode": mode,
            "server_url": server_url,
            "created_at": now_iso(),
            "app_version": __version__,
        }
        write_profile(staging, profile)
        user = User(username, role, facility["code"], full_name or username)
        from caseworker.store.repository import audit

        audit(
            Store(staging, db, user, profile, key), "profile_create", details={"facility": facility["code"]}
        )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    return profile


def _remove_staging(path: Path) -> None:
    """Hidden folders of earlier attempts to create this profile that were killed: never a profile."""
    for leftover in path.parent.glob(f"{STAGING_PREFIX}{path.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _set_aside_unfinished(path: Path) -> None:
    """`path` must be absent or empty. A folder left by an older version's killed creation (its files but
    no profile.json: it never opened, it holds no one's work) is moved aside, not deleted."""
    if not path.exists():
        return
    if not path.is_dir():
        raise KnownError("profile_exists", path=str(path))
    names = {child.name for child in path.iterdir()}
    if not names:
        return
    attachments = path / "attachments"
    if (
        PROFILE_FILE in names
        or not names <= _CREATION_FILES
        or (attachments.is_dir() and any(attachments.iterdir()))
    ):
        raise KnownError("profile_folder_not_empty", path=str(path))
    aside = path.with_name(f"{path.name}.unfinished-{uuid7()[:13]}")
    os.rename(path, aside)


def _sync_folder(folder: Path) -> None:
    """The rename reaches the disk before anyone is told the profile exists."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_profile(path: Path, username: str, password: str) -> Store:
    """Unlock the profile for a user: a wrong password raises WrongPassword and changes nothing (but the
    folder's modes: what an older version left 0755/0644 is made 0700/0600 first).

    A folder that cannot be written (a read-only disk or folder, a full disk) is opened for reading only:
    the store's `read_only` says why ("read_only", "disk_full"; `read_only_notice` words it), and every
    write is refused with that reason. It raises StoreError(cannot_open_…) only when even reading needs a
    write (a store that must be upgraded first, a -wal that cannot be read without its -shm)."""
    profile = read_profile(path)
    with contextlib.suppress(OSError):  # a read-only folder is tightened on its next writable opening
        tighten_tree(path)
    key = SlotFile(path / SLOTS_FILE).unlock(username, password)
    try:
        return _open(path, profile, key, username, None)
    except StoreError as exc:
        if exc.key not in READ_ONLY_REASONS:
            raise
        reason = exc.key
    return _open(path, profile, key, username, reason)


READ_ONLY_REASONS = ("read_only", "disk_full")


def read_only_notice(store: Store, lang: str | None = None) -> str:
    """What to tell the user when the store was opened for reading only; '' when it can be written."""
    if store.read_only is None:
        return ""
    return i18n.text(f"opened_{store.read_only}", lang, path=str(store.profile_dir))


def _open(path: Path, profile: dict[str, Any], key: bytes, username: str, read_only: str | None) -> Store:
    file = path / dbmod.DB_FILENAME
    db = dbmod.connect_read_only(file, key) if read_only else dbmod.connect(file, key)
    try:
        with dbmod.released_wal_on_full_disk(db.conn), dbmod.translated_errors(path):
            if read_only is None:
                migrate(db)
            elif current_version(db) != SCHEMA_VERSION:  # upgrading writes: not on this folder
                raise StoreError(f"cannot_open_{read_only}", path=str(path))
            row = db.execute(
                "SELECT username, role, facility_code, full_name, nip, active FROM users WHERE username = ?",
                [username],
            ).fetchone()
            if row is None:
                raise KnownError("unknown_user", user=username)
            if not row[5]:
                raise KnownError("user_inactive", user=username)
            user = User(row[0], row[1], row[2], row[3] or "", row[4] or "")
            store = Store(path, db, user, profile, key, read_only)
            if read_only is None:
                from caseworker.store.repository import audit

                audit(store, "login")  # a full disk fails here first: opened again for reading
    except BaseException:
        db.conn.close()
        raise
    return store


def add_user(
    store: Store, username: str, password: str, role: str, full_name: str = "", nip: str = ""
) -> None:
    """Give another worker of the facility their own login on this profile (a key slot of their own)."""
    if role not in ROLES:
        raise KnownError("bad_role", role=role)
    check_password_rules(password)
    slots = SlotFile(store.profile_dir / SLOTS_FILE)
    if username in slots.load():
        raise KnownError("user_exists", user=username)
    raise_if_not_supervisor(store, "tambah pengguna / add a user")
    listed = store.one("SELECT username FROM users WHERE username = ?", [username])
    with store.transaction():
        if listed is not None and store.profile.get("mode") == "server":
            # A server profile already lists the facility's users (its directory, with the server's role):
            # the new login only gets its key slot; the row stays as the server says.
            from caseworker.store.repository import audit

            audit(store, "user_add", details={"user": username, "role": role})
            slots.put(make_slot(username, password, store.key))
            return
        store.db["users"].insert(
            {
                "username": username,
                "full_name": full_name or username,
                "role": role,
                "facility_code": store.user.facility_code,
                "nip": nip,
                "active": 1,
            }
        )
        from caseworker.store.repository import audit

        audit(store, "user_add", details={"user": username, "role": role})
    slots.put(make_slot(username, password, store.key))


def change_password(store: Store, old_password: str, new_password: str) -> None:
    check_password_rules(new_password)
    slots = SlotFile(store.profile_dir / SLOTS_FILE)
    key = slots.unlock(store.user.username, old_password)
    slots.put(make_slot(store.user.username, new_password, key))


def raise_if_not_supervisor(store: Store, what: str) -> None:
    from caseworker.errors import NotAllowed

    if not store.user.is_supervisor:
        raise NotAllowed(what)
