"""Per-user key slots: the random database key wrapped with a key derived from each user's password.

Offline login is unwrapping a slot; a password change re-wraps only that slot. The slots file is not
secret on its own: without a password a slot yields nothing (argon2id makes guessing slow).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caseworker.errors import KnownError, WrongPassword
from caseworker.private_files import write_private_text

# argon2id parameters: ~0.2-0.4 s on a field laptop, well under the 1 s unlock target.
TIME_COST = 3
MEMORY_KIB = 64 * 1024
PARALLELISM = 2
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class KeySlot:
    username: str
    salt: str  # base64
    nonce: str  # base64
    wrapped: str  # base64 of AES-GCM(db_key)
    time_cost: int = TIME_COST
    memory_kib: int = MEMORY_KIB
    parallelism: int = PARALLELISM


def new_database_key() -> bytes:
    return os.urandom(32)


def _derive(password: str, salt: bytes, slot_params: tuple[int, int, int]) -> bytes:
    time_cost, memory_kib, parallelism = slot_params
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise KnownError("password_too_short", min=MIN_PASSWORD_LENGTH)


def make_slot(username: str, password: str, db_key: bytes) -> KeySlot:
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _derive(password, salt, (TIME_COST, MEMORY_KIB, PARALLELISM))
    wrapped = AESGCM(kek).encrypt(nonce, db_key, username.encode("utf-8"))
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    # The parameters it was made with, not the class defaults (which were fixed when the module loaded).
    return KeySlot(username, b64(salt), b64(nonce), b64(wrapped), TIME_COST, MEMORY_KIB, PARALLELISM)


def unwrap(slot: KeySlot, password: str) -> bytes:
    kek = _derive(password, base64.b64decode(slot.salt), (slot.time_cost, slot.memory_kib, slot.parallelism))
    try:
        return AESGCM(kek).decrypt(
            base64.b64decode(slot.nonce), base64.b64decode(slot.wrapped), slot.username.encode("utf-8")
        )
    except InvalidTag:
        raise WrongPassword(slot.username) from None


class SlotFile:
    """keyslots.json in a profile folder; written atomically (temp file + rename)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, KeySlot]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text("utf-8"))
        return {s["username"]: KeySlot(**s) for s in data.get("slots", [])}

    def save(self, slots: dict[str, KeySlot]) -> None:
        tmp = self.path.with_suffix(".tmp")
        write_private_text(
            tmp, json.dumps({"version": 1, "slots": [asdict(s) for s in slots.values()]}, indent=1)
        )
        os.replace(tmp, self.path)

    def put(self, slot: KeySlot) -> None:
        slots = self.load()
        slots[slot.username] = slot
        self.save(slots)

    def unlock(self, username: str, password: str) -> bytes:
        slot = self.load().get(username)
        if slot is None:
            raise KnownError("unknown_user", user=username)
        return unwrap(slot, password)
