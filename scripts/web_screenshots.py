"""Screenshots of the server's web pages for the docs (issue 20), in Debian's headless chromium against a real
`caseworker-server serve` on 127.0.0.1 over a generated province (benchmarks/bench_web_overview.py's rows):
docs/screenshots/web-{login,devices,users,logins,health,audit,overview,overview-filtered}.png at 1366x768, and
-phone.png at 390x844 for the devices and the overview.

    .venv/bin/python scripts/web_screenshots.py [--out docs/screenshots] [--cases 4000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_web_overview import seed  # noqa: E402
from caseworker.server import admin  # noqa: E402
from caseworker.server.db import Database  # noqa: E402
from caseworker.sync.protocol import PROTOCOL_VERSION  # noqa: E402
from tests.server.live import LiveServer  # noqa: E402

PASSWORD = "rahasia-123"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--cases", type=int, default=4000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="web-shots-"))
    url = f"sqlite:///{folder / 'server.db'}"
    db = Database(url)
    db.create_schema()
    seed(db, args.cases, 8, 9)
    admin.add_user(db, "it", "admin", None, "Bagus (TI Dinsos)", PASSWORD)
    admin.add_user(db, "prov", "province", None, "Bidang Rehsos Provinsi", PASSWORD)
    for n, name in enumerate(("ani", "budi", "citra", "dewi")):
        admin.add_user(db, name, "worker", f"F0{n}", name.title(), PASSWORD)
    db.dispose()
    server = LiveServer(url, folder)
    try:
        for n, name in enumerate(("ani", "budi", "citra")):
            clock = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + (0, 20, 900)[n]))
            httpx.post(server.url + "/auth/login", json={"username": name, "password": PASSWORD,
                       "device_id": f"laptop-{name}", "device_name": f"LAPTOP-UPT-0{n}",
                       "protocol_version": PROTOCOL_VERSION},
                       headers={"X-Caseworker-Report": f"app=0.1.0;clock={clock};pending={(3, 0, 41)[n]}"},
                       timeout=60)  # fmt: skip
        for _ in range(6):
            httpx.post(server.url + "/auth/login", json={"username": "dewi", "password": "salah",
                       "device_id": "laptop-dewi", "protocol_version": PROTOCOL_VERSION}, timeout=60)  # fmt: skip
        shoot(server.url, out)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def shoot(base: str, out: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                     "--hide-scrollbars"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
    try:

        def shot(name: str, phone: bool = False) -> None:
            driver.set_window_size(1366, 768)
            time.sleep(0.3)
            driver.save_screenshot(str(out / f"web-{name}.png"))
            if phone:
                driver.set_window_size(390, 844)
                time.sleep(0.3)
                driver.save_screenshot(str(out / f"web-{name}-phone.png"))
                driver.set_window_size(1366, 768)

        def sign_in(user: str) -> None:
            driver.get(base + "/web/login")
            driver.find_element(By.ID, "username").send_keys(user)
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.ID, "sign-in").click()
            WebDriverWait(driver, 60).until(lambda d: "/web/login" not in d.current_url)

        driver.get(base + "/web/login")
        shot("login")
        sign_in("it")
        row = driver.find_element(By.CSS_SELECTOR, 'tr[data-device="laptop-citra"]')
        row.find_element(By.NAME, "sure").click()
        row.find_element(By.CSS_SELECTOR, "button.danger").click()
        WebDriverWait(driver, 60).until(lambda d: "msg=" in d.current_url)
        shot("devices", phone=True)
        driver.get(base + "/web/admin/users")
        driver.find_element(By.CSS_SELECTOR, "details.card summary").click()
        form = driver.find_element(By.ID, "add-user")
        for name, value in (("username", "eka"), ("full_name", "Eka Putri"), ("password", "kata-sandi-eka")):
            form.find_element(By.NAME, name).send_keys(value)
        Select(form.find_element(By.NAME, "facility")).select_by_value("F04")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 60).until(lambda d: "msg=" in d.current_url)
        for section in ("users", "logins", "health", "audit"):
            driver.get(f"{base}/web/admin/{section}")
            shot(section)
        driver.find_element(By.CSS_SELECTOR, "form[action='/web/logout'] button").click()
        sign_in("prov")
        Select(driver.find_element(By.ID, "month")).select_by_value("2026-06")
        driver.find_element(By.ID, "show").click()
        WebDriverWait(driver, 60).until(lambda d: "month=2026-06" in d.current_url)
        shot("overview", phone=True)
        Select(driver.find_element(By.ID, "kab")).select_by_index(5)
        driver.find_element(By.ID, "show").click()
        WebDriverWait(driver, 60).until(lambda d: "kab=" in d.current_url)
        driver.execute_script("document.getElementById('by_category').scrollIntoView()")
        shot("overview-filtered")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
