"""Sync bundles: what a laptop without a network carries to the server on a USB stick, and the reply.

A push bundle holds what a push would send (the outbox as PushRequests), the device's pull cursor and who
wrote it; the server applies it as pushes and answers with a reply bundle: each mutation's result and the
pull pages after that cursor. Both are sealed files (caseworker.sync.sealing): a push is sealed to the
server and signed by the device, a reply sealed to the device and signed by the server. Shared by the
laptop (caseworker.sync.bundle) and the server (caseworker.server.bundles).
"""

from __future__ import annotations

import base64
import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.sync import encoding, sealing
from caseworker.sync import protocol as p

FORMAT = 1
MAX_BODY = 1024 * 1024 * 1024  # decoded; a first sync of a large unit is a few hundred MB of JSON
Kind = Literal["push", "reply"]
M = TypeVar("M", bound=BaseModel)

i18n.register(
    {
        "bundle_bad.not_bundle": (
            "{path}: bukan berkas sinkronisasi Caseworker.",
            "{path}: not a Caseworker sync file.",
        ),
        "bundle_bad.format": (
            "{path}: berkas sinkronisasi dari versi aplikasi lain; perbarui aplikasi.",
            "{path}: a sync file of another app version; update the app.",
        ),
        "bundle_bad.truncated": (
            "{path}: berkas terpotong (tidak lengkap); salin lagi dari perangkat asalnya.",
            "{path}: the file is cut short (incomplete); copy it again from where it was made.",
        ),
        "bundle_bad.damaged": (
            "{path}: berkas rusak; salin lagi dari perangkat asalnya.",
            "{path}: the file is damaged; copy it again from where it was made.",
        ),
        "bundle_bad.signature": (
            "{path}: tanda tangan tidak cocok: berkas diubah atau rusak setelah dibuat. Tidak ada yang "
            "diterapkan.",
            "{path}: the signature does not match: the file was changed or damaged after it was made. "
            "Nothing was applied.",
        ),
        "bundle_bad.not_for_me": (
            "{path}: berkas ini tidak ditujukan ke sini (dienkripsi untuk perangkat atau server lain).",
            "{path}: this file is not meant for here (it is encrypted to another device or server).",
        ),
        "bundle_bad.kind_push": (
            "{path}: ini berkas kiriman laptop; yang dibutuhkan di sini berkas balasan server.",
            "{path}: this is a laptop's bundle; a server's reply is needed here.",
        ),
        "bundle_bad.kind_reply": (
            "{path}: ini berkas balasan server; yang dibutuhkan di sini berkas kiriman laptop.",
            "{path}: this is a server's reply; a laptop's bundle is needed here.",
        ),
        "bundle_unreadable": ("{path}: tidak dapat dibaca ({detail}).", "{path}: cannot be read ({detail})."),
    }
)


class BundleError(KnownError):
    """A bundle refused before anything was applied."""

    exit_code = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class BundleFile(_Model):
    """An attachment's file on the stick: its sha256 and its bytes (base64 in the sealed JSON)."""

    sha256: str
    data: str

    @classmethod
    def of(cls, sha256: str, content: bytes) -> BundleFile:
        return cls(sha256=sha256, data=base64.b64encode(content).decode())

    def content(self) -> bytes:
        return base64.b64decode(self.data, validate=True)


class PushBundle(_Model):
    device_id: str
    username: str  # whose mutations these are: the account the server has the device under
    cursor: int  # the device's pull cursor when it wrote the bundle: the reply's pages start there
    outbox_upto: int
    created: str
    protocol_version: int = p.PROTOCOL_VERSION
    schema_version: int = 1
    requests: list[p.PushRequest]
    files: list[BundleFile] = []  # the files of the new attachments these requests carry
    wants: list[str] = []  # sha256 of attachments this laptop has the row of but not the file


class ReplyBundle(_Model):
    device_id: str
    answers: str  # the push bundle's id
    server_time: str
    results: list[p.MutationResult]
    update_required: bool = False
    since: int  # the cursor the pages start after (the push bundle's)
    reset: bool = False  # the server restarted the device's pulls from zero: pages start at 0
    pages: list[p.PullResponse]
    complete: bool = True  # False: more after the last page, for the next bundle
    users: list[p.FacilityUser] | None = None
    facilities: list[p.FacilityEntry] | None = None  # the network's directory (issue 19)
    directory_etag: str | None = None
    files: list[BundleFile] = []  # attachments' files the device wants or the pages name, that it may read
    files_held: list[str] = []  # sha256 of the push bundle's files the server now holds whole

    @property
    def end(self) -> int:
        """The cursor after the last page."""
        return self.pages[-1].cursor if self.pages else (0 if self.reset else self.since)


def header(kind: Kind, device_id: str, answers: str | None = None) -> dict[str, Any]:
    made = {
        "format": FORMAT,
        "kind": kind,
        "device_id": device_id,
        "bundle_id": str(uuid.uuid4()),  # unique is all it needs (no client store code on the server)
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if answers is not None:
        made["answers"] = answers
    return made


def seal(head: dict[str, Any], body: BaseModel, sender: sealing.KeyPair, to: sealing.PublicKeys) -> bytes:
    return sealing.seal(head, encoding.encode("zstd", body.model_dump_json().encode()), sender, to)


def read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BundleError(
            "bundle_unreadable", path=str(path), detail=exc.strerror or type(exc).__name__
        ) from exc


def peek(path: Path, data: bytes, kind: Kind) -> dict[str, Any]:
    """The clear header of a bundle of `kind` (not trusted until opened)."""
    try:
        head = sealing.read_header(data)
    except sealing.SealError as exc:
        raise BundleError(f"bundle_bad.{exc.reason}", path=str(path)) from exc
    if head.get("format") != FORMAT:
        raise BundleError("bundle_bad.format", path=str(path))
    if head.get("kind") != kind:
        raise BundleError(f"bundle_bad.kind_{head.get('kind') if head.get('kind') in ('push', 'reply') else 'push'}",
                          path=str(path))  # fmt: skip
    if not isinstance(head.get("device_id"), str) or not isinstance(head.get("bundle_id"), str):
        raise BundleError("bundle_bad.damaged", path=str(path))
    return head


def open_body(
    path: Path, data: bytes, signer: bytes, reader: sealing.KeyPair, model: type[M]
) -> tuple[dict[str, Any], M]:
    try:
        head, body = sealing.open_sealed(data, signer, reader)
        return head, model.model_validate_json(encoding.decode("zstd", body, MAX_BODY))
    except sealing.SealError as exc:
        raise BundleError(f"bundle_bad.{exc.reason}", path=str(path)) from exc
    except (encoding.BadEncoding, encoding.TooLarge, ValidationError) as exc:
        # Signed as it is, so made this way: an app version that wrote something else.
        raise BundleError("bundle_bad.format", path=str(path)) from exc


def write(path: Path, data: bytes) -> None:
    """Whole or not at all: a stick pulled out while writing leaves no half bundle under the name."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
