"""Dashboard numbers equal counts taken directly from the store, and each number opens its cases."""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.dashboard import GROWTH_ALERTS, dashboard, drilldown
from caseworker.store import cases, reviews

TODAY = date.today()


def _toddler(worker, name, weight, length):
    born = (TODAY - timedelta(days=700)).isoformat()
    pid = cases.register_person(worker, {"name": name, "birth_date": born, "sex": "L"}).id
    cid = cases.open_case(worker, pid, "01")
    cases.add_record(
        worker,
        "measurements",
        cid,
        {
            "person_id": pid,
            "measured_at": TODAY.isoformat(),
            "weight_kg": weight,
            "length_cm": length,
            "position": "lying",
        },
    )
    return cid


def test_dashboard_counts_match_the_store(store, login):
    budi, citra = login("budi"), login("citra")
    stunted = _toddler(budi, "Ahmad Fauzi", 9.0, 76.0)  # ~-3.4 SD length-for-age at 23 months
    normal = _toddler(budi, "Bima Sakti", 12.0, 87.0)
    old = cases.register_person(citra, {"name": "Sumarni", "birth_date": "1945-01-01", "sex": "P"}).id
    elder = cases.open_case(citra, old, "08", opened_at=(TODAY - timedelta(days=60)).isoformat())
    cases.add_record(
        citra, "tasks", elder, {"title": "Kunjungan", "due_date": (TODAY - timedelta(days=3)).isoformat()}
    )
    reviews.submit(citra, elder, "plan")

    d = dashboard(store, TODAY)
    direct_open = store.one("SELECT count(*) AS n FROM cases WHERE status = 'open' AND deleted = 0")["n"]
    assert d["totals"]["open"] == direct_open == 3
    workers = {w["username"]: w for w in d["workers"]}
    assert workers["budi"]["open"] == 2 and workers["citra"]["open"] == 1
    assert workers["citra"]["overdue_cases"] == 1
    assert workers["citra"]["no_contact_30"] == 1
    assert d["reviews"]["total"] == 1 and d["reviews"]["by_worker"] == {"citra": 1}
    assert d["totals"]["growth"]["severely_stunted"] + d["totals"]["growth"]["stunted"] == 1
    assert set(d["totals"]["growth"]) == set(GROWTH_ALERTS)

    assert set(drilldown(store, "open")) == {stunted, normal, elder}
    assert set(drilldown(store, "open", "budi")) == {stunted, normal}
    assert drilldown(store, "overdue") == [elder]
    assert drilldown(store, "no_contact_30") == [elder]
    assert drilldown(store, "review") == [elder]
    assert drilldown(store, "growth") == [stunted]
    assert set(drilldown(store, "stage", key="pendekatan_awal")) == {stunted, normal, elder}
    assert drilldown(store, "category", key="08") == [elder]
