"""A month's counts are kept (overview_snapshots) per kabupaten/kota; they are used while the changelog has
not moved, and counted anew once it has and they are older than FRESH."""

from __future__ import annotations

import pytest

from caseworker.server.db import Database, overview_snapshots
from caseworker.server.web import aggregates as ag
from caseworker.server.web import snapshots
from tests.web import world
from tests.web.rows import Changelog


def test_kept_overviews_are_those_counted_directly(db: Database):
    world.fill(db)
    for kab in (None, "35.15", "35.07", "35.99"):
        data = snapshots.overview_of(db, world.MONTH, kab)
        with db.read() as conn:
            direct = ag.overview(conn, ag.Filters(world.MONTH, kab), ag.date.fromisoformat(data["today"]))
        assert ag.from_json(data) == direct, kab
        assert data["kabupaten_codes"] == ["35.07", "35.15"]
    with db.read() as conn:
        kept = sorted(r.kabupaten for r in conn.execute(overview_snapshots.select()))
    assert kept == ["", "35.07", "35.15"]  # counted once for all of them


def test_kept_counts_are_used_until_the_changelog_moves_and_they_grow_old(
    db: Database, monkeypatch: pytest.MonkeyPatch
):
    world.fill(db)
    first = snapshots.overview_of(db, world.MONTH, None)
    assert snapshots.overview_of(db, world.MONTH, None)["computed_at"] == first["computed_at"]
    log = Changelog()
    log.case("SDA", log.person("SDA", sex="P"), opened_at="2026-11-20")
    log.write(db)
    assert snapshots._stored(db, world.MONTH)[1] is True  # moved, but within FRESH: shown as counted
    monkeypatch.setattr(snapshots, "FRESH", 0.0)
    assert snapshots._stored(db, world.MONTH)[1] is False
    snapshots.compute(db, world.MONTH)
    recounted = snapshots.overview_of(db, world.MONTH, None)
    assert recounted["new"]["SDA"][world.MONTH] == first["new"]["SDA"][world.MONTH] + 1
