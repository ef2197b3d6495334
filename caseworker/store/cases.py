"""Case work operations on an open store: persons, cases, stages and case records.

Each function validates with the domain rules, then writes through the repository (row + outbox + audit
in one transaction). Validation errors raise ValidationFailed; warnings are returned for the user to see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from caseworker import i18n
from caseworker.domain import stages, validation
from caseworker.errors import KnownError, NotAllowed, ValidationFailed
from caseworker.store import person_index
from caseworker.store import repository as repo
from caseworker.store.ids import case_number, now_iso, today_iso, uuid7
from caseworker.store.store import Store

i18n.register(
    {
        "duplicate_nik": (
            "NIK {nik} sudah terdaftar atas nama {name}{where}. Buka orang itu alih-alih mendaftar ulang.",
            "NIK {nik} is already registered to {name}{where}. Open that person instead of registering again.",
        ),
        "case_closed": ("Kasus {number} sudah ditutup.", "Case {number} is already closed."),
        "close_needs_stage": (
            "Kasus hanya dapat ditutup pada tahap terminasi atau bimbingan lanjut.",
            "A case can only be closed at the termination or after-care stage.",
        ),
        "reassign_unknown_user": (
            "Pekerja {user} tidak dikenal di unit ini.",
            "Worker {user} is not known in this facility.",
        ),
        "reason_required": ("Alasan wajib diisi.", "A reason is required."),
    }
)


class DuplicateNik(KnownError):
    def __init__(self, nik: str, existing: dict[str, Any], case_number: str | None) -> None:
        self.existing_id = existing["id"]
        where = f" ({case_number})" if case_number else ""
        super().__init__("duplicate_nik", nik=nik, name=existing["name"], where=where)


@dataclass
class Registered:
    id: str
    warnings: list[validation.Issue] = field(default_factory=list)
    similar: list[dict[str, Any]] = field(default_factory=list)


def _raise_errors(issues: list[validation.Issue]) -> list[validation.Issue]:
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    return issues


def _normalise_person(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    for k in ("nik", "no_kk"):
        if out.get(k):
            out[k] = validation.normalize_nik(out[k])
    if isinstance(out.get("disabilities"), list):
        out["disabilities"] = json.dumps(out["disabilities"], ensure_ascii=False)
    return out


def find_same_nik(store: Store, nik: str, exclude_id: str | None = None) -> dict[str, Any] | None:
    if not nik:
        return None
    return store.one("SELECT * FROM persons WHERE nik = ? AND deleted = 0 AND id IS NOT ?", [nik, exclude_id])


def find_similar_persons(
    store: Store, name: str, birth_date: str | None, estimated: bool = False
) -> list[dict]:
    """People with a similar name (Indonesian spelling variants) born within a month (a year when the
    date is estimated): only those filed under a key of the name (person_index) are compared, on the
    name keys the index holds (`names.similar_names`)."""
    if not name or not birth_date:
        return []
    low, high = person_index.window(birth_date, estimated)
    return person_index.similar(store.conn, name, low, high)


def _case_number_of_person(store: Store, person_id: str) -> str | None:
    row = store.one("SELECT case_number FROM cases WHERE person_id = ? AND deleted = 0 LIMIT 1", [person_id])
    return row["case_number"] if row else None


def register_person(store: Store, values: dict[str, Any]) -> Registered:
    """Add a client. The same NIK twice is refused (pointing to the existing person); similar names with
    close birth dates come back as `similar` for the user to confirm or merge."""
    person = _normalise_person(values)
    person.setdefault("facility_code", store.user.facility_code)
    warnings = _raise_errors(validation.validate_person(person))
    existing = find_same_nik(store, person.get("nik") or "")
    if existing:
        raise DuplicateNik(person["nik"], existing, _case_number_of_person(store, existing["id"]))
    similar = find_similar_persons(
        store, person.get("name", ""), person.get("birth_date"), bool(person.get("birth_date_estimated"))
    )
    return Registered(repo.insert(store, "persons", person), warnings, similar)


def update_person(store: Store, person_id: str, changes: dict[str, Any]) -> list[validation.Issue]:
    changes = _normalise_person(changes)
    current = repo.get_row(store, "persons", person_id)
    warnings = _raise_errors(validation.validate_person({**current, **changes}))
    if changes.get("nik") and changes["nik"] != current.get("nik"):
        existing = find_same_nik(store, changes["nik"], exclude_id=person_id)
        if existing:
            raise DuplicateNik(changes["nik"], existing, _case_number_of_person(store, existing["id"]))
    repo.update(store, "persons", person_id, changes)
    return warnings


def open_case(store: Store, person_id: str, category_code: str, **fields: Any) -> str:
    """Open a case for a person in the user's facility, assigned to the user unless said otherwise."""
    repo.get_row(store, "persons", person_id)
    row_id = uuid7()
    opened = fields.pop("opened_at", None) or today_iso()
    case = {
        "person_id": person_id,
        "facility_code": store.user.facility_code,
        "assigned_to": fields.pop("assigned_to", None) or store.user.username,
        "category_code": category_code,
        "stage": fields.pop("stage", None) or stages.STAGES[0],
        "status": "open",
        "risk": fields.pop("risk", None) or "medium",
        "opened_at": opened,
        "conflict": 0,
        "case_number": case_number(store.user.facility_code, row_id, int(opened[:4])),
        **fields,
    }
    _raise_errors(validation.validate_case(case))
    return repo.insert(store, "cases", case, row_id=row_id)


def update_case(store: Store, case_id: str, changes: dict[str, Any]) -> None:
    current = repo.get_row(store, "cases", case_id)
    _raise_errors(validation.validate_case({**current, **changes}))
    repo.update(store, "cases", case_id, changes)


def change_stage(
    store: Store, case_id: str, to_stage: str, note: str | None = None, closure_reason: str | None = None
) -> None:
    """Move a case along the rehabilitation steps; the change and its note are records of their own."""
    case = repo.get_row(store, "cases", case_id)
    if case["status"] == "closed":
        raise KnownError("case_closed", number=case["case_number"])
    _raise_errors(stages.check_transition(case, to_stage, note, closure_reason))
    with store.transaction():
        changes: dict[str, Any] = {"stage": to_stage}
        if closure_reason:
            changes["closure_reason"] = closure_reason
        repo.update(store, "cases", case_id, changes, action="stage_change")
        repo.insert(
            store,
            "stage_changes",
            {"case_id": case_id, "from_stage": case["stage"], "to_stage": to_stage, "changed_at": now_iso(),
             "note": note or ""},
        )  # fmt: skip
        if note:
            add_note(store, case_id, note, kind="other")


def close_case(store: Store, case_id: str, reason: str, closed_at: str | None = None) -> None:
    case = repo.get_row(store, "cases", case_id)
    if case["status"] == "closed":
        raise KnownError("case_closed", number=case["case_number"])
    if case["stage"] not in ("terminasi", "bimbingan_lanjut"):
        raise KnownError("close_needs_stage")
    if not reason.strip():
        raise KnownError("reason_required")
    from caseworker.store.reviews import require_closure_approved

    require_closure_approved(store, case)
    update_case(
        store,
        case_id,
        {"status": "closed", "closed_at": closed_at or today_iso(), "closure_reason": reason.strip()},
    )


def reassign(store: Store, case_ids: list[str], to_user: str, reason: str) -> None:
    """Hand cases to another worker of the facility (supervisors only), with the reason in the audit log."""
    if not store.user.is_supervisor:
        raise NotAllowed(i18n.text("perm_reassign"))
    if not reason.strip():
        raise KnownError("reason_required")
    known = store.one("SELECT username FROM users WHERE username = ? AND active = 1", [to_user])
    if known is None:
        raise KnownError("reassign_unknown_user", user=to_user)
    with store.transaction():
        for case_id in case_ids:
            if repo.update(store, "cases", case_id, {"assigned_to": to_user}, action="reassign"):
                repo.audit(
                    store, "reassign_reason", "cases", case_id, case_id, {"to": to_user, "reason": reason}
                )


def add_note(store: Store, case_id: str, text: str, *, kind: str = "visit", confidential: bool = False,
             noted_at: str | None = None) -> str:  # fmt: skip
    return repo.insert(
        store,
        "notes",
        {"case_id": case_id, "text": text, "kind": kind, "confidential": int(confidential),
         "noted_at": noted_at or now_iso()},
    )  # fmt: skip


def add_record(store: Store, table: str, case_id: str, values: dict[str, Any]) -> str:
    """Any case record (goals, interventions, measurements, referrals, tasks, assessments)."""
    row = {**values, "case_id": case_id}
    for key in ("data", "scores"):
        if isinstance(row.get(key), dict):
            row[key] = json.dumps(row[key], ensure_ascii=False)
    return repo.insert(store, table, row)


def complete_task(store: Store, task_id: str, done_at: str | None = None) -> None:
    repo.update(store, "tasks", task_id, {"done_at": done_at or today_iso()}, action="task_done")


def reveal_nik(store: Store, person_id: str, case_id: str | None = None) -> tuple[str, str]:
    """The full NIK and KK for display: every reveal is written to the audit log."""
    person = repo.get_row(store, "persons", person_id)
    repo.audit(store, "reveal_nik", "persons", person_id, case_id)
    return person.get("nik") or "", person.get("no_kk") or ""


def mask_id(number: str | None) -> str:
    """3515 08•• •••• 0003 style: region and serial visible, birth date hidden."""
    if not number:
        return ""
    if len(number) != 16:
        return "•" * len(number)
    return f"{number[:6]}••••••{number[-4:]}"
