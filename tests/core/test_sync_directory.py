"""The facility directory on a server profile is refreshed on every sync, but sent only when it changed."""

from __future__ import annotations

from caseworker.server import admin
from tests.core.sync_support import PASSWORD


def test_the_directory_travels_only_when_it_changed(devices, server) -> None:
    ani = devices("ani")
    sent: list[bool] = []
    ask = ani.http.facility_users_changed

    def spy(etag: str | None):
        found = ask(etag)
        sent.append(found[0] is not None)
        return found

    ani.http.facility_users_changed = spy
    assert ani.sync().completed and ani.sync().completed
    assert sent == [False, False]  # enrolling saved the list; unchanged since (304)
    admin.add_user(server.db, "eko", "worker", "SDA", "Eko Prasetyo", PASSWORD)
    assert ani.sync().completed
    assert sent[-1] is True
    assert ani.store.one("SELECT full_name FROM users WHERE username = 'eko'") == {
        "full_name": "Eko Prasetyo"
    }
