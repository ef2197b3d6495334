"""Encrypted backups of a whole profile, and verified restore.

A backup is a zip of the profile's files: the database stays SQLCipher-encrypted (exported with the same
key), key slots and attachments are copied as they are. Restore unpacks into a new folder, proves it opens
with the given login and passes an integrity check, and only then swaps it in (keeping the old profile).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from caseworker import i18n
from caseworker.errors import KnownError, StoreError
from caseworker.private_files import make_parents, open_private, prepare_sqlite_file, tighten_tree
from caseworker.security.keyslots import SlotFile
from caseworker.store import db as dbmod
from caseworker.store.profile import PROFILE_FILE, SLOTS_FILE, open_profile
from caseworker.store.repository import audit
from caseworker.store.store import Store

i18n.register(
    {
        "bad_backup": (
            "Berkas {path} bukan cadangan Caseworker yang utuh: {why}. Profil sekarang tidak diubah.",
            "{path} is not a complete Caseworker backup: {why}. The current profile was not changed.",
        ),
    }
)


def write_backup(store: Store, out: str | os.PathLike[str]) -> Path:
    target = make_parents(Path(out).expanduser())  # folders it makes are 0700; the backup file is 0600
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        exported = Path(tmp) / dbmod.DB_FILENAME
        prepare_sqlite_file(exported)
        key_sql = dbmod.key_pragma(store.key).replace("PRAGMA key = ", "")
        with dbmod.translated_errors(target.parent):
            store.conn.execute(f"ATTACH DATABASE ? AS backup KEY {key_sql}", [str(exported)])
            try:
                store.conn.execute("SELECT sqlcipher_export('backup')")
            finally:
                store.conn.execute("DETACH DATABASE backup")
            partial = target.with_suffix(target.suffix + ".partial")
            with (
                open_private(partial, "wb") as handle,
                zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as zf,
            ):
                zf.write(exported, dbmod.DB_FILENAME)
                for name in (PROFILE_FILE, SLOTS_FILE):
                    zf.write(store.profile_dir / name, name)
                attachments = store.profile_dir / "attachments"
                if attachments.exists():
                    for f in sorted(attachments.iterdir()):
                        zf.write(f, f"attachments/{f.name}")
            os.replace(partial, target)
    audit(store, "backup", details={"file": target.name})
    return target


def restore_backup(file: str | os.PathLike[str], folder: Path, username: str | None, password: str) -> Path:
    """Verify the backup, then replace `folder` with it. Returns where the previous profile was kept."""
    source = Path(file).expanduser()
    folder = folder.expanduser().resolve()
    make_parents(folder)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=folder.parent))  # 0700
    try:
        try:
            with zipfile.ZipFile(source) as zf:
                names = set(zf.namelist())
                for needed in (dbmod.DB_FILENAME, PROFILE_FILE, SLOTS_FILE):
                    if needed not in names:
                        raise KnownError("bad_backup", path=str(source), why=f"{needed} missing")
                bad = zf.testzip()
                if bad:
                    raise KnownError("bad_backup", path=str(source), why=f"{bad} damaged")
                for name in names:
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise KnownError("bad_backup", path=str(source), why=f"unsafe name {name}")
                zf.extractall(staging)
        except (zipfile.BadZipFile, OSError) as exc:
            raise KnownError("bad_backup", path=str(source), why=str(exc)) from None
        (staging / "attachments").mkdir(exist_ok=True)
        tighten_tree(staging)  # extracted with the umask's modes
        if username is None:
            users = sorted(SlotFile(staging / SLOTS_FILE).load())
            username = users[0] if len(users) == 1 else ""
        store = open_profile(staging, username, password)  # wrong password -> WrongPassword, nothing replaced
        try:
            check = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise StoreError("not_a_store", path=str(source))
            audit(store, "restore", details={"file": source.name})
        finally:
            store.close()
        kept = folder.with_name(f"{folder.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        if folder.exists():
            os.replace(folder, kept)
        os.replace(staging, folder)
        return kept
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
