"""A small province whose every figure is counted by hand in the tests (November 2026, today 2026-12-07)."""

from __future__ import annotations

import contextlib
from datetime import date

from caseworker.errors import KnownError
from caseworker.server import admin
from caseworker.server.db import Database
from tests.web.rows import Changelog

MONTH = "2026-11"
TODAY = date(2026, 12, 7)
SECRET_NAME = "Nama Rahasia"
SECRET_NIK = "3515084101900001"


def fill(db: Database) -> dict[str, str]:
    """SDA (Sidoarjo clients, one Malang) and MLG (Malang clients); returns a few ids."""
    for code, name in (("SDA", "UPT PPSAB Sidoarjo"), ("MLG", "UPT Malang")):
        with contextlib.suppress(KnownError):  # (the test may have made it)
            admin.add_facility(db, code, name)
    log = Changelog()
    ids: dict[str, str] = {}
    # SDA: six toddlers opened in November, open at the asesmen stage, girls, no disability, desil 1.
    toddlers = []
    for _ in range(6):
        pid = log.person("SDA", sex="P", birth_date="2024-05-01", region_code="35.15.08.1001",
                         disabilities="[]", dtsen_desil=1)  # fmt: skip
        toddlers.append(log.case("SDA", pid, opened_at="2026-11-05", stage="asesmen", category_code="01"))
    ids["toddler"], ids["toddler2"] = toddlers[0], toddlers[1]
    # Two boys (16) opened in October and closed on 20 November: not active at the end of November.
    closed = []
    for _ in range(2):
        pid = log.person("SDA", sex="L", birth_date="2010-01-01", region_code="35.15.01.2001")
        closed.append(log.case("SDA", pid, opened_at="2026-10-01", status="closed", closed_at="2026-11-20",
                               category_code="02", stage="terminasi"))  # fmt: skip
    ids["closed"] = closed[0]
    # An old man from Malang with a disability, no desil, open since March at the intervensi stage.
    pid = log.person("SDA", sex="L", birth_date="1950-12-15", region_code="35.07.01.2001",
                     disabilities='["tunanetra"]')  # fmt: skip
    ids["elder"] = log.case("SDA", pid, opened_at="2026-03-01", stage="intervensi", category_code="01")
    # A deleted case, and one opened after November: neither counts for November.
    pid = log.person("SDA", sex="P", birth_date="2024-05-01", region_code="35.15.08.1001")
    log.case("SDA", pid, deleted=True, opened_at="2026-11-06")
    pid = log.person("SDA", sex="P", birth_date="2024-05-01", region_code="35.15.08.1001")
    log.case("SDA", pid, opened_at="2026-12-02")
    # MLG: five women of 71, open since May at the intervensi stage, category 13, desil 3.
    mlg = []
    for _ in range(5):
        pid = log.person("MLG", sex="P", birth_date="1955-06-01", region_code="35.07.02.2002", dtsen_desil=3)
        mlg.append(log.case("MLG", pid, opened_at="2026-05-01", stage="intervensi", category_code="13"))
    ids["mlg"] = mlg[0]

    # ATENSI services: three in November and one in October on a toddler, one deleted.
    for day in ("2026-11-06", "2026-11-07", "2026-11-30"):
        log.record(
            "interventions", "SDA", ids["toddler"], atensi_component="perawatan_pengasuhan", provided_at=day
        )
    log.record("interventions", "SDA", ids["toddler"], atensi_component="kebutuhan_hidup_layak",
               provided_at="2026-10-15")  # fmt: skip
    log.record("interventions", "SDA", ids["toddler"], deleted=True, atensi_component="perawatan_pengasuhan",
               provided_at="2026-11-08")  # fmt: skip
    # Follow-ups: overdue (due 1 Dec, not done), done, not yet due, and one of a closed case.
    log.record("tasks", "SDA", ids["toddler"], title="Kunjungan", due_date="2026-12-01")
    log.record("tasks", "SDA", ids["toddler"], title="Kunjungan", due_date="2026-12-01", done_at="2026-12-01")
    log.record("tasks", "SDA", ids["toddler2"], title="Kunjungan", due_date="2026-12-10")
    log.record("tasks", "SDA", ids["closed"], title="Kunjungan", due_date="2026-11-01")
    log.record("tasks", "MLG", ids["mlg"], title="Kunjungan", due_date="2026-11-15")
    log.record("tasks", "MLG", ids["mlg"], title="Telepon", due_date="2026-12-06")
    # Referrals made in November: one waiting, one accepted after 10 days, one declined after 4; and one in
    # October.
    log.record("referrals", "SDA", ids["toddler"], referred_at="2026-11-03", status="sent", to_agency="RSUD")
    log.record("referrals", "SDA", ids["toddler"], referred_at="2026-11-02", status="accepted",
               updated_at="2026-11-12T08:00:00Z", to_agency="RSUD")  # fmt: skip
    log.record("referrals", "SDA", ids["toddler2"], referred_at="2026-11-10", status="declined",
               updated_at="2026-11-14T01:00:00Z", to_agency="LKS")  # fmt: skip
    log.record("referrals", "SDA", ids["toddler2"], referred_at="2026-10-10", status="accepted",
               updated_at="2026-10-11T01:00:00Z", to_agency="LKS")  # fmt: skip
    # Growth: the toddler's latest November visit is stunted and underweight (an older one was wasted too,
    # a December one would be again); the second toddler is well; the old man's weight is no child's.
    for day, weight, length in (("2026-06-01", 7.0, 72), ("2026-11-10", 9.5, 80), ("2026-12-01", 7.0, 72)):
        log.record("measurements", "SDA", ids["toddler"], measured_at=day, weight_kg=weight, length_cm=length,
                   position="standing")  # fmt: skip
    log.record("measurements", "SDA", ids["toddler2"], measured_at="2026-11-12", weight_kg=12.5, length_cm=90,
               position="standing")  # fmt: skip
    log.record("measurements", "SDA", ids["elder"], measured_at="2026-11-12", weight_kg=50, length_cm=160,
               position="standing")  # fmt: skip
    log.write(db)
    return ids
