"""Referrals from this laptop's side (issue 19): choosing where to refer, sending, the "Rujukan masuk" queue.

The facility directory is the server's, kept in `facility_directory` by every sync (caseworker.sync.directory)
so a worker chooses the receiving unit offline. A referral is a `referrals` record of the case; it travels
with the next sync. To a facility on Caseworker the server delivers it to that facility's inbox
(`referral_inbox`, caseworker.server.referrals) and brings back its supervisor's answer; to any other place
a letter is printed (caseworker.reports.referral_letter) and the worker records the answer by hand.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from caseworker import i18n
from caseworker.domain.reference import is_abh_category
from caseworker.errors import KnownError
from caseworker.store import repository
from caseworker.store.ids import today_iso
from caseworker.store.schema import REFERRAL_SECTIONS
from caseworker.store.store import Store

CONSENT_BASES = ("persetujuan", "putusan_pengadilan", "surat_penyerahan", "lainnya")
DEFAULT_DUE_DAYS = 14

i18n.register(
    {
        "referral_no_target": (
            "Pilih unit tujuan dari direktori, atau tulis nama lembaga tujuan.",
            "Choose the receiving facility from the directory, or type the receiving agency's name.",
        ),
        "referral_unknown_facility": (
            "Unit {code} tidak ada di direktori laptop ini. Sinkronkan dulu untuk memperbarui direktori.",
            "Facility {code} is not in this laptop's directory. Sync first to update the directory.",
        ),
        "referral_own_facility": (
            "Tidak dapat merujuk ke unit sendiri ({code}).",
            "You cannot refer to your own facility ({code}).",
        ),
        "referral_no_reason": ("Tulis alasan rujukan.", "Write the reason for the referral."),
        "referral_no_consent": (
            "Isi siapa yang memberi persetujuan, atau pilih dasar hukumnya.",
            "Say who consented, or choose the legal basis.",
        ),
        "referral_bad_basis": (
            "Dasar persetujuan tidak dikenal: {value}. Pilih salah satu: {choices}.",
            "Unknown consent basis: {value}. Choose one of: {choices}.",
        ),
        "referral_bad_section": (
            "Bagian tidak dikenal: {value}. Pilih dari: {choices}.",
            "Unknown section: {value}. Choose from: {choices}.",
        ),
        "referral_not_waiting": (
            "Rujukan ini sudah dijawab ({status}).",
            "This referral was already answered ({status}).",
        ),
        "referral_no_decline_reason": (
            "Tulis alasan penolakan: unit pengirim akan melihatnya.",
            "Write why you decline: the sending facility will see it.",
        ),
        "referral_unknown": ("Rujukan {id} tidak ditemukan.", "Referral {id} not found."),
        "referral_transfer_supervisor": (
            "Hanya supervisor yang dapat memindahkan kasus ke unit lain.",
            "Only a supervisor can transfer a case to another facility.",
        ),
        "referral_transfer_target": (
            "Kasus hanya dapat dipindahkan ke unit yang memakai Caseworker; {code} tidak.",
            "A case can only be transferred to a facility on Caseworker; {code} is not.",
        ),
        "referral_supervisor_only": (
            "Hanya supervisor yang dapat menerima atau menolak rujukan masuk.",
            "Only a supervisor can accept or decline incoming referrals.",
        ),
    }
)


# -- the directory ---------------------------------------------------------------------------------
def _entry(row: dict[str, Any]) -> dict[str, Any]:
    try:
        services = json.loads(row.get("services") or "[]")
    except ValueError:
        services = []
    return {**row, "services": services, "on_caseworker": bool(row.get("on_caseworker"))}


def directory(
    store: Store, *, needs: list[str] | None = None, region: str | None = None, text: str | None = None
) -> list[dict[str, Any]]:
    """The listed facilities other than this one, best first: those offering every need (PPKS category or
    ATENSI codes), then those in the client's kabupaten/kota (`region`, any level), then by name. With
    `needs`, only facilities offering at least one of them (or saying nothing of their services)."""
    rows = store.query(
        "SELECT * FROM facility_directory WHERE listed = 1 AND code != ? ORDER BY name",
        [store.user.facility_code or ""],
    )
    wanted = [n for n in (needs or []) if n]
    kab = ".".join((region or "").split(".")[:2])
    out = []
    for entry in map(_entry, rows):
        offered = set(entry["services"])
        if wanted and offered and not offered & set(wanted):
            continue
        if text and text.lower() not in f"{entry['code']} {entry['name']}".lower():
            continue
        entry["matches"] = sum(1 for n in wanted if n in offered)
        entry["near"] = bool(kab) and (entry.get("region_code") or "").startswith(kab)
        out.append(entry)
    out.sort(key=lambda e: (-e["matches"], not e["near"], e["name"] or ""))
    return out


def directory_for_case(store: Store, case_id: str, **filters: Any) -> list[dict[str, Any]]:
    """The directory filtered by the case's category and the client's region."""
    case = store.one(
        "SELECT c.category_code, p.region_code FROM cases c LEFT JOIN persons p ON p.id = c.person_id"
        " WHERE c.id = ?",
        [case_id],
    )
    if case is None:
        return directory(store, **filters)
    filters.setdefault("needs", [case["category_code"]] if case["category_code"] else [])
    filters.setdefault("region", case["region_code"])
    return directory(store, **filters)


def facility(store: Store, code: str) -> dict[str, Any] | None:
    row = store.one("SELECT * FROM facility_directory WHERE code = ?", [code])
    return _entry(row) if row else None


# -- sending ---------------------------------------------------------------------------------------
def is_abh_case(store: Store, case_id: str) -> bool:
    case = store.one("SELECT category_code FROM cases WHERE id = ?", [case_id])
    return bool(case and is_abh_category(case["category_code"]))


def send(
    store: Store,
    case_id: str,
    *,
    reason: str,
    to_facility: str | None = None,
    to_agency: str | None = None,
    share_identity: bool = False,
    sections: list[str] | None = None,
    consent_by: str | None = None,
    consent_basis: str | None = None,
    referred_at: str | None = None,
    transfer: bool = False,
) -> str:
    """Record a referral of the case; it goes with the next sync. For an ABH child the identity is never
    shared (the server holds to it too). `transfer`: the case itself moves once the receiving facility
    accepts (a supervisor's decision; everything goes, and the sender keeps a closed record of its work)."""
    if transfer:
        if not store.user.is_supervisor:
            raise KnownError("referral_transfer_supervisor")
        if not to_facility:
            raise KnownError("referral_no_target")
        sections, share_identity = list(REFERRAL_SECTIONS), True
    sections = list(dict.fromkeys(sections or []))
    for section in sections:
        if section not in REFERRAL_SECTIONS:
            raise KnownError("referral_bad_section", value=section, choices=", ".join(REFERRAL_SECTIONS))
    target = None
    if to_facility:
        target = facility(store, to_facility)
        if target is None:
            raise KnownError("referral_unknown_facility", code=to_facility)
        if to_facility == store.user.facility_code:
            raise KnownError("referral_own_facility", code=to_facility)
        if transfer and not target["on_caseworker"]:
            raise KnownError("referral_transfer_target", code=to_facility)
    elif not (to_agency or "").strip():
        raise KnownError("referral_no_target")
    if not (reason or "").strip():
        raise KnownError("referral_no_reason")
    if consent_basis and consent_basis not in CONSENT_BASES:
        raise KnownError("referral_bad_basis", value=consent_basis, choices=", ".join(CONSENT_BASES))
    if not ((consent_by or "").strip() or consent_basis):
        raise KnownError("referral_no_consent")
    values = {
        "case_id": case_id,
        "referred_at": referred_at or today_iso(),
        "to_facility": to_facility or None,
        "to_agency": (to_agency or "").strip() or (target["name"] if target else None),
        "reason": reason.strip(),
        "share_identity": int(bool(share_identity) and (transfer or not is_abh_case(store, case_id))),
        "shared_sections": json.dumps(sections),
        "consent_by": (consent_by or "").strip() or None,
        "consent_basis": consent_basis or None,
        "from_facility": store.user.facility_code,
        "status": "sent",
        "kind": "transfer" if transfer else "referral",
    }
    return repository.insert(store, "referrals", values)


def of_case(store: Store, case_id: str) -> list[dict[str, Any]]:
    """The case's referrals, newest first, with their status and dates."""
    rows = store.query(
        "SELECT * FROM referrals WHERE case_id = ? AND deleted = 0 ORDER BY referred_at DESC, id DESC",
        [case_id],
    )
    for row in rows:
        row["sections"] = _sections(row)
    return rows


def _sections(row: dict[str, Any]) -> list[str]:
    try:
        found = json.loads(row.get("shared_sections") or "[]")
    except ValueError:
        return []
    return [s for s in found if s in REFERRAL_SECTIONS] if isinstance(found, list) else []


def withdraw(store: Store, referral_id: str) -> None:
    """Withdraw a referral that was not answered yet (the server wipes the receiver's inbox entry)."""
    row = store.one("SELECT status, to_facility FROM referrals WHERE id = ? AND deleted = 0", [referral_id])
    if row is None:
        raise KnownError("referral_unknown", id=referral_id)
    if row["to_facility"] and row["status"] != "sent":
        raise KnownError("referral_not_waiting", status=row["status"])
    repository.delete(store, "referrals", referral_id)


# -- the receiving facility: "Rujukan masuk" -----------------------------------------------------------
def incoming(store: Store, *, waiting_only: bool = False) -> list[dict[str, Any]]:
    """This facility's inbox: waiting ones first (oldest first), then the answered, newest first."""
    rows = store.query(
        "SELECT * FROM referral_inbox WHERE deleted = 0 AND facility_code = ?"
        + (" AND status = 'sent'" if waiting_only else "")
        + " ORDER BY status != 'sent', CASE WHEN status = 'sent' THEN referred_at END, referred_at DESC, id",
        [store.user.facility_code or ""],
    )
    for row in rows:
        try:
            row["preview"] = json.loads(row.get("preview") or "null")
        except ValueError:
            row["preview"] = None
        row["sections"] = _sections(row)
    return rows


def _waiting(store: Store, inbox_id: str) -> dict[str, Any]:
    if not store.user.is_supervisor:
        raise KnownError("referral_supervisor_only")
    row = store.one("SELECT * FROM referral_inbox WHERE id = ? AND deleted = 0", [inbox_id])
    if row is None:
        raise KnownError("referral_unknown", id=inbox_id)
    if row["status"] != "sent":
        raise KnownError("referral_not_waiting", status=row["status"])
    return row


def accept(store: Store, inbox_id: str) -> None:
    """Accept: with the next sync the server opens the case here, with what was shared."""
    _waiting(store, inbox_id)
    repository.update(store, "referral_inbox", inbox_id, {"status": "accepted"}, action="referral_accept")


def decline(store: Store, inbox_id: str, reason: str) -> None:
    _waiting(store, inbox_id)
    if not (reason or "").strip():
        raise KnownError("referral_no_decline_reason")
    repository.update(
        store,
        "referral_inbox",
        inbox_id,
        {"status": "declined", "decision_reason": reason.strip()},
        action="referral_decline",
    )


# -- overdue ---------------------------------------------------------------------------------------
def overdue(store: Store, today: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Referrals not answered within the receiving facility's days (DEFAULT_DUE_DAYS when it says none):
    `sent` ones this facility made, and `incoming` ones waiting for its answer."""
    today = today or date.today()
    listed = store.query("SELECT code, referral_due_days FROM facility_directory")
    days = {r["code"]: r["referral_due_days"] for r in listed}

    def late(to: str | None, referred_at: str | None) -> bool:
        if not referred_at:
            return False
        due = date.fromisoformat(referred_at[:10]) + timedelta(days=days.get(to or "") or DEFAULT_DUE_DAYS)
        return due < today

    sent = [r for r in store.query(
        "SELECT r.*, c.case_number FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.deleted = 0"
        " AND r.status = 'sent' AND r.to_facility IS NOT NULL") if late(r["to_facility"], r["referred_at"])]  # fmt: skip
    waiting = [r for r in incoming(store, waiting_only=True) if late(r["facility_code"], r["referred_at"])]
    return {"sent": sent, "incoming": waiting}


def preview_label(row: dict[str, Any]) -> str:
    """A one-line description of an inbox row's client: name (or initials), sex, birth year."""
    seen = row.get("preview") or {}
    parts = [seen.get("name") or "-", seen.get("sex") or "", seen.get("birth_year") or ""]
    return " ".join(p for p in parts if p)
