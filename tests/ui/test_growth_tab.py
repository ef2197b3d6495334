"""The growth tab and the measurement dialog: skinfolds recorded, names by age, MUAC and school-age charts."""

from __future__ import annotations

from caseworker.store import queries
from tests.ui.test_cases import _open_first_case


def _headers(model) -> list[str]:  # noqa: ANN001
    from PySide6.QtCore import Qt

    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]


def test_skinfolds_and_muac_are_recorded_scored_and_alerted(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in)
    view.show_growth().add_button.click()
    dialog = view.dialog
    qtbot.keyClicks(dialog.weight.edit, "9,5")
    qtbot.keyClicks(dialog.length.edit, "80")
    qtbot.keyClicks(dialog.muac.edit, "11,3")
    qtbot.keyClicks(dialog.triceps.edit, "7,5")
    qtbot.keyClicks(dialog.subscapular.edit, "6")
    assert "LiLA 11,3 cm" in dialog.preview.text()
    dialog.save_button.click()
    rows = queries.case_full(signed_in.store, view.case_id)["measurements"]
    assert [(r["muac_cm"], r["triceps_mm"], r["subscapular_mm"]) for r in rows] == [(11.3, 7.5, 6.0)]
    tab = view.growth
    headers = _headers(tab.model)
    person = queries.case_full(signed_in.store, view.case_id)["person"]
    result = tab.points[-1][1]
    assert ("TB/U" in headers) == result.standing and ("PB/U" in headers) != result.standing
    assert "IMT/U" in headers and "LiLA/U" in headers
    assert person.get("sex") in ("L", "P") and 183 <= result.age_days <= 1826  # the demo's first child
    assert any("LiLA 11,3 cm" in text for text in tab.alerts.texts())
    tab.indicator.setCurrentIndex(tab.indicator.findData("acz"))
    assert len(tab.chart.series()) >= 2
