"""The pages in a real headless Chromium (Debian's chromium and chromium-driver, driven by selenium) against a
real `caseworker-server serve` process on 127.0.0.1: the IT person signs in, revokes a laptop (whose next
sync is refused) and adds a user; the provincial officer opens the overview, filters it and exports it.

Set CASEWORKER_WEB_SCREENSHOTS=folder to keep screenshots of the pages at 1366x768 and at a phone's width."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from caseworker.server import admin
from caseworker.server.db import Database
from caseworker.sync.protocol import PROTOCOL_VERSION
from tests.server.helpers import PASSWORD
from tests.server.live import LiveServer
from tests.web import world

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SHOTS = os.environ.get("CASEWORKER_WEB_SCREENSHOTS")

if not (CHROMIUM and DRIVER):
    if os.environ.get("CASEWORKER_CI"):
        raise RuntimeError("CI needs chromium and chromium-driver (.ci/run installs them)")
    pytest.skip(
        "needs chromium and chromedriver (apt-get install chromium chromium-driver)", allow_module_level=True
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    database = Database(url)
    database.create_schema()
    admin.add_facility(database, "SDA", "UPT PPSAB Sidoarjo")
    admin.add_user(database, "root", "admin", None, "Pak Admin", PASSWORD)
    admin.add_user(database, "prov", "province", None, "Kantor Provinsi", PASSWORD)
    admin.add_user(database, "ani", "worker", "SDA", "Ani", PASSWORD)
    world.fill(database)
    database.dispose()
    live = LiveServer(url, tmp_path)
    yield live
    live.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                     "--lang=id", "--disable-gpu"):  # fmt: skip
        options.add_argument(argument)  # (--no-sandbox: CI runs as root)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})  # fmt: skip
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _shot(driver: webdriver.Chrome, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for label, width, height in (("", 1366, 768), ("-phone", 390, 844)):
        driver.set_window_size(width, height)
        time.sleep(0.2)
        driver.save_screenshot(str(folder / f"web-{name}{label}.png"))
    driver.set_window_size(1366, 768)


def _sign_in(driver: webdriver.Chrome, base: str, username: str) -> None:
    driver.get(base + "/web/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    WebDriverWait(driver, 30).until(lambda d: "/web/login" not in d.current_url)


def _device_login(base: str, username: str, device_id: str) -> httpx.Response:
    return httpx.post(base + "/auth/login", json={"username": username, "password": PASSWORD,
                      "device_id": device_id, "device_name": "laptop", "protocol_version": PROTOCOL_VERSION},
                      timeout=30)  # fmt: skip


def test_the_it_person_revokes_a_laptop_and_adds_a_user(server: LiveServer, browser: webdriver.Chrome):
    base = server.url
    laptop = _device_login(base, "ani", "laptop-ani-1")
    assert laptop.status_code == 200
    token = {"Authorization": "Bearer " + laptop.json()["access_token"]}
    assert httpx.get(base + "/sync/pull", params={"since": 0}, headers=token, timeout=30).status_code == 200

    _sign_in(browser, base, "root")
    assert browser.current_url.endswith("/web/admin/devices")
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-device="laptop-ani-1"]')
    assert "ani" in row.text
    _shot(browser, "devices")
    row.find_element(By.NAME, "sure").click()
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    WebDriverWait(browser, 30).until(lambda d: "msg=web_done" in d.current_url)
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-device="laptop-ani-1"]')
    assert "Dicabut" in row.text
    refused = httpx.get(base + "/sync/pull", params={"since": 0}, headers=token, timeout=30)
    assert refused.status_code == 403 and refused.json()["error"] == "device_revoked"

    browser.find_element(By.LINK_TEXT, "Pengguna").click()
    browser.find_element(By.CSS_SELECTOR, "details.card summary").click()
    form = browser.find_element(By.ID, "add-user")
    form.find_element(By.NAME, "username").send_keys("budi")
    form.find_element(By.NAME, "full_name").send_keys("Budi Santoso")
    Select(form.find_element(By.NAME, "role")).select_by_value("worker")
    Select(form.find_element(By.NAME, "facility")).select_by_value("SDA")
    form.find_element(By.NAME, "password").send_keys("kata-sandi-budi")
    _shot(browser, "users")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "msg=web_done" in d.current_url)
    assert "Budi Santoso" in browser.find_element(By.CSS_SELECTOR, 'tr[data-user="budi"]').text
    added = httpx.post(base + "/auth/login", json={"username": "budi", "password": "kata-sandi-budi",
                       "device_id": "laptop-2", "protocol_version": PROTOCOL_VERSION}, timeout=30)  # fmt: skip
    assert added.status_code == 200 and added.json()["user"]["role"] == "worker"

    browser.find_element(By.LINK_TEXT, "Jejak audit").click()
    audit = browser.find_element(By.ID, "audit").text
    assert "device_revoke" in audit and "user_add" in audit
    _shot(browser, "audit")
    for section in ("Gagal masuk", "Kesehatan server", "Unit"):
        browser.find_element(By.LINK_TEXT, section).click()
        assert browser.find_element(By.TAG_NAME, "h1").text == section
    _shot(browser, "facilities")
    browser.find_element(By.LINK_TEXT, "Kesehatan server").click()
    _shot(browser, "health")
    # The server's log names no user, only what happened.
    log = server.output()
    assert "web_login" in log and "device_revoke" in log and "budi" not in log and "Budi" not in log


def test_the_provincial_officer_filters_and_exports_the_overview(
    server: LiveServer, browser: webdriver.Chrome
):
    base = server.url
    _sign_in(browser, base, "prov")
    assert "/web/overview" in browser.current_url
    Select(browser.find_element(By.ID, "month")).select_by_value(world.MONTH)
    browser.find_element(By.ID, "show").click()
    WebDriverWait(browser, 30).until(lambda d: f"month={world.MONTH}" in d.current_url)
    headline = browser.find_element(By.ID, "headline").text
    assert "Kasus aktif" in headline and "12" in headline  # 7 at SDA and 5 at MLG
    _shot(browser, "overview")
    Select(browser.find_element(By.ID, "kab")).select_by_value("35.15")
    browser.find_element(By.ID, "show").click()
    WebDriverWait(browser, 30).until(lambda d: "kab=35.15" in d.current_url)
    summary = browser.find_element(By.ID, "summary").text
    assert "UPT PPSAB Sidoarjo" in summary
    page = browser.page_source
    assert world.SECRET_NAME not in page and world.SECRET_NIK not in page
    browser.find_element(By.ID, "export-xlsx").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(browser.downloads.glob("*.xlsx")):  # type: ignore[attr-defined]
        time.sleep(0.2)
    files = list(browser.downloads.glob("*.xlsx"))  # type: ignore[attr-defined]
    assert [f.name for f in files] == [f"ringkasan-{world.MONTH}-35.15.xlsx"]
    book = load_workbook(files[0])
    assert "summary" in book.sheetnames and "by_category" in book.sheetnames
    browser.get(base + "/web/admin/devices")  # not this role's page
    assert "bukan untuk peran Anda" in browser.find_element(By.TAG_NAME, "main").text
