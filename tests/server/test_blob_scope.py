"""Files by hash: knowing a sha256 opens nothing. Reading (GET, HEAD) goes through an attachment in scope,
an unfinished upload is its uploader's own, and attaching needs proof of holding the content."""

from __future__ import annotations

import hashlib
import os

from caseworker.server import blobs
from caseworker.server.db import Database
from tests.server.helpers import Device, mutation, new_case, new_id, principal_of


def _put(device: Device, sha: str, offset: int, total: int, chunk: bytes):
    return device.client.put(
        f"/blobs/{sha}", params={"offset": offset, "size": total}, content=chunk, headers=device.headers
    )


def _upload(device: Device, content: bytes, parts: int = 1) -> None:
    sha, step = hashlib.sha256(content).hexdigest(), -(-len(content) // parts)
    for offset in range(0, len(content), step):
        resp = _put(device, sha, offset, len(content), content[offset : offset + step])
        assert resp.status_code == 200, resp.text
    assert resp.headers["X-Blob-Complete"] == "1"


def _attach(device: Device, case_id: str, sha: str, size: int) -> str:
    attachment_id = new_id()
    fields = {"case_id": case_id, "filename": "kk.jpg", "mime": "image/jpeg", "size": size, "sha256": sha}
    assert (
        device.push(mutation("attachments", attachment_id, "insert", fields, by=device.username))[0]["status"]
        == "applied"
    )
    return attachment_id


def _may_attach(db: Database, device: Device, sha: str) -> bool:
    with db.read() as conn:
        return blobs.may_attach(conn, principal_of(device), sha)


def test_head_and_get_answer_only_through_an_attachment_in_scope(client, world):
    ani, budi, wati = Device(client, "ani"), Device(client, "budi"), Device(client, "wati")
    content = os.urandom(50_000)
    sha = hashlib.sha256(content).hexdigest()
    _upload(ani, content)
    for other in (budi, wati):  # stored, but nobody else may learn that (nor its size)
        head = client.head(f"/blobs/{sha}", headers=other.headers)
        assert head.status_code == 404 and "X-Blob-Size" not in head.headers
        assert client.get(f"/blobs/{sha}", headers=other.headers).status_code == 404
    assert client.get(f"/blobs/{sha}", headers=ani.headers).status_code == 404  # uploading is not reading

    _, case_id = new_case(ani)
    attachment_id = _attach(ani, case_id, sha, len(content))
    for reader in (ani, budi):
        head = client.head(f"/blobs/{sha}", headers=reader.headers)
        assert head.status_code == 200 and head.headers["X-Blob-Size"] == str(len(content))
        assert client.get(f"/blobs/{sha}", headers=reader.headers).content == content
    assert client.head(f"/blobs/{sha}", headers=wati.headers).status_code == 404

    deleted = mutation("attachments", attachment_id, "delete", {"deleted": 1}, None, 1)
    assert ani.push(deleted)[0]["status"] == "applied"
    assert client.get(f"/blobs/{sha}", headers=budi.headers).status_code == 404  # a deleted attachment
    assert client.head(f"/blobs/{sha}", headers=budi.headers).status_code == 404


def test_an_unfinished_upload_is_its_uploaders_own(client, world):
    ani, budi, wati = Device(client, "ani"), Device(client, "budi"), Device(client, "wati")
    content = os.urandom(300_000)
    sha = hashlib.sha256(content).hexdigest()
    assert _put(ani, sha, 0, len(content), content[:100_000]).headers["X-Blob-Size"] == "100000"

    assert client.head(f"/blobs/{sha}", headers=wati.headers).status_code == 404
    # Appending where ani's upload stands is another upload for budi: his own, still empty.
    append = _put(budi, sha, 100_000, len(content), content[100_000:])
    assert append.status_code == 409 and append.headers["X-Blob-Size"] == "0"
    # Spoiling: budi's damaged upload is discarded; ani's is untouched.
    damaged = content[:-1] + b"X"
    assert _put(budi, sha, 0, len(damaged), damaged).json()["error"] == "hash_mismatch"
    assert client.head(f"/blobs/{sha}", headers=budi.headers).status_code == 404
    head = client.head(f"/blobs/{sha}", headers=ani.headers)
    assert head.headers["X-Blob-Size"] == "100000" and head.headers["X-Blob-Complete"] == "0"

    _upload(wati, content, parts=3)  # a second uploader of the same file, meanwhile
    rest = _put(ani, sha, 100_000, len(content), content[100_000:])
    assert rest.status_code == 200 and rest.headers["X-Blob-Complete"] == "1"
    _, case_id = new_case(ani)
    _attach(ani, case_id, sha, len(content))
    assert client.get(f"/blobs/{sha}", headers=budi.headers).content == content


def test_a_stored_blob_is_uploaded_again_without_learning_it_existed(client, world, db):
    ani, budi, wati = Device(client, "ani"), Device(client, "budi"), Device(client, "wati")
    known, fresh = os.urandom(200_000), os.urandom(200_000)
    _upload(ani, known)
    sha = hashlib.sha256(known).hexdigest()
    assert not _may_attach(db, budi, sha) and not _may_attach(db, wati, sha)  # knowing the hash

    answers = []
    for device, content in ((budi, known), (budi, fresh)):
        digest, half = hashlib.sha256(content).hexdigest(), len(content) // 2
        first = _put(device, digest, 0, len(content), content[:half])
        second = _put(device, digest, half, len(content), content[half:])
        answers.append(
            [(r.status_code, r.headers["X-Blob-Size"], r.headers["X-Blob-Complete"]) for r in (first, second)]
        )
    assert answers[0] == answers[1]  # the same answers as for a file the server never had
    assert _may_attach(db, budi, sha)  # he proved he holds it
    assert client.get(f"/blobs/{sha}", headers=budi.headers).status_code == 404  # still no attachment


def test_may_attach(client, world, db):
    ani, budi, wati, tata = (Device(client, name) for name in ("ani", "budi", "wati", "tata"))
    content = os.urandom(100_000)
    sha = hashlib.sha256(content).hexdigest()
    assert _put(ani, sha, 0, len(content), content[:10]).status_code == 200
    assert not _may_attach(db, ani, sha)  # unfinished
    assert _put(ani, sha, 10, len(content), content[10:]).headers["X-Blob-Complete"] == "1"
    assert _may_attach(db, ani, sha)
    assert not _may_attach(db, budi, sha) and not _may_attach(db, wati, sha)
    assert not _may_attach(db, ani, "0" * 64) and not _may_attach(db, ani, "not-a-hash")

    _, case_id = new_case(ani)
    _attach(ani, case_id, sha, len(content))
    assert _may_attach(db, budi, sha)  # an attachment he sees references it
    assert not _may_attach(db, wati, sha)  # another facility's
    assert not _may_attach(db, tata, sha)  # staff never writes


def test_knowing_a_hash_does_not_attach_it(client, world):
    """The attack: attach a known sha256 to a case of one's own, then download it through that case."""
    ani, wati = Device(client, "ani"), Device(client, "wati")
    content = os.urandom(40_000)
    sha = hashlib.sha256(content).hexdigest()
    _upload(ani, content)
    _, ani_case = new_case(ani)
    _attach(ani, ani_case, sha, len(content))

    _, wati_case = new_case(wati, facility="MLG")
    fields = {"case_id": wati_case, "filename": "x.jpg", "mime": "image/jpeg", "size": 1, "sha256": sha}
    result = wati.push(mutation("attachments", new_id(), "insert", fields, by="wati"))[0]
    assert result["status"] == "rejected" and result["reason"] == "unknown_reference"
    assert client.get(f"/blobs/{sha}", headers=wati.headers).status_code == 404
    _upload(wati, content, parts=2)  # holding the file herself: then she may attach it
    assert _attach(wati, wati_case, sha, len(content))
    assert client.get(f"/blobs/{sha}", headers=wati.headers).content == content
