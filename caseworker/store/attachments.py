"""Attachments (photos, scans): files kept encrypted beside the store, content-addressed by SHA-256.

The file key is derived from the database key (HKDF), so the same login that opens the store opens the
files; the plaintext hash names the file so a scan added twice is stored once and sync can upload by hash.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.private_files import private_dir, write_private_bytes
from caseworker.store import repository as repo
from caseworker.store.store import Store

MAX_BYTES = 50 * 1024 * 1024

i18n.register(
    {
        "attachment_too_big": (
            "Berkas {name} terlalu besar ({mb} MB); batasnya 50 MB.",
            "{name} is too large ({mb} MB); the limit is 50 MB.",
        ),
        "attachment_missing": (
            'Isi lampiran {name} belum ada di laptop ini (belum diunduh). Tekan "Unduh sekarang" di tab '
            "Dokumen kasus saat ada koneksi.",
            'The content of attachment {name} is not on this laptop yet (not downloaded). Press "Download '
            "now\" in the case's Documents tab when there is a connection.",
        ),
        "attachment_damaged": (
            "Lampiran {name} rusak (hash tidak cocok).",
            "Attachment {name} is damaged (hash mismatch).",
        ),
    }
)


def file_key(store: Store) -> bytes:
    """The key of the attachment files (and of their partial downloads), from the store's key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"caseworker-attachments").derive(
        store.key
    )


def blob_path(store: Store, sha256: str) -> Path:
    return store.attachments_dir / f"{sha256}.enc"


def put_blob(store: Store, data: bytes) -> str:
    """Encrypt and keep the bytes; returns their SHA-256. Idempotent."""
    digest = hashlib.sha256(data).hexdigest()
    target = blob_path(store, digest)
    if not target.exists():
        private_dir(store.attachments_dir)
        nonce = os.urandom(12)
        tmp = target.with_suffix(".tmp")
        write_private_bytes(tmp, nonce + AESGCM(file_key(store)).encrypt(nonce, data, digest.encode()))
        os.replace(tmp, target)
    return digest


def is_here(store: Store, row: dict) -> bool:
    """Is an attachment row's content on this laptop (not only its row, still to be downloaded)?"""
    return bool(row.get("sha256")) and blob_path(store, row["sha256"]).exists()


def get_blob(store: Store, sha256: str, name: str = "") -> bytes:
    target = blob_path(store, sha256)
    if not target.exists():
        raise KnownError("attachment_missing", name=name or sha256[:12])
    raw = target.read_bytes()
    data = AESGCM(file_key(store)).decrypt(raw[:12], raw[12:], sha256.encode())
    if hashlib.sha256(data).hexdigest() != sha256:
        raise KnownError("attachment_damaged", name=name or sha256[:12])
    return data


def add_attachment(store: Store, case_id: str, file: str | os.PathLike[str], description: str = "") -> str:
    path = Path(file)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise KnownError("attachment_too_big", name=path.name, mb=size // (1024 * 1024))
    digest = put_blob(store, path.read_bytes())
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return repo.insert(
        store,
        "attachments",
        {"case_id": case_id, "filename": path.name, "mime": mime, "size": size, "sha256": digest,
         "description": description},
    )  # fmt: skip


def read_attachment(store: Store, attachment_id: str) -> tuple[dict, bytes]:
    row = repo.get_row(store, "attachments", attachment_id)
    repo.audit(store, "open_attachment", "attachments", attachment_id, row["case_id"])
    return row, get_blob(store, row["sha256"], row["filename"])
