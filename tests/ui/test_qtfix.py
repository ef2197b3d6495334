"""The guard against PySide6's lost references keeps a busy app alive (without it, this test aborts)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt, Signal

from ui import qtfix
from ui.models import CaseTableModel


class _Busy(QObject):
    ping = Signal()


def test_many_emits_and_empty_data_calls_do_not_abort() -> None:
    assert qtfix.apply() is (sys.version_info < (3, 12))
    busy = _Busy()
    for _ in range(20_000):  # more than True's natural reference count
        busy.ping.emit()
    model = CaseTableModel(lambda ids: {i: {"case_id": i, "name": "x"} for i in ids})
    model.set_ids(["a", "b"])
    for _ in range(20_000):  # data() answers None for roles it does not serve
        assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
