"""Issue 15, item 10: the smaller things a worker met on a real laptop, each with the test that found it."""

from __future__ import annotations

from caseworker.store import syncstate
from tests.ui.conftest import wait_idle


def test_a_profile_without_a_server_shows_no_count_of_changes_not_sent(qtbot, signed_in) -> None:
    window = signed_in
    wait_idle(qtbot, window)
    assert syncstate.pending_count(window.store) > 0  # the outbox fills all the same
    window.workspace.refresh_counts()
    wait_idle(qtbot, window)
    assert not window.pending_label.isVisible()
    assert not any(
        "belum dikirim" in label.text()
        for label in window.statusBar().findChildren(type(window.pending_label))
        if label.isVisible()
    )
