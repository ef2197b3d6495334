"""The facility directory on a server profile is refreshed on every sync, but sent only when it changed."""

from __future__ import annotations

from sqlalchemy import delete

from caseworker.server import admin
from caseworker.server.db import directory_tags
from tests.core.sync_support import PASSWORD


def _spy(device) -> list[bool]:
    """One entry per request for the list: True when the list came, False for "unchanged" (304)."""
    sent: list[bool] = []
    ask = device.http.facility_users_changed

    def spy(etag: str | None):
        found = ask(etag)
        sent.append(found[0] is not None)
        return found

    device.http.facility_users_changed = spy
    return sent


def test_the_directory_travels_only_when_it_changed(devices, server) -> None:
    ani = devices("ani")
    sent = _spy(ani)
    assert ani.sync().completed and ani.sync().completed
    assert sent == []  # enrolling saved the list; the pull pages say it is unchanged: no request at all
    admin.add_user(server.db, "eko", "worker", "SDA", "Eko Prasetyo", PASSWORD)
    assert ani.sync().completed
    assert sent == [True]
    assert ani.store.one("SELECT full_name FROM users WHERE username = 'eko'") == {
        "full_name": "Eko Prasetyo"
    }
    admin.set_user(server.db, "eko", full_name="Eko P.")
    assert ani.sync().completed and ani.sync().completed
    assert sent == [True, True]
    assert ani.store.one("SELECT full_name FROM users WHERE username = 'eko'") == {"full_name": "Eko P."}


def test_a_database_without_tags_still_answers_unchanged_lists(devices, server) -> None:
    """A server database from before the tags: the list's hash is its ETag, and the device asks each sync."""
    ani = devices("ani")
    with server.db.write() as conn:
        conn.execute(delete(directory_tags))
    sent = _spy(ani)
    assert ani.sync().completed and ani.sync().completed
    assert sent == [True, False]  # the first answer carries the hash tag, the next is "unchanged"
    server.db.create_schema()  # a restart tags every facility again
    assert ani.sync().completed and ani.sync().completed
    assert sent == [True, False, True]
