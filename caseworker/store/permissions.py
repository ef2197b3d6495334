"""What the signed-in user may change, enforced in the store so a bypassed UI changes nothing.

Mirrors the server's rules: a worker changes the cases assigned to them or created by them (and their
records); a supervisor changes every case of the facility, reassigns and approves; staff only read.
"""

from __future__ import annotations

from typing import Any

from caseworker import i18n
from caseworker.errors import NotAllowed
from caseworker.store.store import Store

i18n.register(
    {
        "perm_read_only": (
            "akun staf hanya dapat membaca dan mencetak",
            "staff accounts can only read and print",
        ),
        "perm_other_facility": ("mengubah data unit lain", "change another facility's data"),
        "perm_not_your_case": (
            "mengubah kasus yang tidak ditugaskan kepada Anda",
            "change a case that is not assigned to you",
        ),
        "perm_reassign": (
            "memindahkan kasus ke pekerja lain (hanya supervisor)",
            "reassign a case (supervisors only)",
        ),
        "perm_review": (
            "menyetujui atau mengembalikan (hanya supervisor)",
            "approve or return (supervisors only)",
        ),
        "perm_form_definitions": (
            "mengimpor atau menghapus instrumen (hanya supervisor)",
            "import or remove instruments (supervisors only)",
        ),
        "perm_referral_answer": (
            "menerima atau menolak rujukan masuk (hanya supervisor)",
            "accept or decline incoming referrals (supervisors only)",
        ),
        "perm_referral_inbox": (
            "membuat rujukan masuk (hanya server yang membuatnya)",
            "create incoming referrals (only the server makes them)",
        ),
        "perm_form_fixed": (
            "mengubah versi instrumen yang sudah ada (impor versi baru)",
            "change an existing instrument version (import a new version)",
        ),
    }
)


def _deny(key: str) -> NotAllowed:
    return NotAllowed(i18n.text(key))


def _require_writer(store: Store) -> None:
    if store.user.role == "staff":
        raise _deny("perm_read_only")


def may_change_case(store: Store, case: dict[str, Any]) -> bool:
    user = store.user
    if user.role == "staff":
        return False
    if case.get("facility_code") and case["facility_code"] != user.facility_code:
        return False
    if user.is_supervisor:
        return True
    return user.username in (case.get("assigned_to"), case.get("created_by"))


def _check_case(store: Store, case_id: str | None) -> None:
    if not case_id:
        return
    case = store.one("SELECT facility_code, assigned_to, created_by FROM cases WHERE id = ?", [case_id])
    if case is None:
        return  # a record whose case is not here yet (arrived out of order): the server re-checks
    if case["facility_code"] != store.user.facility_code:
        raise _deny("perm_other_facility")
    if not may_change_case(store, case):
        raise _deny("perm_not_your_case")


def check_insert(store: Store, table: str, row: dict[str, Any]) -> None:
    _require_writer(store)
    if table == "cases":
        if row.get("facility_code") != store.user.facility_code:
            raise _deny("perm_other_facility")
        if row.get("assigned_to") not in (None, store.user.username) and not store.user.is_supervisor:
            raise _deny("perm_reassign")
        return
    if table in ("persons", "relations"):
        return
    if table == "referral_inbox":
        raise _deny("perm_referral_inbox")
    _check_case(store, row.get("case_id"))
    if table in ("assessments", "reviews") and row.get(_REVIEW_FIELD[table]) in ("approved", "returned"):
        if not store.user.is_supervisor:
            raise _deny("perm_review")
    if table == "duplicate_decisions" and not store.user.is_supervisor:
        raise _deny("perm_review")
    if table == "form_definitions" and not store.user.is_supervisor:
        raise _deny("perm_form_definitions")


_REVIEW_FIELD = {"assessments": "review_status", "reviews": "status"}


def check_update(store: Store, table: str, old: dict[str, Any], diff: dict[str, Any]) -> None:
    _require_writer(store)
    if table == "cases":
        if not may_change_case(store, old):
            raise _deny("perm_not_your_case")
        if "assigned_to" in diff and not store.user.is_supervisor:
            raise _deny("perm_reassign")
        return
    if table == "persons":
        if store.user.is_supervisor or old.get("created_by") == store.user.username:
            return
        cases = store.query(
            "SELECT facility_code, assigned_to, created_by FROM cases WHERE person_id = ?", [old["id"]]
        )
        if not any(may_change_case(store, c) for c in cases):
            raise _deny("perm_not_your_case")
        return
    if table == "relations":
        return
    if table == "referral_inbox":  # the receiving facility's supervisors answer (store.referrals)
        if not store.user.is_supervisor:
            raise _deny("perm_referral_answer")
        if old.get("facility_code") != store.user.facility_code:
            raise _deny("perm_other_facility")
        return
    if table == "form_definitions":  # a version is fixed: only a supervisor's removal (a tombstone)
        if not store.user.is_supervisor:
            raise _deny("perm_form_definitions")
        if set(diff) - {"deleted"}:
            raise _deny("perm_form_fixed")
        return
    if table in ("assessments", "reviews") and diff.get(_REVIEW_FIELD[table]) in ("approved", "returned"):
        if not store.user.is_supervisor:
            raise _deny("perm_review")
        if table == "reviews" and old.get("case_id"):
            case = store.one("SELECT facility_code FROM cases WHERE id = ?", [old["case_id"]])
            if case and case["facility_code"] != store.user.facility_code:
                raise _deny("perm_other_facility")
        return
    _check_case(store, old.get("case_id"))
