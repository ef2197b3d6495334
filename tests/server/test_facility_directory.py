"""The facility directory on the server (issue 19): a database of version 1 gains the columns, devices are told
to fetch the directory again; values are checked; the directory rides the facility's user list (one ETag).
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from caseworker.errors import KnownError
from caseworker.server import admin
from caseworker.server.db import Database, directory_tags, meta
from caseworker.server.facility_directory import ADDED_COLUMNS
from tests.server.helpers import Device


def _tags(db: Database) -> dict[str, str]:
    with db.read() as conn:
        return dict(conn.execute(select(directory_tags.c.facility_code, directory_tags.c.tag)).all())


def test_a_version_1_database_gains_the_directory_columns(db: Database) -> None:
    admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo")
    with db.write() as conn:  # as a database made before version 2 was
        for column in ADDED_COLUMNS:
            conn.execute(text(f"ALTER TABLE facilities DROP COLUMN {column}"))
        conn.execute(meta.update().values(value="1"))
    before = _tags(db)
    db.create_schema()
    with db.read() as conn:
        have = {c["name"] for c in inspect(conn).get_columns("facilities")}
        version = conn.execute(select(meta.c.value).where(meta.c.key == "server_db_version")).scalar()
    assert set(ADDED_COLUMNS) <= have and version == "2"
    assert _tags(db)["SDA"] != before["SDA"]  # every laptop fetches the directory with its next sync
    again = _tags(db)
    db.create_schema()  # a restart adds nothing and changes no tag
    assert _tags(db) == again
    admin.set_facility(db, "SDA", kind="upt", region="3515", services="1, 03 ,terapi", contact="031-1")
    [entry] = admin.network_directory(db)
    assert (entry["kind"], entry["region_code"], entry["services"], entry["on_caseworker"]) == (
        "upt", "35.15", ["01", "03", "terapi"], True)  # fmt: skip


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"kind": "rumah"}, "server_bad_kind"),
        ({"region": "35.99"}, "server_bad_region"),
        ({"region": "abc"}, "server_bad_region"),
        ({"services": "01,pijat"}, "server_bad_service"),
        ({"services": "27"}, "server_bad_service"),
        ({"referral_days": 0}, "server_bad_due_days"),
    ],
)
def test_bad_directory_values_are_refused_in_both_languages(db: Database, options: dict, key: str) -> None:
    with pytest.raises(KnownError) as err:
        admin.add_facility(db, "X", "X", **options)
    assert err.value.key == key and err.value.text("id") != err.value.text("en")
    assert admin.network_directory(db) == []  # nothing written


def test_the_directory_rides_the_user_list_and_its_etag(client, world) -> None:
    ani = Device(client, "ani")
    first = client.get("/facility/users", headers=ani.headers)
    codes = [f["code"] for f in first.json()["facilities"]]
    assert codes == ["MLG", "SDA"]
    etag = first.headers["ETag"]
    assert client.get("/facility/users", headers={**ani.headers, "If-None-Match": etag}).status_code == 304
    admin.add_facility(
        world, "PKM", "Puskesmas Candi", kind="other", external=True
    )  # another facility's change
    changed = client.get("/facility/users", headers={**ani.headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    pkm = next(f for f in changed.json()["facilities"] if f["code"] == "PKM")
    assert pkm["on_caseworker"] is False and pkm["kind"] == "other"
    assert ani.pull_page()["directory_etag"] == changed.headers["ETag"]  # the pull says so too
