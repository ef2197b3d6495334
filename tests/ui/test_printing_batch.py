"""Batch printing of a list of cases: one PDF per case off the UI thread, Cancel between cases, the
summary, and the audit entries (tests/ui/conftest.py makes Qt warnings fail these tests)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

import caseworker.reports.batch as core_batch
from tests.core import test_reports_data as data
from tests.ui.printing_helpers import audit_entries
from ui.printing import BatchPrintDialog, PrintOptions, print_cases, run_batch


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    store = data.new_store(tmp_path_factory.mktemp("batch") / "profile")
    ids = [data.elderly_case(store, serial=10 + i) for i in range(3)]
    ids += [data.disabled_adult_case(store, serial=20), data.closed_case(store, serial=21)]
    yield store, ids
    store.close()


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf"))


def test_a_batch_of_five_cases_writes_five_pdfs(qtbot, world, tmp_path):
    store, ids = world
    recorded: list[bool] = []
    dialog = BatchPrintDialog(store, ids, folder=tmp_path / "out", on_recorded=lambda: recorded.append(True))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.radios["redacted"].click()
    with qtbot.waitSignal(dialog.batch_finished, timeout=120000) as signal:
        dialog.start_button.click()
        assert dialog.running and not dialog.options_card.isVisible()  # the UI thread is free meanwhile
    files = pdfs(tmp_path / "out")
    assert len(files) == 5 and sorted(signal.args[0]) == files
    assert all(f.name.endswith("_tersamar.pdf") for f in files)
    assert all(len(PdfReader(f).pages) >= 1 for f in files)
    assert dialog.summary_label.text() == "5 ringkasan kasus selesai dicetak."
    assert dialog.folder_label.text() == str(tmp_path / "out")
    assert dialog.summary_card.isVisible() and dialog.open_folder_button.isVisible()
    assert not dialog.start_button.isVisible() and dialog.close_button.text() == "Tutup"
    assert recorded
    for case_id in ids:
        assert audit_entries(store, case_id, "print")[0]["details"] == {"variant": "redacted", "lang": "id"}
        saved = audit_entries(store, case_id, "save_pdf")[0]["details"]
        assert saved == {"variant": "redacted", "lang": "id", "batch": True}


def test_cancel_after_the_first_case_stops_early(qtbot, world, tmp_path, monkeypatch):
    """The worker is held after its first case until Cancel was pressed: no timing luck involved."""
    store, ids = world
    real_render = core_batch.render_case_summary
    first_done, go_on = threading.Event(), threading.Event()

    def gated_render(*args, **kwargs):
        path = real_render(*args, **kwargs)
        first_done.set()
        assert go_on.wait(30)
        return path

    monkeypatch.setattr(core_batch, "render_case_summary", gated_render)
    dialog = BatchPrintDialog(store, ids, folder=tmp_path / "out")
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.batch_finished, timeout=60000) as signal:
        dialog.start_button.click()
        qtbot.waitUntil(first_done.is_set, timeout=30000)
        assert dialog.close_button.text() == "Hentikan"
        dialog.close_button.click()
        assert dialog.progress_label.text().startswith("Berhenti setelah")
        go_on.set()
    assert len(signal.args[0]) == 1 and len(pdfs(tmp_path / "out")) == 1
    assert dialog.summary_label.text() == "Dihentikan: 1 dari 5 ringkasan kasus sudah dicetak."
    assert dialog.isVisible()  # Cancel stops the batch; the summary stays until Close


def test_closing_the_window_while_running_stops_and_closes(qtbot, world, tmp_path):
    store, ids = world
    dialog = BatchPrintDialog(store, ids, folder=tmp_path / "out")
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.batch_finished, timeout=120000) as signal:
        dialog.start_button.click()
        dialog.close()  # the window's close button
        assert dialog.isVisible()  # stays until the case being printed is finished
    assert len(signal.args[0]) < 5
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_run_batch_stops_between_cases(world, tmp_path):
    store, ids = world
    seen: list[str] = []
    files = run_batch(store, ids, tmp_path, PrintOptions("en", "standard"),
                      progress=lambda done, total, number: seen.append(number),
                      should_stop=lambda: len(seen) >= 2)  # fmt: skip
    assert len(files) == 2 and len(seen) == 2 and len(pdfs(tmp_path)) == 2
    assert "CASE SUMMARY" in PdfReader(files[0]).pages[0].extract_text()


def test_an_empty_list_cannot_be_started(qtbot, world):
    store, _ids = world
    dialog = print_cases(None, store, [])
    qtbot.addWidget(dialog)
    assert not dialog.start_button.isEnabled()
    dialog.reject()
