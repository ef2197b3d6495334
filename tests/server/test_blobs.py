"""Attachments: resumable uploads, hash check, reading in scope only."""

from __future__ import annotations

import hashlib
import os

from tests.server.helpers import Device, mutation, new_case, new_id


def _put(device: Device, sha: str, offset: int, total: int, chunk: bytes):
    return device.client.put(
        f"/blobs/{sha}", params={"offset": offset, "size": total}, content=chunk, headers=device.headers
    )


def test_upload_resumes_and_is_readable_in_scope_only(client, world):
    ani, budi, wati = Device(client, "ani"), Device(client, "budi"), Device(client, "wati")
    content = os.urandom(300_000)
    sha = hashlib.sha256(content).hexdigest()
    assert client.head(f"/blobs/{sha}", headers=ani.headers).status_code == 404

    first = _put(ani, sha, 0, len(content), content[:100_000])
    assert first.status_code == 200 and first.headers["X-Blob-Complete"] == "0"
    # The connection broke; the client asks where to resume.
    head = client.head(f"/blobs/{sha}", headers=ani.headers)
    assert head.headers["X-Blob-Size"] == "100000" and head.headers["X-Blob-Complete"] == "0"
    wrong = _put(ani, sha, 0, len(content), content[:100_000])
    assert wrong.status_code == 409 and wrong.headers["X-Blob-Size"] == "100000"
    assert wrong.json()["error"] == "offset_mismatch"
    rest = _put(ani, sha, 100_000, len(content), content[100_000:])
    assert rest.status_code == 200 and rest.headers["X-Blob-Complete"] == "1"

    # Not referenced yet: nobody reads it, not even its uploader (only an attachment in scope opens it).
    assert client.get(f"/blobs/{sha}", headers=ani.headers).status_code == 404
    assert client.get(f"/blobs/{sha}", headers=budi.headers).status_code == 404
    assert (
        client.head(f"/blobs/{sha}", headers=ani.headers).headers["X-Blob-Complete"] == "1"
    )  # she sent it all
    assert client.head(f"/blobs/{sha}", headers=budi.headers).status_code == 404
    _, case_id = new_case(ani)
    fields = {
        "case_id": case_id,
        "filename": "kk.jpg",
        "mime": "image/jpeg",
        "size": len(content),
        "sha256": sha,
    }
    assert ani.push(mutation("attachments", new_id(), "insert", fields))[0]["status"] == "applied"
    assert client.get(f"/blobs/{sha}", headers=ani.headers).content == content
    assert client.get(f"/blobs/{sha}", headers=budi.headers).content == content  # same facility
    assert client.get(f"/blobs/{sha}", headers=wati.headers).status_code == 404  # another facility


def test_corrupted_upload_is_discarded(client, world):
    ani = Device(client, "ani")
    content = b"foto kartu keluarga" * 1000
    sha = hashlib.sha256(content).hexdigest()
    damaged = content[:-1] + b"X"
    resp = _put(ani, sha, 0, len(damaged), damaged)
    assert resp.status_code == 422 and resp.json()["error"] == "hash_mismatch"
    assert client.head(f"/blobs/{sha}", headers=ani.headers).status_code == 404
    assert _put(ani, sha, 0, len(content), content).headers["X-Blob-Complete"] == "1"


def test_staff_cannot_upload_and_names_are_checked(client, world):
    tata, ani = Device(client, "tata"), Device(client, "ani")
    sha = hashlib.sha256(b"x").hexdigest()
    assert _put(tata, sha, 0, 1, b"x").status_code == 403
    assert client.head("/blobs/not-a-hash", headers=ani.headers).status_code == 422


def test_a_blob_is_served_in_parts_for_a_slow_link(client, world):
    """Range requests (RFC 9110): a laptop fetches a large scan piece by piece and resumes after a cut."""
    ani = Device(client, "ani")
    content = os.urandom(250_000)
    sha = hashlib.sha256(content).hexdigest()
    for offset in range(0, len(content), 100_000):  # stored as three chunks of the upload
        assert _put(ani, sha, offset, len(content), content[offset : offset + 100_000]).status_code == 200
    _, case_id = new_case(ani)
    fields = {
        "case_id": case_id,
        "filename": "kk.jpg",
        "mime": "image/jpeg",
        "size": len(content),
        "sha256": sha,
    }
    assert ani.push(mutation("attachments", new_id(), "insert", fields))[0]["status"] == "applied"
    whole = client.get(f"/blobs/{sha}", headers=ani.headers)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes" and whole.content == content
    for start, end in [(0, 9), (99_990, 100_009), (150_000, 249_999), (240_000, 999_999)]:
        part = client.get(f"/blobs/{sha}", headers={**ani.headers, "Range": f"bytes={start}-{end}"})
        last = min(end, len(content) - 1)
        assert part.status_code == 206, (start, end)
        assert part.headers["Content-Range"] == f"bytes {start}-{last}/{len(content)}"
        assert part.content == content[start : last + 1]
    rest = client.get(f"/blobs/{sha}", headers={**ani.headers, "Range": "bytes=200000-"})
    assert rest.status_code == 206 and rest.content == content[200_000:]
    past = client.get(f"/blobs/{sha}", headers={**ani.headers, "Range": f"bytes={len(content)}-"})
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{len(content)}"
    wati = Device(client, "wati")  # another facility: a range reveals nothing either
    assert client.get(f"/blobs/{sha}", headers={**wati.headers, "Range": "bytes=0-9"}).status_code == 404
