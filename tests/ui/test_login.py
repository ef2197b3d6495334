from __future__ import annotations

from tests.ui.conftest import PASSWORD, login, wait_idle


def test_login_page_lists_the_profile_users(window) -> None:
    page = window.login_page
    users = [page.user.itemData(i) for i in range(page.user.count())]
    assert users == ["ani", "budi"]


def test_wrong_password_says_so_and_stays_on_login(qtbot, window) -> None:
    page = window.login_page
    page.user.setCurrentIndex(page.user.findData("budi"))
    page.password.setText("salah-sekali")
    page.card.submit.click()
    qtbot.waitUntil(lambda: page.card.submit.isEnabled(), timeout=10000)
    assert window.workspace is None
    assert page.card.message.isVisible()
    assert "Kata sandi salah" in page.card.message.text()
    assert "budi" in page.card.message.text()


def test_empty_password_is_not_sent(window) -> None:
    page = window.login_page
    page.card.submit.click()
    assert page.card.message.text() == "Ketik kata sandi Anda."
    assert page.card.submit.isEnabled()


def test_right_password_opens_the_workspace_with_counts(qtbot, window) -> None:
    login(qtbot, window, "ani", PASSWORD)
    ws = window.workspace
    assert window.store.user.username == "ani"
    assert window.menuBar().isVisible()
    wait_idle(qtbot, window)
    assert ws.counts["mine"] == 2 and ws.counts["facility"] == 3
    assert ws.list_page.model.rowCount() == 2  # "Kasus saya" first
    assert "Luring" in window.online_label.text()
    assert window.actions_["sync"].isEnabled() is False


def test_a_worker_sees_no_review_queue(qtbot, window) -> None:
    login(qtbot, window, "budi", PASSWORD)
    ws = window.workspace
    keys = [ws.nav.item(i).text() for i in range(ws.nav.count())]
    assert "Antrean tinjauan" not in keys
    assert ws.list_page.model.rowCount() == 1
