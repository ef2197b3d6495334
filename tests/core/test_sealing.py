"""Sealed bundle files (caseworker.sync.sealing, bundle_format): readable only by their recipient, and any
changed, cut or foreign byte refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseworker.sync import bundle_format as bf
from caseworker.sync import sealing

DEVICE = sealing.KeyPair.generate()
SERVER = sealing.KeyPair.generate()
HEADER = {"format": 1, "kind": "push", "device_id": "dev-1", "bundle_id": "b-1", "created": "2026-12-07"}
SECRET = b'{"name": "Bayi Melati", "nik": "3515014101250001"}'


def test_the_recipient_opens_what_the_sender_sealed_and_nothing_is_in_clear():
    sealed = sealing.seal(HEADER, SECRET, DEVICE, SERVER.public)
    assert b"Melati" not in sealed and b"3515" not in sealed
    head, body = sealing.open_sealed(sealed, DEVICE.public.sign, SERVER)
    assert (head, body) == (HEADER, SECRET)
    # Two seals of the same body differ (a fresh ephemeral key and nonce each time).
    assert sealing.seal(HEADER, SECRET, DEVICE, SERVER.public) != sealed


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_changed_byte_is_refused(data: st.DataObject):
    sealed = sealing.seal(HEADER, SECRET, DEVICE, SERVER.public)
    at = data.draw(st.integers(0, len(sealed) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = sealed[:at] + bytes([sealed[at] ^ flip]) + sealed[at + 1 :]
    with pytest.raises(sealing.SealError) as refused:
        sealing.open_sealed(changed, DEVICE.public.sign, SERVER)
    assert refused.value.reason in ("signature", "damaged", "truncated", "format", "not_bundle")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_cut_file_is_refused(data: st.DataObject):
    sealed = sealing.seal(HEADER, SECRET, DEVICE, SERVER.public)
    cut = sealed[: data.draw(st.integers(0, len(sealed) - 1))]
    with pytest.raises(sealing.SealError) as refused:
        sealing.open_sealed(cut, DEVICE.public.sign, SERVER)
    assert refused.value.reason in ("truncated", "signature", "not_bundle", "damaged")


def test_a_file_cut_inside_its_first_bytes_or_empty_is_said_to_be_cut_short():
    sealed = sealing.seal(HEADER, SECRET, DEVICE, SERVER.public)
    for length in range(len(sealing.MAGIC) + 8):
        with pytest.raises(sealing.SealError, match="truncated"):
            sealing.read_header(sealed[:length])
    with pytest.raises(sealing.SealError, match="not_bundle"):
        sealing.read_header(b"%PDF-1.7 not ours")


def test_the_wrong_signer_or_reader_is_refused():
    sealed = sealing.seal(HEADER, SECRET, DEVICE, SERVER.public)
    other = sealing.KeyPair.generate()
    with pytest.raises(sealing.SealError, match="signature"):
        sealing.open_sealed(sealed, other.public.sign, SERVER)
    with pytest.raises(sealing.SealError, match="not_for_me"):
        sealing.open_sealed(sealed, DEVICE.public.sign, other)
    # Re-signed by someone else after changing the header: the device's key does not verify it.
    forged = sealing.seal({**HEADER, "device_id": "dev-2"}, SECRET, other, SERVER.public)
    with pytest.raises(sealing.SealError, match="signature"):
        sealing.open_sealed(forged, DEVICE.public.sign, SERVER)


def test_keys_survive_their_json_form():
    again = sealing.KeyPair.from_json(DEVICE.to_json())
    assert again.public == DEVICE.public
    assert sealing.PublicKeys.from_json(DEVICE.public.to_json()) == DEVICE.public
    with pytest.raises(ValueError):
        sealing.PublicKeys.from_json({"sign": sealing.b64(b"short"), "box": sealing.b64(b"x" * 32)})


def _bundle(tmp_path: Path) -> tuple[Path, bytes]:
    body = bf.PushBundle(
        device_id="dev-1", username="ani", cursor=5, outbox_upto=9, created="now", requests=[]
    )
    data = bf.seal(bf.header("push", "dev-1"), body, DEVICE, SERVER.public)
    path = tmp_path / "b.cwb"
    bf.write(path, data)
    return path, data


def test_a_bundle_round_trips_and_says_why_it_is_refused(tmp_path: Path):
    path, data = _bundle(tmp_path)
    assert bf.read(path) == data and not list(tmp_path.glob(".*.part"))
    head = bf.peek(path, data, "push")
    assert head["device_id"] == "dev-1" and head["kind"] == "push"
    _, body = bf.open_body(path, data, DEVICE.public.sign, SERVER, bf.PushBundle)
    assert (body.username, body.cursor, body.outbox_upto) == ("ani", 5, 9)
    with pytest.raises(bf.BundleError) as wrong_kind:
        bf.peek(path, data, "reply")
    assert wrong_kind.value.key == "bundle_bad.kind_push"
    assert "server's reply is needed" in wrong_kind.value.text("en")
    with pytest.raises(bf.BundleError) as cut:
        bf.peek(path, data[:30], "push")
    assert cut.value.key == "bundle_bad.truncated" and "terpotong" in cut.value.text("id")
    with pytest.raises(bf.BundleError) as signature:
        bf.open_body(path, data[:-3] + b"xyz", DEVICE.public.sign, SERVER, bf.PushBundle)
    assert signature.value.key == "bundle_bad.signature"
    with pytest.raises(bf.BundleError) as missing:
        bf.read(tmp_path / "gone.cwb")
    assert missing.value.key == "bundle_unreadable"
