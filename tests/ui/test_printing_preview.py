"""Print preview, printing to a PDF-file printer, saving a copy, and the audit entries they leave in the
case's history. Real encrypted stores, real PDFs (reportlab), checked with pypdf."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize
from PySide6.QtGui import QPageRanges
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from caseworker.errors import KnownError
from caseworker.reports import render_case_summary
from caseworker.store.store import User
from tests.core import test_reports_data as data
from tests.ui.printing_helpers import audit_entries
from ui import i18n
from ui.printing import PrintOptions, PrintOptionsDialog, PrintPreviewDialog, print_case, print_pdf
from ui.printing.files import PrivateFolder, sweep_stale
from ui.printing.paint import prepare_printer


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    i18n.set_language("id")
    folder = tmp_path_factory.mktemp("printing")
    store = data.new_store(folder / "profile")
    ids = {"toddler": data.toddler_case(store), "abh": data.abh_case(store)}
    summary = render_case_summary(store, ids["toddler"], folder / "toddler.pdf")
    yield store, ids, summary
    store.close()


def pdf_printer(path: Path) -> QPrinter:
    printer = prepare_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def open_preview(qtbot, path: Path, **kwargs) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(path, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_preview_shows_the_page_count_and_navigates(qtbot, world):
    _store, _ids, summary = world
    pages = len(PdfReader(summary).pages)
    assert pages >= 2
    dialog = open_preview(qtbot, summary)
    assert dialog.page_count() == pages
    assert dialog.page_count_label.text() == f"dari {pages}"
    assert dialog.page_edit.validator().top() == pages and dialog.page_edit.text() == "1"
    assert not dialog.prev_button.isEnabled() and dialog.next_button.isEnabled()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.current_page() == 1)
    assert dialog.page_edit.text() == "2" and dialog.prev_button.isEnabled()
    dialog.page_edit.setText(str(pages))
    dialog.page_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: dialog.current_page() == pages - 1)
    assert not dialog.next_button.isEnabled()
    dialog.zoom_in_button.click()
    assert dialog.zoom_box.currentData() == 1.0 and dialog.view.zoomFactor() == 1.0
    dialog.zoom_in_button.click()
    assert dialog.view.zoomFactor() == 1.25


def test_print_sends_every_page_to_the_printer_and_is_audited(qtbot, world, tmp_path):
    store, ids, summary = world
    dialog = open_preview(
        qtbot, summary, store=store, case_id=ids["toddler"], options=PrintOptions("en", "standard")
    )
    out = tmp_path / "printed.pdf"
    with qtbot.waitSignal(dialog.printed, timeout=60000) as signal:
        dialog.print_to(pdf_printer(out))
    expected = len(PdfReader(summary).pages)
    assert signal.args == [expected]
    printed = PdfReader(out)
    assert len(printed.pages) == expected
    width, height = float(printed.pages[0].mediabox.width), float(printed.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    page = QPdfDocument()
    page.load(str(out))
    image = page.render(0, QSize(298, 421))
    page.close()
    assert image.pixelColor(3, 3).name() == "#ffffff"  # white paper, not a transparent or black sheet
    assert min(image.pixelColor(x, y).lightness() for x in range(298) for y in range(0, 421, 3)) < 80  # ink
    entries = audit_entries(store, ids["toddler"], "print_sent")
    assert entries and entries[0]["details"] == {"variant": "standard", "lang": "en", "pages": expected}
    assert entries[0]["user"] == "ratna"
    assert dialog.print_button.isEnabled() and "Dikirim ke printer" in dialog.status.text()


def test_the_page_range_chosen_in_the_print_dialog_is_respected(qtbot, world, tmp_path):
    _store, _ids, summary = world
    printer = pdf_printer(tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    ranges = QPageRanges()
    ranges.addRange(2, 2)
    ranges.addPage(1)
    printer.setPageRanges(ranges)
    assert print_pdf(summary, printer) == 2
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2

    current = pdf_printer(tmp_path / "current.pdf")
    current.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert print_pdf(summary, current, current_page=1) == 1
    assert len(PdfReader(tmp_path / "current.pdf").pages) == 1


def test_a_file_that_is_not_a_pdf_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(KnownError) as caught:
        print_pdf(bad, pdf_printer(tmp_path / "out.pdf"))
    assert caught.value.key == "print_pdf_unreadable"


def test_save_copies_the_file_and_writes_the_audit_entry(qtbot, world, tmp_path):
    store, ids, summary = world
    before = len(audit_entries(store, ids["toddler"], "save_pdf"))
    dialog = open_preview(
        qtbot, summary, store=store, case_id=ids["toddler"], options=PrintOptions("id", "redacted")
    )
    with qtbot.waitSignal(dialog.saved) as signal:
        written = dialog.save_to(tmp_path / "salinan")
    assert written == tmp_path / "salinan.pdf" and signal.args == [str(written)]
    assert written.read_bytes() == summary.read_bytes()
    entries = audit_entries(store, ids["toddler"], "save_pdf")
    assert len(entries) == before + 1
    assert entries[0]["details"] == {"variant": "redacted", "lang": "id"}
    assert str(tmp_path) not in str(entries[0])  # where it went is not recorded (names in paths)


def test_closing_the_preview_deletes_its_private_temp_folder(qtbot, world):
    store, ids, _summary = world
    folder = PrivateFolder()
    assert os.stat(folder.path).st_mode & 0o777 == 0o700
    pdf = render_case_summary(store, ids["abh"], folder.path / "x.pdf")
    dialog = open_preview(qtbot, pdf, folder=folder)
    assert pdf.exists()
    dialog.close_button.click()
    assert not folder.path.exists()


def test_stale_preview_folders_of_a_crashed_session_are_swept(tmp_path):
    old, young = tmp_path / "caseworker-print-old", tmp_path / "caseworker-print-young"
    for folder in (old, young):
        folder.mkdir()
        (folder / "a.pdf").write_bytes(b"%PDF")
    day_ago = time.time() - 24 * 3600
    os.utime(old, (day_ago, day_ago))
    assert sweep_stale(tmp_path) == 1
    assert not old.exists() and young.exists()


@pytest.mark.parametrize(("role", "allowed"), [("worker", False), ("supervisor", True), ("staff", True)])
def test_full_ids_only_for_supervisors_and_staff(qtbot, role, allowed):
    i18n.set_language("id")
    dialog = PrintOptionsDialog(User("budi", role, "SDA"))
    qtbot.addWidget(dialog)
    dialog.show()
    full = dialog.radios["full_ids"]
    assert full.isEnabled() is allowed
    assert dialog.full_ids_reason.isVisible() is (not allowed)
    if not allowed:
        assert "Hanya supervisor dan staf" in dialog.full_ids_reason.text()
        assert full.toolTip() == dialog.full_ids_reason.text()
        full.click()  # a disabled radio cannot be chosen
        assert dialog.options().variant == "standard"
    else:
        full.click()
        assert dialog.options() == PrintOptions("id", "full_ids")


def test_print_case_asks_renders_off_the_ui_thread_and_previews(qtbot, world):
    store, ids, _summary = world
    parent = QWidget()
    qtbot.addWidget(parent)
    changed: list[bool] = []
    before = len(audit_entries(store, ids["abh"], "print"))
    options = print_case(parent, store, ids["abh"], on_printed=lambda: changed.append(True))
    options.radios["redacted"].click()
    options.language.setCurrentIndex(options.language.findData("en"))
    options.preview_button.click()
    qtbot.waitUntil(lambda: getattr(parent, "print_preview", None) is not None, timeout=60000)
    preview: PrintPreviewDialog = parent.print_preview
    assert preview.options == PrintOptions("en", "redacted") and changed
    assert preview.pdf_path.name.endswith("_tersamar.pdf") and preview.page_count() >= 1
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(preview.pdf_path).pages).split())
    assert "CASE SUMMARY" in text and "Redacted version for outside the facility" in text
    assert "Rizky Maulana" not in text  # a child in conflict with the law: initials only
    entries = audit_entries(store, ids["abh"], "print")
    assert len(entries) == before + 1 and entries[0]["details"] == {"variant": "redacted", "lang": "en"}
    folder = preview.pdf_path.parent
    assert folder.name.startswith("caseworker-print-")
    preview.reject()
    assert not folder.exists()


def test_ctrl_p_from_the_main_window_reaches_the_preview_and_the_history(qtbot, signed_in, tmp_path):
    window = signed_in
    case_id = window.store.query("SELECT id FROM cases ORDER BY case_number LIMIT 1")[0]["id"]
    window.print_case(case_id)
    options: PrintOptionsDialog = window.print_options
    assert options.radios["full_ids"].isEnabled()  # ani is a supervisor
    options.preview_button.click()
    qtbot.waitUntil(lambda: getattr(window, "print_preview", None) is not None, timeout=60000)
    preview: PrintPreviewDialog = window.print_preview
    with qtbot.waitSignal(preview.saved):
        preview.save_to(tmp_path / "copy.pdf")
    actions = [row["action"] for row in audit_entries(window.store, case_id, "print")]
    actions += [row["action"] for row in audit_entries(window.store, case_id, "save_pdf")]
    assert actions == ["print", "save_pdf"]
    preview.reject()
