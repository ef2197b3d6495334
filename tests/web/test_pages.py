"""The web pages in process (TestClient over https): sign-in with the API's accounts and throttle, the
session cookie's attributes, CSRF on every form, each page for its role only, the admin actions through
caseworker.server.admin with their audit, and an overview with no personal data and no small cell."""

from __future__ import annotations

import io
import re
import time

import pyotp
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from caseworker.server import admin
from caseworker.server.app import create_app
from caseworker.server.auth import Settings
from caseworker.server.db import Database, admin_totp, devices
from caseworker.server.web import sessions
from caseworker.sync.protocol import PROTOCOL_VERSION
from tests.server.helpers import PASSWORD, Device
from tests.web import world
from tests.web.client import Browser


@pytest.fixture
def people(db: Database) -> Database:
    admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo")
    admin.add_user(db, "root", "admin", None, "Pak Admin", PASSWORD)
    admin.add_user(db, "prov", "province", None, "Kantor Provinsi", PASSWORD)
    admin.add_user(db, "ani", "worker", "SDA", "Ani", PASSWORD)
    return db


@pytest.fixture
def browser(people: Database, settings: Settings) -> Browser:
    return Browser(create_app(people, settings))


def test_sign_in_sets_a_secure_http_only_strict_cookie(browser: Browser):
    answer = browser.sign_in("root", PASSWORD)
    assert answer.status_code == 303 and answer.headers["location"] == "/web/admin/devices"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(sessions.COOKIE + "="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = browser.get("/web/admin/devices")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert "Pak Admin" in page.text


def test_wrong_passwords_are_throttled_as_on_the_api(browser: Browser):
    for _ in range(5):
        assert browser.sign_in("root", "salah-salah").status_code == 401
    locked = browser.sign_in("root", PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan" in locked.text


def test_a_worker_has_no_web_pages_and_a_province_no_sync_token(browser: Browser):
    assert browser.sign_in("ani", PASSWORD).status_code == 403
    with pytest.raises(AssertionError, match="forbidden"):
        Device(browser.client, "prov")


def test_every_page_checks_its_role(browser: Browser):
    admin_pages = ["/web/admin/devices", "/web/admin/users", "/web/admin/facilities", "/web/admin/logins",
                   "/web/admin/health", "/web/admin/audit", "/web/admin/totp"]  # fmt: skip
    province_pages = ["/web/overview", "/web/overview/export.xlsx", "/web/overview/report.pdf"]
    for path in admin_pages + province_pages:  # nobody signed in
        answer = browser.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/web/login", path
    browser.sign_in("prov", PASSWORD)
    for path in admin_pages:
        assert browser.get(path).status_code == 403, path
    assert browser.get("/web/overview").status_code == 200


def test_a_form_without_its_csrf_token_changes_nothing(browser: Browser, people: Database):
    browser.sign_in("root", PASSWORD)
    forged = browser.client.post("/web/admin/users/active", data={"username": "ani", "active": "0"})
    assert forged.status_code == 403
    wrong = browser.client.post(
        "/web/admin/users/active", data={"username": "ani", "active": "0", "csrf": "x"}
    )
    assert wrong.status_code == 403
    assert {u["username"]: u["active"] for u in admin.facility_users(people, "SDA")} == {"ani": True}
    login = browser.client.post("/web/login", data={"username": "root", "password": PASSWORD, "csrf": "x"})
    assert login.status_code == 403


def test_admin_actions_go_through_admin_and_are_audited(browser: Browser, people: Database):
    browser.sign_in("root", PASSWORD)
    page = "/web/admin/users"
    answer = browser.post(page, "/web/admin/users/add", username="budi", full_name="Budi", role="worker",
                          facility="SDA", password="kata-sandi-1")  # fmt: skip
    assert answer.status_code == 303
    assert browser.post(page, "/web/admin/users/add", username="budi", role="worker", facility="SDA",
                        password="kata-sandi-1").status_code == 400  # fmt: skip
    assert (
        browser.post(
            page, "/web/admin/users/set", username="budi", role="supervisor", facility="SDA"
        ).status_code
        == 303
    )
    assert (
        browser.post(page, "/web/admin/users/password", username="budi", password="kata-sandi-2").status_code
        == 303
    )
    assert browser.post(page, "/web/admin/users/active", username="budi", active="0").status_code == 303
    users = {u["username"]: u for u in admin.facility_users(people, "SDA")}
    assert users["budi"]["role"] == "supervisor" and users["budi"]["active"] is False
    assert browser.post("/web/admin/facilities", "/web/admin/facilities/add", code="MLG", name="UPT Malang",
                        worker_scope="assigned").status_code == 303  # fmt: skip
    device = Device(browser.client, "ani")
    assert browser.post("/web/admin/devices", "/web/admin/devices/revoke", device_id=device.device_id,
                        sure="1").status_code == 303  # fmt: skip
    with people.read() as conn:
        assert conn.execute(
            select(devices.c.revoked_at).where(devices.c.device_id == device.device_id)
        ).scalar()
    refused = browser.client.get("/sync/pull", params={"since": 0}, headers=device.headers)
    assert refused.status_code == 403 and refused.json()["error"] == "device_revoked"  # its next sync
    audit = browser.get("/web/admin/audit").text
    for action in ("sign_in", "user_add", "user_set", "user_password", "user_disable", "facility_add",
                   "device_revoke"):  # fmt: skip
        assert action in audit
    assert "kata-sandi" not in audit


def test_the_login_failures_page_finds_a_username_without_storing_it(browser: Browser):
    for _ in range(5):
        browser.sign_in("ani", "salah-salah")
    browser.sign_in("root", PASSWORD)
    listed = browser.get("/web/admin/logins").text
    assert ">ani<" not in listed and "nama pengguna" in listed
    found = browser.post("/web/admin/logins", "/web/admin/logins/check", name="ani")
    assert found.status_code == 200 and "Buka kunci" in found.text
    assert browser.post("/web/admin/logins", "/web/admin/logins/unlock", name="ani").status_code == 303
    assert browser.sign_in("ani", PASSWORD).status_code == 403  # unlocked (and a worker: no web pages)


def test_an_admin_turns_totp_on_and_signs_in_with_a_code(browser: Browser, people: Database):
    browser.sign_in("root", PASSWORD)
    assert browser.post("/web/admin/totp", "/web/admin/totp/begin").status_code == 303
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', browser.get("/web/admin/totp").text).group(1)
    assert browser.post("/web/admin/totp", "/web/admin/totp/confirm", code="000000").status_code == 400
    code = pyotp.TOTP(secret).now()
    assert browser.post("/web/admin/totp", "/web/admin/totp/confirm", code=code).status_code == 303
    with people.read() as conn:
        assert conn.execute(select(admin_totp.c.confirmed_at)).scalar()
    other = Browser(browser.client.app)
    assert other.sign_in("root", PASSWORD).headers["location"] == "/web/totp"
    assert other.get("/web/admin/devices", follow_redirects=False).status_code == 303  # not before the code
    assert other.post("/web/totp", "/web/totp", code=code).status_code == 401  # a code is used once
    other.sign_in("root", PASSWORD)
    step = pyotp.TOTP(secret)
    later = step.at(step.timecode(__import__("datetime").datetime.now()) * step.interval + step.interval)
    assert other.post("/web/totp", "/web/totp", code=later).headers["location"] == "/web/admin/devices"
    assert other.get("/web/admin/devices").status_code == 200


def _numbers_in_cells(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', html)]


def test_the_overview_shows_no_person_and_no_small_cell(browser: Browser, people: Database):
    world.fill(people)
    browser.sign_in("prov", PASSWORD)
    for query in (f"?month={world.MONTH}", f"?month={world.MONTH}&kab=35.15", "?month=2026-10", "?lang=en"):
        page = browser.get("/web/overview" + query)
        assert page.status_code == 200
        assert world.SECRET_NAME not in page.text and world.SECRET_NIK not in page.text
        assert all(n == 0 or n >= 5 for n in _numbers_in_cells(page.text)), query
    page = browser.get(f"/web/overview?month={world.MONTH}").text
    assert "&lt;5" in page and "UPT PPSAB Sidoarjo" in page
    xlsx = browser.get(f"/web/overview/export.xlsx?month={world.MONTH}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    seen = 0
    for sheet in book.worksheets:
        header = None
        for row in sheet.iter_rows(values_only=True):
            if header is None and row and row[0] in ("Unit", "Facility"):
                header = row
                continue
            for title, value in zip(header or (), row, strict=False):
                assert value not in (world.SECRET_NAME, world.SECRET_NIK)
                if isinstance(value, int) and "hari" not in str(title):
                    assert value == 0 or value >= 5, (sheet.title, title, value)
                    seen += 1
    assert seen > 20
    pdf = browser.get(f"/web/overview/report.pdf?month={world.MONTH}&lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    from pypdf import PdfReader

    printed = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Monthly report" in printed and "Province" in printed
    assert world.SECRET_NAME not in printed and world.SECRET_NIK not in printed


def test_a_laptop_reports_its_version_clock_and_pending_changes(browser: Browser, people: Database):
    from caseworker.server.web import device_reports
    from caseworker.sync.transport import REPORT_HEADER, HttpTransport

    laptop = HttpTransport(None, "laptop-r", client=browser.client)
    laptop.pending_hint = 12
    header = laptop._report()[REPORT_HEADER]
    assert re.fullmatch(r"app=[0-9.]+;clock=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ;pending=12", header)
    now = 1_800_000_000.0
    assert device_reports.parse("app=0.1.0;clock=2027-01-15T08:00:30Z;pending=3", now) == {
        "app_version": "0.1.0", "pending": 3, "clock_skew": 30}  # fmt: skip
    assert device_reports.parse("app=<script>", now) is None
    ahead = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 600))
    answer = browser.client.post(
        "/auth/login",
        json={
            "username": "ani",
            "password": PASSWORD,
            "device_id": "laptop-r",
            "protocol_version": PROTOCOL_VERSION,
        },
        headers={REPORT_HEADER: f"app=0.9.1;clock={ahead};pending=7"},
    )
    assert answer.status_code == 200
    browser.sign_in("root", PASSWORD)
    row = re.search(
        r'<tr data-device="laptop-r">.*?</tr>', browser.get("/web/admin/devices").text, re.S
    ).group(0)
    assert "0.9.1" in row and ">7<" in row and "+10 min" in row and "warn" in row  # over 5 minutes ahead


def test_a_worker_made_province_loses_the_sync_api_at_once(browser: Browser, people: Database):
    device = Device(browser.client, "ani")
    assert browser.client.get("/sync/pull", params={"since": 0}, headers=device.headers).status_code == 200
    admin.set_user(people, "ani", role="province")
    refused = browser.client.get("/sync/pull", params={"since": 0}, headers=device.headers)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    pushed = device.push_raw([])
    assert pushed.status_code == 403
    refreshed = browser.client.post(
        "/auth/refresh",
        json={"refresh_token": device.login_response["refresh_token"], "device_id": device.device_id},
    )
    assert refreshed.status_code == 403


def test_facilities_carry_the_directory_fields(browser: Browser, people: Database):
    browser.sign_in("root", PASSWORD)
    page = "/web/admin/facilities"
    answer = browser.post(page, "/web/admin/facilities/add", code="LKS1", name="LKS Harapan", directory="1",
                          kind="lks", region="35.15", services="01, perawatan_pengasuhan", contact="031-123",
                          referral_days="10", external="1")  # fmt: skip
    assert answer.status_code == 303, answer.text
    bad = browser.post(page, "/web/admin/facilities/add", code="LKS2", name="X", directory="1", kind="pabrik")
    assert bad.status_code == 400
    listed = browser.get(page).text
    assert "LKS Harapan" in listed and "031-123" in listed and "01, perawatan_pengasuhan" in listed
    assert browser.post(page, "/web/admin/facilities/set", code="LKS1", directory="1", contact="031-999",
                        services="01").status_code == 303  # fmt: skip
    entry = {e["code"]: e for e in admin.network_directory(people)}["LKS1"]
    assert entry["contact"] == "031-999" and entry["services"] == ["01"] and entry["kind"] == "lks"


def test_the_command_line_changes_are_in_the_audit_too(browser: Browser, people: Database, tmp_path):
    from caseworker.server import cli

    url = str(people.engine.url.render_as_string(hide_password=False))
    assert cli.main(["user", "disable", "ani", "--database-url", url]) == 0
    browser.sign_in("root", PASSWORD)
    audit = browser.get("/web/admin/audit").text
    assert "user_disable" in audit and "cli:" in audit and ">ani<" in audit
