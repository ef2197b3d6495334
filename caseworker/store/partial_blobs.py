"""A file being downloaded piece by piece, kept encrypted until it is whole (then it becomes an attachment
blob, caseworker.store.attachments.put_blob).

A slow link delivers a 5 MB scan over minutes and may drop it half-way; what came is kept, so the next try
(this sync or a later one, after a restart) asks only for the rest. Each piece is sealed on its own
(AES-GCM under the attachment key, bound to the file's hash and its offset) and appended as a record:
[4-byte length][12-byte nonce][ciphertext]. A record torn by a crash or a full disk fails to open and is
cut off with what follows, so a partial file never holds a byte that was not received as sent.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caseworker.private_files import private_dir
from caseworker.store.attachments import file_key, put_blob
from caseworker.store.store import Store

_HEAD = struct.Struct(">I")


def partial_path(store: Store, sha256: str) -> Path:
    return store.attachments_dir / f"{sha256}.part"


def _aad(sha256: str, offset: int) -> bytes:
    return f"{sha256}:{offset}".encode()


def _read(store: Store, sha256: str) -> tuple[list[bytes], int]:
    """The pieces that open, and the length of the file up to the last of them (what to keep)."""
    path = partial_path(store, sha256)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    cipher = AESGCM(file_key(store))
    pieces: list[bytes] = []
    at, offset = 0, 0
    while at + _HEAD.size + 12 <= len(raw):
        (length,) = _HEAD.unpack_from(raw, at)
        start = at + _HEAD.size
        end = start + 12 + length
        if end > len(raw):
            break
        try:
            piece = cipher.decrypt(raw[start : start + 12], raw[start + 12 : end], _aad(sha256, offset))
        except InvalidTag:
            break
        pieces.append(piece)
        offset += len(piece)
        at = end
    return pieces, at


def received(store: Store, sha256: str) -> int:
    """How many bytes of the file are here already (0 when nothing is); a torn last record is dropped."""
    pieces, keep = _read(store, sha256)
    path = partial_path(store, sha256)
    if path.exists() and path.stat().st_size != keep:
        with open(path, "r+b") as f:
            f.truncate(keep)
    return sum(len(p) for p in pieces)


def append(store: Store, sha256: str, offset: int, data: bytes) -> None:
    """Keep one piece that starts at `offset` (which must be what `received` says)."""
    private_dir(store.attachments_dir)
    nonce = os.urandom(12)
    sealed = AESGCM(file_key(store)).encrypt(nonce, data, _aad(sha256, offset))
    path = partial_path(store, sha256)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, _HEAD.pack(len(sealed)) + nonce + sealed)
        os.fsync(fd)
    finally:
        os.close(fd)


def finish(store: Store, sha256: str) -> bool:
    """Turn a whole partial file into the attachment blob. False (and the pieces dropped) when what came
    does not hash to `sha256`: the download starts over."""
    pieces, _keep = _read(store, sha256)
    data = b"".join(pieces)
    ok = hashlib.sha256(data).hexdigest() == sha256
    if ok:
        put_blob(store, data)
    discard(store, sha256)
    return ok


def discard(store: Store, sha256: str) -> None:
    partial_path(store, sha256).unlink(missing_ok=True)
