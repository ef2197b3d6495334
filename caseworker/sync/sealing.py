"""Sealed files for sync without a network: encrypted to their reader, signed by their writer.

One scheme, two key pairs per party: X25519 to encrypt (a fresh ephemeral key per file, HKDF-SHA256 to
an AES-256-GCM key) and Ed25519 to sign. A file is

    MAGIC | header length (4 bytes, big endian) | header (JSON) | ephemeral X25519 key (32) | nonce (12)
    | AES-GCM ciphertext of the body | Ed25519 signature (64) of everything before it

The header is in clear (the reader must know whose key checks the signature) but is the cipher's associated
data and is signed: a changed byte anywhere is refused, by the signature first. The header says only ids
and times, never a name or a case.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CWBUNDLE\x01"
_INFO = b"caseworker bundle v1"
_KEY = 32
_NONCE = 12
_SIGNATURE = 64
_MAX_HEADER = 4096


class SealError(Exception):
    """Not a sealed file of ours, cut short, changed, or not for this reader. `reason` is a message key
    suffix (bundle_bad.<reason>)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _raw(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _private_raw(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


@dataclass(frozen=True)
class PublicKeys:
    """Whom a file is sealed to (box) and whose signature a reader checks (sign), 32 raw bytes each."""

    sign: bytes
    box: bytes

    def to_json(self) -> dict[str, str]:
        return {"sign": b64(self.sign), "box": b64(self.box)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublicKeys:
        keys = cls(unb64(str(data["sign"])), unb64(str(data["box"])))
        if len(keys.sign) != _KEY or len(keys.box) != _KEY:
            raise ValueError("a public key is 32 bytes")
        return keys


@dataclass(frozen=True)
class KeyPair:
    """A party's private keys (kept in its encrypted store or the server's database, never in a file)."""

    sign: bytes
    box: bytes

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(_private_raw(Ed25519PrivateKey.generate()), _private_raw(X25519PrivateKey.generate()))

    @property
    def public(self) -> PublicKeys:
        sign = Ed25519PrivateKey.from_private_bytes(self.sign).public_key()
        box = X25519PrivateKey.from_private_bytes(self.box).public_key()
        return PublicKeys(_raw(sign), _raw(box))

    def to_json(self) -> dict[str, str]:
        return {"sign": b64(self.sign), "box": b64(self.box)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyPair:
        return cls(unb64(str(data["sign"])), unb64(str(data["box"])))

    def sign_bytes(self, data: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.sign).sign(data)


def verify(signer: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(signer).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def _aead_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=_KEY, salt=None, info=_INFO + ephemeral + recipient)
    return hkdf.derive(shared)


def seal(header: dict[str, Any], body: bytes, sender: KeyPair, recipient: PublicKeys) -> bytes:
    """The sealed file: `body` readable only with the recipient's box key, all of it signed by `sender`."""
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.box))
    nonce = os.urandom(_NONCE)
    framed = MAGIC + struct.pack(">I", len(head)) + head
    cipher = AESGCM(_aead_key(shared, ephemeral_public, recipient.box))
    sealed = framed + ephemeral_public + nonce + cipher.encrypt(nonce, body, framed)
    return sealed + sender.sign_bytes(sealed)


def read_header(data: bytes) -> dict[str, Any]:
    """The clear header (not yet trusted: open() checks it was signed)."""
    if len(data) < len(MAGIC) and MAGIC.startswith(data):  # (an empty file too: a copy that never came)
        raise SealError("truncated")
    if not data.startswith(MAGIC[:8]):
        raise SealError("not_bundle")
    if not data.startswith(MAGIC):
        raise SealError("format")
    start = len(MAGIC) + 4
    if len(data) < start:
        raise SealError("truncated")
    (length,) = struct.unpack(">I", data[len(MAGIC) : start])
    if length > _MAX_HEADER:
        raise SealError("damaged")
    if len(data) < start + length + _KEY + _NONCE + 16 + _SIGNATURE:
        raise SealError("truncated")
    try:
        header = json.loads(data[start : start + length])
    except ValueError as exc:
        raise SealError("damaged") from exc
    if not isinstance(header, dict):
        raise SealError("damaged")
    return header


def open_sealed(data: bytes, signer: bytes, reader: KeyPair) -> tuple[dict[str, Any], bytes]:
    """The header and body of a sealed file signed with `signer` and sealed to `reader`, or SealError."""
    header = read_header(data)
    signed, signature = data[:-_SIGNATURE], data[-_SIGNATURE:]
    if not verify(signer, signed, signature):
        raise SealError("signature")
    start = len(MAGIC) + 4
    (length,) = struct.unpack(">I", data[len(MAGIC) : start])
    framed = signed[: start + length]
    ephemeral = signed[len(framed) : len(framed) + _KEY]
    nonce = signed[len(framed) + _KEY : len(framed) + _KEY + _NONCE]
    box = X25519PrivateKey.from_private_bytes(reader.box)
    try:
        shared = box.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        cipher = AESGCM(_aead_key(shared, ephemeral, reader.public.box))
        body = cipher.decrypt(nonce, signed[len(framed) + _KEY + _NONCE :], framed)
    except (InvalidTag, ValueError) as exc:  # signed by the right sender, but sealed to someone else
        raise SealError("not_for_me") from exc
    return header, body
