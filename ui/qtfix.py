"""A guard against reference-counting bugs of PySide6 6.12 on Python 3.11 that abort the app after a
while ("Fatal Python error: bool_dealloc / none_dealloc"):

- `SignalInstance.emit()` returns True without owning a reference, so each emit from Python lowers
  True's reference count by one;
- a Python override that returns None to Qt (a model's `data()` for a role it does not answer, the
  usual case) lowers None's count by one.

After a few thousand of either, CPython frees True or None and aborts. Python 3.12 made these objects
immortal, which hides the bugs; `apply()` gives them the same immortality on 3.11 by raising their
reference counts far beyond reach (2**40). Nothing else changes. Idempotent; ui.app and the tests call
it before the first window is made.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40
_applied = False


def apply() -> bool:
    """True when the counts were raised (Python < 3.12), False when not needed."""
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return _applied
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(obj)).value += _BOOST
    _applied = True
    return True


def emit_loses_references() -> bool:
    """Whether this PySide6 still has the emit bug (for diagnostics and tests)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 4
