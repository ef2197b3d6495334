"""Server session tokens of a profile, kept in the OS keyring (service "caseworker", one entry per device id).

A machine without a working keyring backend still syncs: the tokens then live in memory for this run only
and the user is told once (the next run logs in again with the profile password).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from caseworker import i18n

SERVICE = "caseworker"

i18n.register(
    {
        "sync_no_keyring": (
            "Tidak ada penyimpanan kunci (keyring) di komputer ini: sesi server hanya disimpan selama "
            "aplikasi berjalan.",
            "No keyring is available on this computer: the server session is kept only while the app runs.",
        ),
    }
)


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: str = ""
    refresh_expires_at: str = ""


_memory: dict[str, str] = {}  # fallback when the keyring fails; process lifetime only
_keyring_notice_pending = True
_keyring_broken = False


def _keyring_failed() -> None:
    global _keyring_broken
    _keyring_broken = True


def keyring_notice() -> str | None:
    """The "no keyring" message, once per process, when the keyring could not be used."""
    global _keyring_notice_pending
    if _keyring_broken and _keyring_notice_pending:
        _keyring_notice_pending = False
        return i18n.text("sync_no_keyring")
    return None


class TokenStore:
    """The tokens of one profile (its device id)."""

    def __init__(self, device_id: str) -> None:
        self.key = f"device:{device_id}"

    def load(self) -> Tokens | None:
        raw = _memory.get(self.key)
        if raw is None and not _keyring_broken:
            try:
                import keyring

                raw = keyring.get_password(SERVICE, self.key)
            except Exception:  # no backend, locked or broken keyring: fall back to memory
                _keyring_failed()
        if not raw:
            return None
        try:
            return Tokens(**json.loads(raw))
        except (ValueError, TypeError):
            return None

    def save(self, tokens: Tokens) -> None:
        raw = json.dumps(asdict(tokens))
        if not _keyring_broken:
            try:
                import keyring

                keyring.set_password(SERVICE, self.key, raw)
                _memory.pop(self.key, None)
                return
            except Exception:
                _keyring_failed()
        _memory[self.key] = raw

    def clear(self) -> None:
        _memory.pop(self.key, None)
        if not _keyring_broken:
            try:
                import keyring

                keyring.delete_password(SERVICE, self.key)
            except Exception:
                pass  # nothing stored, or no keyring: nothing to delete
