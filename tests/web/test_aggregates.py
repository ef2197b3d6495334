"""Every aggregate of the provincial overview against values counted by hand (tests/web/world.py), on SQLite
and PostgreSQL."""

from __future__ import annotations

from caseworker.server.db import Database
from caseworker.server.web import aggregates as ag
from tests.web import world
from tests.web.rows import Changelog

NOV = ag.Filters(world.MONTH)
SIDOARJO = ag.Filters(world.MONTH, "35.15")


def test_filters_know_their_month():
    assert (NOV.start, NOV.end) == ("2026-11-01", "2026-11-30")
    assert ag.Filters("2024-02").end == "2024-02-29"
    assert NOV.months()[0] == "2025-12" and NOV.months()[-1] == "2026-11" and len(NOV.months()) == 12
    assert ag.Filters("2026-01").months(2) == ["2025-12", "2026-01"]


def test_active_cases_at_the_end_of_the_month_by_every_dimension(db: Database):
    world.fill(db)
    with db.read() as conn:
        active = ag.active(conn, NOV)
    assert set(active) == {"SDA", "MLG"}
    sda, mlg = active["SDA"], active["MLG"]
    assert sda["category"] == {"01": 7}  # 6 toddlers and the old man; the closed boys and later cases not
    assert sda["stage"] == {"asesmen": 6, "intervensi": 1}
    assert sda["sex"] == {"P": 6, "L": 1}
    assert sda["age_band"] == {"0-4": 6, "60+": 1}  # born 15/12/1950: 75 on 30/11/2026
    assert sda["disability"] == {"no": 6, "yes": 1}
    assert sda["desil"] == {"1": 6, "unknown": 1}
    assert mlg == {"category": {"13": 5}, "stage": {"intervensi": 5}, "sex": {"P": 5}, "age_band": {"60+": 5},
                   "disability": {"no": 5}, "desil": {"3": 5}}  # fmt: skip


def test_active_cases_of_october_count_the_boys_closed_in_november(db: Database):
    world.fill(db)
    with db.read() as conn:
        active = ag.active(conn, ag.Filters("2026-10"))
    assert active["SDA"]["category"] == {"02": 2, "01": 1}  # the toddlers came in November
    assert active["SDA"]["age_band"] == {"5-17": 2, "60+": 1}


def test_the_kabupaten_filter_is_the_clients_home(db: Database):
    world.fill(db)
    with db.read() as conn:
        active = ag.active(conn, SIDOARJO)
        new, closed = ag.opened_closed(conn, SIDOARJO)
        codes = ag.kabupaten_codes(conn)
    assert active == {"SDA": {"category": {"01": 6}, "stage": {"asesmen": 6}, "sex": {"P": 6},
                              "age_band": {"0-4": 6}, "disability": {"no": 6}, "desil": {"1": 6}}}  # fmt: skip
    assert new == {"SDA": {"2026-11": 6, "2026-10": 2}}
    assert closed == {"SDA": {"2026-11": 2}}
    assert codes == ["35.07", "35.15"]


def test_new_and_closed_per_month(db: Database):
    world.fill(db)
    with db.read() as conn:
        new, closed = ag.opened_closed(conn, NOV)
    # The deleted case and the one opened in December are not counted.
    assert new == {"SDA": {"2026-11": 6, "2026-10": 2, "2026-03": 1}, "MLG": {"2026-05": 5}}
    assert closed == {"SDA": {"2026-11": 2}}


def test_atensi_services_per_month_by_component(db: Database):
    world.fill(db)
    with db.read() as conn:
        services = ag.services(conn, NOV)
        only_malang = ag.services(conn, ag.Filters(world.MONTH, "35.07"))
    assert services == {
        "SDA": {"perawatan_pengasuhan": {"2026-11": 3}, "kebutuhan_hidup_layak": {"2026-10": 1}}
    }
    assert only_malang == {}


def test_overdue_follow_ups(db: Database):
    world.fill(db)
    with db.read() as conn:
        cases, tasks = ag.overdue(conn, NOV, world.TODAY)
    assert cases == {"SDA": 1, "MLG": 1}
    assert tasks == {"SDA": 1, "MLG": 2}


def test_referrals_and_days_to_answer(db: Database):
    world.fill(db)
    with db.read() as conn:
        counts, days = ag.referrals(conn, NOV)
    assert counts == {"SDA": {"sent": 1, "accepted": 1, "declined": 1}}
    assert days == {"SDA": (14, 2)}  # 10 days and 4 days


def test_growth_from_the_latest_measurement_of_each_child(db: Database):
    world.fill(db)
    with db.read() as conn:
        growth = ag.growth(conn, NOV)
        october = ag.growth(conn, ag.Filters("2026-10"))
    assert growth == {"SDA": {"measured": 2, "stunted": 1, "wasted": 0, "underweight": 1}}
    # In October the toddlers' cases were not open yet.
    assert october == {}


def test_the_whole_overview(db: Database):
    world.fill(db)
    with db.read() as conn:
        o = ag.overview(conn, NOV, world.TODAY)
    assert o.facilities == {"MLG": "UPT Malang", "SDA": "UPT PPSAB Sidoarjo"}
    assert o.overdue_tasks == {"SDA": 1, "MLG": 2}
    assert o.answer_days == {"SDA": (14, 2)}


def test_growth_counts_only_children_still_under_five_at_the_months_end(db: Database):
    world.fill(db)
    log = Changelog()
    pid = log.person("SDA", sex="P", birth_date="2021-06-01", region_code="35.15.08.1001")
    case = log.case("SDA", pid, opened_at="2026-01-10")
    # Measured at 4 years 9 months (stunted), but 5 years 5 months old at the end of November.
    log.record("measurements", "SDA", case, measured_at="2026-03-01", weight_kg=12.0, length_cm=90,
               position="standing")  # fmt: skip
    log.write(db)
    with db.read() as conn:
        assert ag.growth(conn, NOV) == {"SDA": {"measured": 2, "stunted": 1, "wasted": 0, "underweight": 1}}
        assert ag.growth(conn, ag.Filters("2026-03"))["SDA"]["measured"] == 1  # then she was four
