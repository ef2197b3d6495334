"""A month's counts are kept (overview_snapshots) and folded for every kabupaten/kota filter; they are used
while the changelog has not moved, and counted anew once it has and they are older than FRESH."""

from __future__ import annotations

import pytest

from caseworker.server.db import Database, overview_snapshots
from caseworker.server.web import aggregates as ag
from caseworker.server.web import snapshots
from tests.web import world
from tests.web.rows import Changelog


def test_kept_counts_fold_to_the_same_figures_as_counting_directly(db: Database):
    world.fill(db)
    counts = snapshots.counts_of(db, world.MONTH)
    for kab in (None, "35.15", "35.07", "35.99"):
        f = ag.Filters(world.MONTH, kab)
        with db.read() as conn:
            direct = ag.overview(conn, f, ag.date.fromisoformat(counts["today"]))
        assert ag.fold(counts, kab) == direct, kab
    assert counts["kabupaten"] == ["35.07", "35.15"]


def test_kept_counts_are_used_until_the_changelog_moves_and_they_grow_old(
    db: Database, monkeypatch: pytest.MonkeyPatch
):
    world.fill(db)
    first = snapshots.counts_of(db, world.MONTH)
    assert snapshots.counts_of(db, world.MONTH)["computed_at"] == first["computed_at"]
    log = Changelog()
    log.case("SDA", log.person("SDA", sex="P"), opened_at="2026-11-20")
    log.write(db)
    assert snapshots._stored(db, world.MONTH)[1] is True  # moved, but within FRESH: shown as counted
    monkeypatch.setattr(snapshots, "FRESH", 0.0)
    assert snapshots._stored(db, world.MONTH)[1] is False
    recounted = snapshots.compute(db, world.MONTH)
    assert (
        sum(ag.fold(recounted, None).new["SDA"].values()) == sum(ag.fold(first, None).new["SDA"].values()) + 1
    )
    with db.read() as conn:
        assert conn.execute(overview_snapshots.select()).all()[0].month == world.MONTH
