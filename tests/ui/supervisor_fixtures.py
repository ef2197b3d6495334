"""Shared by tests/ui/test_supervisor_*.py (no tests here; tests/ui/conftest.py makes Qt warnings fail): a realistic
toddler-care unit (a supervisor, four social workers, ~120 cases at every stage, overdue visits, growth
alerts, reviews waiting) built through the core's own functions on a real encrypted profile.

Run as a script to grab the supervisor screens to docs/screenshots:
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.supervisor_fixtures docs/screenshots
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from caseworker.domain.stages import STAGES
from caseworker.store import cases, reviews
from caseworker.store.profile import add_user, create_profile, open_profile
from caseworker.store.store import Store

PASSWORD = "kata-sandi-uji-123"
TODAY = date.today()
WORKERS = {
    "budi": "Budi Santoso, S.Sos.",
    "citra": "Citra Lestari, S.Tr.Sos.",
    "dewi": "Dewi Anggraini, S.Sos.",
    "eko": "Eko Prasetyo, S.Kesos.",
}
FIRST = ["Siti", "Ahmad", "Dewi", "Rizky", "Putri", "Agus", "Wulan", "Joko", "Nur", "Eka", "Bayu", "Intan",
         "Fajar", "Ayu", "Dimas", "Lestari", "Yusuf", "Maya", "Rangga", "Sekar"]  # fmt: skip
LAST = ["Rahayu", "Santoso", "Wulandari", "Hidayat", "Aisyah", "Saputra", "Kurniawan", "Maulida", "", "Pratama",
        "Ramadhani", "Setiawan"]  # fmt: skip
ASSESSMENT_NOTES = ["Asesmen awal setelah kunjungan rumah kedua.", "", "Skor KPSP meragukan, mohon arahan.",
                    "Keluarga kandung belum dapat dihubungi."]  # fmt: skip
PLAN_NOTES = ["Rencana pengasuhan 6 bulan, termasuk terapi wicara.", "Mohon ditinjau sebelum case conference Jumat.",
              "", "Rujukan ke RSUD Sidoarjo untuk gizi buruk."]  # fmt: skip
CATEGORY_WEIGHTS = {"01": 45, "02": 18, "05": 12, "06": 8, "07": 6, "08": 5, "09": 4, "03": 2}


def _days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def new_unit(folder: Path) -> Store:
    """The supervisor's store of an empty unit with four workers (and one disabled former worker)."""
    store = create_profile(folder, username="ratna", password=PASSWORD, facility_code="SDA",
                           facility_name="UPT PPSAB Sidoarjo", full_name="Ratna Kusumawati, S.Tr.Sos.")  # fmt: skip
    for username, full_name in WORKERS.items():
        add_user(store, username, PASSWORD, "worker", full_name)
    add_user(store, "tata", PASSWORD, "staff", "Tata Usaha")
    add_user(store, "lama", PASSWORD, "worker", "Pekerja Lama")
    store.conn.execute("UPDATE users SET active = 0 WHERE username = 'lama'")
    return store


@pytest.fixture(scope="session")
def unit_template(tmp_path_factory) -> Path:  # noqa: ANN001
    """An empty unit built once (key derivation for six users is slow); tests copy it."""
    folder = tmp_path_factory.mktemp("unit-template") / "profile"
    new_unit(folder).close()
    return folder


def copy_unit(template: Path, folder: Path) -> Path:
    shutil.copytree(template, folder)
    return folder


def login(folder: Path, username: str) -> Store:
    return open_profile(folder, username, PASSWORD)


def new_case(store: Store, name: str, born: str, category: str = "01", **fields: object) -> str:
    pid = cases.register_person(store, {"name": name, "birth_date": born, "sex": random.choice("LP")}).id
    return cases.open_case(store, pid, category, **fields)


def realistic_unit(folder: Path, n_cases: int = 120, seed: int = 7) -> Store:
    """A lived-in unit: returns the supervisor's store (workers' stores are closed again)."""
    rnd = random.Random(seed)
    random.seed(seed)
    store = new_unit(folder)
    workers = {u: login(folder, u) for u in WORKERS}
    weights = [3, 5, 4, 2]
    codes, cat_weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    try:
        for i in range(n_cases):
            username = rnd.choices(list(WORKERS), weights)[0]
            worker = workers[username]
            category = rnd.choices(codes, cat_weights)[0]
            toddler = category == "01"
            born = _days_ago(rnd.randint(120, 1500) if toddler else rnd.randint(2500, 27000))
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}".strip()
            opened = rnd.randint(0, 400) if i % 9 else rnd.randint(0, TODAY.day - 1)
            stage = rnd.choices(STAGES[:5], [3, 4, 3, 6, 2])[0]
            cid = new_case(worker, name, born, category, opened_at=_days_ago(opened), stage=stage,
                           risk=rnd.choice(["low", "medium", "medium", "high"]))  # fmt: skip
            if rnd.random() < 0.7:
                cases.add_note(worker, cid, "Kunjungan rumah: kondisi klien stabil.",
                               noted_at=f"{_days_ago(rnd.randint(0, min(opened, 60)))}T03:00:00Z")  # fmt: skip
            if rnd.random() < 0.35:
                cases.add_record(worker, "tasks", cid, {"title": "Kunjungan lanjutan",
                                                        "due_date": _days_ago(rnd.randint(-20, 25))})  # fmt: skip
            if toddler and rnd.random() < 0.5:
                months = (TODAY - date.fromisoformat(born)).days / 30.4
                normal_length = 49.9 + 2.2 * min(months, 12) + 0.9 * max(months - 12, 0)
                short = rnd.random() < 0.3
                cases.add_record(worker, "measurements", cid, {
                    "person_id": worker.one("SELECT person_id FROM cases WHERE id = ?", [cid])["person_id"],
                    "measured_at": _days_ago(rnd.randint(0, 20)), "position": "lying",
                    "length_cm": round(normal_length * (0.86 if short else 1.0), 1),
                    "weight_kg": round((3.3 + 0.45 * min(months, 12) + 0.2 * max(months - 12, 0))
                                       * (0.78 if rnd.random() < 0.2 else 1.0), 1)})  # fmt: skip
            if stage == "asesmen" and rnd.random() < 0.4:
                form = rnd.choice(["kpsp", "barthel"]) if category in ("01", "08") else "kpsp"
                aid = cases.add_record(worker, "assessments", cid, {"form_id": form, "assessed_at": _days_ago(3),
                                                                    "data": {}, "scores": {}, "review_status": "draft"})  # fmt: skip
                reviews.submit(worker, cid, "assessment", aid, comment=rnd.choice(ASSESSMENT_NOTES))
            elif stage == "rencana_intervensi" and rnd.random() < 0.35:
                reviews.submit(worker, cid, "plan", comment=rnd.choice(PLAN_NOTES))
        for username, worker in workers.items():  # one closed this month each
            cid = new_case(worker, f"{rnd.choice(FIRST)} {rnd.choice(LAST)}".strip(), _days_ago(900),
                           "01", opened_at=_days_ago(200), stage="terminasi", closure_reason="reunifikasi")  # fmt: skip
            rid = reviews.submit(worker, cid, "closure")
            reviews.decide(store, rid, approve=True)
            cases.close_case(worker, cid, "Reunifikasi dengan keluarga")
            del username
        first = workers["budi"]  # a pair that may be one child: similar name, born three days apart
        new_case(first, "Muhammad Rizki Ramadhan", "2024-03-10", "01")
        new_case(workers["citra"], "Muhamad Rizky Ramadan", "2024-03-13", "01")
        # Make the queue's ages real: submissions of the last three weeks.
        for n, (rid,) in enumerate(
            store.conn.execute("SELECT id FROM reviews WHERE status = 'submitted'").fetchall()
        ):
            store.conn.execute("UPDATE reviews SET submitted_at = ? WHERE id = ?",
                               [f"{_days_ago((n * 5) % 19)}T02:00:00Z", rid])  # fmt: skip
    finally:
        for worker in workers.values():
            worker.close()
    return store


def main(out: Path) -> None:
    import tempfile

    from PySide6.QtWidgets import QApplication

    from ui import style
    from ui.supervisor import DashboardView, DuplicatesView, ReviewQueueView

    app = QApplication.instance() or QApplication([])
    style.apply(app)
    folder = Path(tempfile.mkdtemp()) / "unit"
    store = realistic_unit(folder)
    out.mkdir(parents=True, exist_ok=True)
    dash = DashboardView(store)
    dash.resize(1366, 900)
    dash.show()
    dash.refresh()
    from PySide6.QtCore import QThreadPool

    while dash.view is None:
        QThreadPool.globalInstance().waitForDone(100)
        app.processEvents()
    app.processEvents()
    dash.grab().save(str(out / "dashboard.png"))
    queue = ReviewQueueView(store)
    queue.resize(1200, 620)
    queue.show()
    queue.refresh()
    while not queue.loaded_once:
        QThreadPool.globalInstance().waitForDone(100)
        app.processEvents()
    if queue.model.rowCount():
        queue.table.selectRow(0)
    app.processEvents()
    queue.grab().save(str(out / "review-queue.png"))
    dups = DuplicatesView(store)
    dups.resize(1100, 560)
    dups.show()
    dups.refresh()
    while not dups.loaded_once:
        QThreadPool.globalInstance().waitForDone(100)
        app.processEvents()
    dups.grab().save(str(out / "duplicates.png"))
    store.close()


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
