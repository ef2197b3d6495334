"""Screenshots of the desktop app for the docs, made offscreen from a demo profile:
docs/screenshots/{login,case-list,case-view,assessment-form}.png, and with the server extras installed
docs/screenshots/{connect-server,sync,conflicts,case-conflict}.png (a real server app in this process)

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--lang id|en]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_PASSWORD = "demo-demo"
SIZE = (1366, 768)


def sample_profile(folder: Path) -> tuple[str, str]:
    """A small realistic profile when caseworker.demo is not available: (user, password)."""
    from caseworker.store import cases
    from caseworker.store.profile import add_user, create_profile

    rng = random.Random(7)
    store = create_profile(folder, username="supervisor", password=DEMO_PASSWORD, facility_code="SDA",
                           facility_name="UPT PPSAB Sidoarjo", full_name="Dra. Endang Susilowati")  # fmt: skip
    add_user(store, "pekerja", DEMO_PASSWORD, "worker", "Rina Kartikasari, S.Sos")
    add_user(store, "yusuf", DEMO_PASSWORD, "worker", "Yusuf Hidayat, S.Tr.Sos")
    store.close()
    from caseworker.store.profile import open_profile

    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    first = ["Siti", "Nur", "Dewi", "Putri", "Aisyah", "Muhammad", "Ahmad", "Rizky", "Bima", "Fajar", "Sri",
             "Wahyu", "Bayu", "Intan", "Kartini", "Suparmi", "Slamet", "Sumarni", "Agus", "Lestari"]  # fmt: skip
    last = ["Rahmawati", "Hidayat", "Santoso", "Wulandari", "Pratama", "Saputra", "Lestari", "Kurniawan",
            "Nugroho", "Maharani", "Setiawan", "Anggraini"]  # fmt: skip
    today = date.today()
    workers = ["pekerja", "pekerja", "yusuf", "supervisor"]
    stages = ["pendekatan_awal", "asesmen", "rencana_intervensi", "intervensi", "resosialisasi"]
    for i in range(42):
        toddler = i % 3 != 2
        born = today - timedelta(days=rng.randint(150, 1700) if toddler else rng.randint(60 * 365, 80 * 365))
        sex = rng.choice("LP")
        name = f"{rng.choice(first)} {rng.choice(last)}"
        kecamatan = "351508" if i % 2 else "351501"
        day = born.day + (40 if sex == "P" else 0)
        nik = f"{kecamatan}{day:02d}{born.month:02d}{born.year % 100:02d}{i + 1:04d}"
        person = cases.register_person(store, {
            "name": name, "birth_date": born.isoformat(), "sex": sex, "nik": nik,
            "region_code": "35.15.08.1012" if i % 2 else "35.15.01.2001", "address": f"Jl. Raya No. {i + 3}",
            "guardian_name": f"{rng.choice(first)} {rng.choice(last)}", "guardian_relation": "ibu" if toddler else "anak",
        }).id  # fmt: skip
        opened = today - timedelta(days=rng.randint(5, 300))
        case_id = cases.open_case(store, person, "01" if toddler else "25", assigned_to=workers[i % 4],
                                  opened_at=opened.isoformat(), risk=rng.choice(["low", "medium", "medium", "high"]),
                                  referral_source=rng.choice(["Dinas Sosial Kab. Sidoarjo", "Puskesmas Sidoarjo", "Laporan masyarakat"]),
                                  presenting_problem="Anak ditemukan tanpa pengasuh tetap; ibu bekerja di luar kota." if toddler
                                  else "Lansia tinggal sendiri, tidak ada keluarga yang merawat.")  # fmt: skip
        stage = stages[i % len(stages)]
        if stage != "pendekatan_awal":
            cases.change_stage(store, case_id, stage)
        for k in range(rng.randint(1, 4)):
            cases.add_note(store, case_id, rng.choice([
                "Kunjungan rumah: keluarga menerima dengan baik, kondisi rumah layak.",
                "Koordinasi dengan puskesmas untuk imunisasi lanjutan.",
                "Anak aktif bermain, nafsu makan membaik.",
                "Wawancara dengan kepala desa mengenai dukungan keluarga.",
            ]), noted_at=f"{(today - timedelta(days=rng.randint(1, 60) + k)).isoformat()}T03:00:00Z")  # fmt: skip
        cases.add_record(store, "tasks", case_id, {"title": "Kunjungan rumah lanjutan",
                         "due_date": (today + timedelta(days=rng.randint(-12, 30))).isoformat(),
                         "assigned_to": workers[i % 4]})  # fmt: skip
        if toddler:
            for m in range(4):
                when = today - timedelta(days=30 * (4 - m) + 3)
                if when <= born:
                    continue
                age = (when - born).days
                cases.add_record(store, "measurements", case_id, {
                    "person_id": person, "measured_at": when.isoformat(),
                    "weight_kg": round(3.3 + age * 0.0125 * rng.uniform(0.8, 1.0), 1),
                    "length_cm": round(50 + age * 0.05 * rng.uniform(0.85, 0.97) if age < 365 else 74 + (age - 365) * 0.025, 1),
                    "position": "lying" if age < 731 else "standing", "measured_by": "pekerja",
                })  # fmt: skip
    store.close()
    return "pekerja", DEMO_PASSWORD


def build_profile(folder: Path) -> tuple[str, str]:
    try:
        from caseworker.demo import create_demo_profile
    except ImportError:
        return sample_profile(folder)
    result = create_demo_profile(folder, 300, 7)
    if hasattr(result, "close"):
        result.close()
    return "pekerja", DEMO_PASSWORD


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="id", choices=("id", "en"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="caseworker-shots-"))
    os.environ["CASEWORKER_CONFIG_DIR"] = str(tmp / "settings")
    folder = tmp / "demo"
    user, password = build_profile(folder)

    from PySide6.QtCore import QEventLoop, QTimer

    from ui import i18n
    from ui.app import create_app
    from ui.settings import Settings
    from ui.shell import MainWindow

    app, _ = create_app(["caseworker"])
    i18n.set_language(args.lang)
    settings = Settings(language=args.lang)

    def pump(ms: int = 150) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def settle(window: MainWindow) -> None:
        for _ in range(4):
            if window.workspace is not None:
                window.workspace.reader.wait()
            pump(60)

    window = MainWindow(folder, settings, demo=True)
    window.resize(*SIZE)
    window.show()
    pump()
    page = window.login_page
    page.user.setCurrentIndex(max(0, page.user.findData(user)))
    page.password.setText("")
    window.grab().save(str(out / "login.png"))

    page.password.setText(password)
    page.card.submit.click()
    for _ in range(100):
        if window.workspace is not None:
            break
        pump(100)
    settle(window)
    ws = window.workspace
    ws.select_nav("facility")
    settle(window)
    ws.list_page.table.selectRow(2)
    settle(window)
    window.grab().save(str(out / "case-list.png"))
    if window.width() > SIZE[0]:
        print(f"warning: the window is {window.width()} px wide, wider than {SIZE[0]}", file=sys.stderr)

    case_id = pick_case(ws)
    view = ws.open_case(case_id)
    settle(window)
    if view.tabs.isTabVisible(view.growth_index):
        view.show_growth()
    else:
        view.tabs.setCurrentWidget(view.notes)
    settle(window)
    window.grab().save(str(out / "case-view.png"))

    view.new_assessment("barthel")
    dialog = view.dialog
    dialog.resize(820, 700)
    answers = {"sumber_informasi": "pendamping", "bab": "2", "bak": "1", "membersihkan_diri": "1",
               "penggunaan_jamban": "1", "makan": "2", "berpindah": "2", "mobilitas": "2"}  # fmt: skip
    for fid, value in answers.items():
        dialog.form.fields[fid].choose(value)
    pump()
    dialog.grab().save(str(out / "assessment-form.png"))
    dialog.reject()
    window.close()
    app.processEvents()
    try:
        import fastapi  # noqa: F401 - the server extras
    except ImportError:
        print("server extras not installed: no sync screenshots", file=sys.stderr)
    else:
        sync_shots(out, tmp, settings, pump, settle)
    print(f"screenshots written to {out}")
    return 0


SERVER_URL = "https://sinkron.dinsos.example.go.id"
PEOPLE = [("rina", "worker", "Rina Kartikasari, S.Sos"), ("yusuf", "worker", "Yusuf Hidayat, S.Tr.Sos"),
          ("endang", "supervisor", "Dra. Endang Susilowati")]  # fmt: skip


def sync_shots(out: Path, tmp: Path, settings, pump, settle) -> None:  # noqa: ANN001
    """A server app (in this process, through FastAPI's TestClient), two laptops, a same-field conflict and
    a change the server refused."""
    import warnings

    from caseworker.server import admin
    from caseworker.server.app import create_app
    from caseworker.server.db import Database
    from caseworker.store import cases
    from caseworker.store import repository as repo
    from caseworker.sync.engine import sync
    from caseworker.sync.enrol import enrol
    from caseworker.sync.transport import HttpTransport
    from ui.shell import MainWindow

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    db = Database(f"sqlite:///{tmp / 'server.db'}")
    db.create_schema()
    admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo", "Jl. Raya Sidoarjo 1", "facility")
    for name, role, full in PEOPLE:
        admin.add_user(db, name, role, "SDA", full, DEMO_PASSWORD)
    client = TestClient(create_app(db))
    client.__enter__()

    def factory(_url: str, device_id: str) -> HttpTransport:
        return HttpTransport(None, device_id, client=client)

    other, other_http = enrol(tmp / "endang", SERVER_URL, "endang", DEMO_PASSWORD, transport_factory=factory)
    rng = random.Random(11)
    names = ["Aisyah Putri", "Bima Saputra", "Citra Maharani", "Dimas Pratama", "Intan Lestari", "Fajar Nugroho",
             "Kartini Wulandari", "Slamet Riyadi", "Nur Hidayah", "Rizky Ramadhan"]  # fmt: skip
    sexes = "PLPLPLPLPL"
    ids = []
    for i, name in enumerate(names):
        born = date.today() - timedelta(days=rng.randint(200, 1600))
        person = cases.register_person(
            other, {"name": name, "birth_date": born.isoformat(), "sex": sexes[i]}
        ).id
        ids.append(
            cases.open_case(other, person, "01", assigned_to="rina" if i % 3 else "yusuf", risk="medium")
        )
    sync(other, other_http)

    window = MainWindow(tmp / "rina", settings)
    window.transport_factory = factory
    window.resize(*SIZE)
    window.show()
    pump()
    window.connect_server()
    dialog = window.connect_dialog
    dialog.server.setText(SERVER_URL)
    dialog.username.setText("rina")
    dialog.password.setText(DEMO_PASSWORD)
    pump()
    dialog.grab().save(str(out / "connect-server.png"))
    dialog.connect_button.click()
    for _ in range(200):
        if window.workspace is not None and not window.sync.running():
            break
        pump(100)
    settle(window)
    rina = window.store
    shared = ids[1]
    repo.update(other, "cases", shared, {"risk": "high"})
    handed_over = ids[2]  # Rina writes a note while the supervisor hands the case to Yusuf: refused
    repo.update(other, "cases", handed_over, {"assigned_to": "yusuf"})
    sync(other, other_http)
    repo.update(rina, "cases", shared, {"risk": "low"})
    cases.add_note(rina, handed_over, "Ibu meminta kunjungan ulang minggu depan setelah gajian.")
    window.sync.start()
    for _ in range(200):
        if not window.sync.running():
            break
        pump(100)
    for i, name in enumerate(("Lestari Anggraini", "Bayu Setiawan")):
        person = cases.register_person(
            rina, {"name": name, "birth_date": f"2024-08-0{i + 1}", "sex": "LP"[i]}
        ).id
        cases.open_case(rina, person, "01", risk="low")
    ws = window.workspace
    ws.data_changed()
    ws.select_nav("facility")
    settle(window)
    window.statusBar().clearMessage()
    ws.list_page.table.selectRow(0)
    settle(window)
    window.grab().save(str(out / "sync.png"))
    ws.select_nav("conflicts")
    settle(window)
    window.grab().save(str(out / "conflicts.png"))
    ws.open_case(shared)
    settle(window)
    window.grab().save(str(out / "case-conflict.png"))
    window.close()
    other.close()
    other_http.close()
    client.__exit__(None, None, None)
    db.dispose()


def pick_case(ws) -> str:  # noqa: ANN001
    """A toddler with measurements, so the case view shows the growth chart."""
    row = ws.store.one(
        "SELECT i.case_id FROM case_index i JOIN growth_status g ON g.case_id = i.case_id"
        " WHERE i.status = 'open' ORDER BY i.name_sort LIMIT 1"
    )
    if row:
        return row["case_id"]
    return ws.list_page.model.case_id(0)


if __name__ == "__main__":
    sys.exit(main())
