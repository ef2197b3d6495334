"""Review and approval: a worker submits an assessment, a plan or a closure; a supervisor of the facility
approves it or returns it with a comment. Decisions are ordinary synced records, so they work offline and
travel to the worker's laptop with the next sync."""

from __future__ import annotations

from datetime import date
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError, NotAllowed
from caseworker.store import repository as repo
from caseworker.store.ids import now_iso
from caseworker.store.store import Store
from caseworker.store.values import day_of

KINDS = {"assessment": "assessments", "plan": "cases", "closure": "cases"}

i18n.register(
    {
        "review_pending": (
            "Sudah ada pengajuan yang menunggu tinjauan untuk ini.",
            "There is already a submission waiting for review for this.",
        ),
        "review_decided": ("Pengajuan ini sudah diputuskan.", "This submission has already been decided."),
        "review_needs_comment": (
            "Tuliskan alasan pengembalian agar pekerja tahu apa yang harus diperbaiki.",
            "Write why it is returned so the worker knows what to fix.",
        ),
        "review_bad_kind": ("Jenis tinjauan tidak dikenal: {kind}.", "Unknown review kind: {kind}."),
        "closure_not_approved": (
            "Kasus {number} belum dapat ditutup: penutupan (terminasi) harus disetujui supervisor dulu.",
            "Case {number} cannot be closed yet: a supervisor must approve the closure (termination) first.",
        ),
        "perm_decide": ("memutuskan tinjauan (hanya supervisor)", "decide a review (supervisors only)"),
    }
)


def _open_review(store: Store, kind: str, subject_id: str) -> dict[str, Any] | None:
    return store.one(
        "SELECT * FROM reviews WHERE kind = ? AND subject_id = ? AND status = 'submitted' AND deleted = 0",
        [kind, subject_id],
    )


def submit(store: Store, case_id: str, kind: str, subject_id: str | None = None, comment: str = "") -> str:
    """Submit for review. Plans and closures are about the case itself; an assessment names its row."""
    if kind not in KINDS:
        raise KnownError("review_bad_kind", kind=kind)
    subject = subject_id if kind == "assessment" else case_id
    if subject is None:
        raise KnownError("review_bad_kind", kind=kind)
    if _open_review(store, kind, subject):
        raise KnownError("review_pending")
    with store.transaction():
        review_id = repo.insert(
            store,
            "reviews",
            {"case_id": case_id, "kind": kind, "subject_table": KINDS[kind], "subject_id": subject,
             "status": "submitted", "submitted_by": store.user.username, "submitted_at": now_iso(),
             "comment": comment},
        )  # fmt: skip
        if kind == "assessment":
            repo.update(store, "assessments", subject, {"review_status": "submitted"}, action="submit_review")
    return review_id


def decide(store: Store, review_id: str, approve: bool, comment: str = "") -> None:
    """Approve, or return with a comment (supervisors only; the store refuses others even without the UI)."""
    if not store.user.is_supervisor:
        raise NotAllowed(i18n.text("perm_decide"))
    review = repo.get_row(store, "reviews", review_id)
    if review["status"] != "submitted":
        raise KnownError("review_decided")
    if not approve and not comment.strip():
        raise KnownError("review_needs_comment")
    status = "approved" if approve else "returned"
    with store.transaction():
        repo.update(
            store,
            "reviews",
            review_id,
            {"status": status, "decided_by": store.user.username, "decided_at": now_iso(),
             "decision_comment": comment.strip()},
            action=f"review_{status}",
        )  # fmt: skip
        if review["kind"] == "assessment":
            repo.update(
                store, "assessments", review["subject_id"], {"review_status": status}, action="review"
            )


def closure_approved(store: Store, case_id: str) -> bool:
    row = store.one(
        "SELECT status FROM reviews WHERE kind = 'closure' AND subject_id = ? AND deleted = 0"
        " ORDER BY submitted_at DESC, id DESC LIMIT 1",
        [case_id],
    )
    return bool(row and row["status"] == "approved")


def require_closure_approved(store: Store, case: dict[str, Any]) -> None:
    if not closure_approved(store, case["id"]):
        raise KnownError("closure_not_approved", number=case["case_number"])


# The case's columns come from idx_case_index_case (schema v2), not from case_index rows spread over the
# whole table; the queue's reviews come in order from idx_reviews_queue.
_QUEUE_SQL = """
SELECT r.*, i.name, i.case_number, i.assigned_to, i.stage, i.category_code
FROM reviews r JOIN case_index i INDEXED BY idx_case_index_case ON i.case_id = r.case_id
WHERE r.deleted = 0 AND i.deleted = 0 AND {where}
ORDER BY r.submitted_at, r.id
"""


def _with_age(rows: list[dict[str, Any]], today: date | None) -> list[dict[str, Any]]:
    """Each row's age in days since it was submitted (None when `submitted_at` is not a date)."""
    today = today or date.today()
    for row in rows:
        day = day_of(row["submitted_at"])
        row["age_days"] = (today - day).days if day else None
    return rows


def review_queue(store: Store, today: date | None = None) -> list[dict[str, Any]]:
    """What waits for a supervisor of this facility, oldest first, with its age in days."""
    rows = store.query(_QUEUE_SQL.format(where="r.status = 'submitted' AND i.facility_code = ?"),
                       [store.user.facility_code])  # fmt: skip
    return _with_age(rows, today)


def returned_to_me(store: Store, today: date | None = None) -> list[dict[str, Any]]:
    """Submissions of mine a supervisor returned, not yet submitted again."""
    rows = store.query(
        _QUEUE_SQL.format(
            where="r.status = 'returned' AND r.submitted_by = ? AND NOT EXISTS (SELECT 1 FROM reviews n"
            " WHERE n.subject_id = r.subject_id AND n.kind = r.kind AND (n.submitted_at, n.id) > (r.submitted_at, r.id)"
            " AND n.deleted = 0)"
        ),
        [store.user.username],
    )
    return _with_age(rows, today)


def case_reviews(store: Store, case_id: str) -> list[dict[str, Any]]:
    return store.query(
        "SELECT * FROM reviews WHERE case_id = ? AND deleted = 0 ORDER BY submitted_at", [case_id]
    )
