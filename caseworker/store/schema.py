"""The local store's tables: the contract shared by the repositories, sync, reports and the UI.

Every synced table has the common columns below. Records hang off a case through `case_id`.
Dates are ISO strings: `YYYY-MM-DD` for dates, `YYYY-MM-DDTHH:MM:SSZ` (UTC) for timestamps.
"""

from __future__ import annotations

# The local store's version (tables, indexes, triggers): caseworker.store.migrations brings old stores to it.
SCHEMA_VERSION = 10
# The shape of the synced rows (TABLES). Devices and the server compare this one: a local index or table
# added by a migration does not make older devices "update required"; a new synced column does.
# 2: form_definitions (store step 8) and measurements.triceps_mm/subscapular_mm (step 9). An older laptop
# is told to update before it syncs again: otherwise it would skip the new rows and columns and its cursor
# would move past them, so that even after its update it would never receive them.
# 3: referrals between facilities (store step 10, issue 19): referrals' new columns and referral_inbox.
DATA_VERSION = 3

COMMON: dict[str, type] = {
    "id": str,  # UUIDv7, made on the device
    "created_at": str,
    "created_by": str,  # username
    "updated_at": str,
    "updated_by": str,
    "deleted": int,  # tombstone, never a hard delete
    "version": int,  # last server version seen (0 = never synced)
}

# Synced tables: column -> type (besides COMMON).
TABLES: dict[str, dict[str, type]] = {
    "persons": {
        "name": str,
        "nickname": str,
        "nik": str,
        "no_kk": str,
        "birth_date": str,
        "birth_date_estimated": int,
        "sex": str,  # "L" (laki-laki) or "P" (perempuan)
        "birthplace": str,
        "address": str,
        "region_code": str,  # Kemendagri code, desa level where known (35.15.08.1001)
        "phone": str,
        "disabilities": str,  # JSON list of strings
        "guardian_name": str,
        "guardian_relation": str,
        "guardian_phone": str,
        "legal_basis": str,  # guardian / custody basis
        "dtsen_desil": int,  # household DTSEN welfare decile 1-10
        "dtsen_checked_at": str,
        "facility_code": str,
    },
    "relations": {
        "person_id": str,
        "related_person_id": str,
        "relation": str,  # parent|child|guardian|sibling|spouse|grandparent|grandchild|relative|other
        "notes": str,
    },
    "cases": {
        "case_number": str,
        "person_id": str,
        "facility_code": str,
        "assigned_to": str,  # username
        "category_code": str,  # PPKS category code, resources/reference/ppks_categories.json
        "stage": str,  # domain.stages codes
        "status": str,  # open|closed
        "risk": str,  # low|medium|high
        "opened_at": str,
        "closed_at": str,
        "closure_reason": str,
        "referral_source": str,
        "presenting_problem": str,
        "consent_by": str,
        "consent_at": str,
        "consent_basis": str,  # persetujuan|putusan_pengadilan|surat_penyerahan|lainnya
        "last_contact_at": str,
        "conflict": int,  # 1 while an unresolved sync conflict exists on the case
    },
    "assessments": {
        "case_id": str,
        "form_id": str,
        "form_version": int,
        "assessed_at": str,
        "data": str,  # JSON object of answers
        "scores": str,  # JSON object of computed scores and bands
        "summary": str,
        "review_status": str,  # draft|submitted|approved|returned
    },
    "goals": {
        "case_id": str,
        "description": str,
        "atensi_component": str,
        "target_date": str,
        "status": str,  # open|achieved|dropped
    },
    "interventions": {
        "case_id": str,
        "atensi_component": str,
        "description": str,
        "provided_at": str,
        "provider": str,
        "outcome": str,
    },
    "notes": {
        "case_id": str,
        "noted_at": str,
        "kind": str,  # visit|call|meeting|observation|other
        "text": str,
        "confidential": int,
    },
    "measurements": {
        "case_id": str,
        "person_id": str,
        "measured_at": str,
        "weight_kg": float,
        "length_cm": float,
        "position": str,  # lying|standing
        "head_cm": float,
        "muac_cm": float,
        "triceps_mm": float,  # skinfolds (WHO's TSZ/SSZ, 3-60 months), schema v9
        "subscapular_mm": float,
        "oedema": int,
        "measured_by": str,
    },
    "referrals": {
        "case_id": str,
        "referred_at": str,
        "to_agency": str,  # free text: an agency outside the directory (or the directory entry's name)
        "reason": str,
        "status": str,  # sent|accepted|completed|declined
        # A referral to a facility of the directory (schema v10, issue 19). To a facility on Caseworker the
        # server delivers it to that facility's "Rujukan masuk" queue and sets status and decided_* from its
        # supervisor's answer; to one outside the app (or with no to_facility) a letter is printed.
        "to_facility": str,  # facility code of the network's directory
        "from_facility": str,  # set by the server: the case's facility
        "share_identity": int,  # 1: name, NIK, birth date, address go (never for ABH children: initials)
        "shared_sections": str,  # JSON list of REFERRAL_SECTIONS the worker ticked
        "consent_by": str,  # who consented (name and relation), or empty with a legal basis
        "consent_basis": str,  # persetujuan|putusan_pengadilan|surat_penyerahan|lainnya
        "decided_at": str,
        "decided_by": str,
        "decision_reason": str,  # why the receiving facility declined
        "received_case_number": str,  # the case the receiving facility opened on accepting
        "kind": str,  # referral (default) | transfer: the case itself moves to the receiving facility
    },
    "tasks": {
        "case_id": str,
        "title": str,
        "due_date": str,
        "done_at": str,
        "assigned_to": str,
    },
    "attachments": {
        "case_id": str,
        "filename": str,
        "mime": str,
        "size": int,
        "sha256": str,
        "description": str,
    },
    "reviews": {
        # A worker submits an assessment, a plan or a closure; a supervisor approves or returns it.
        "case_id": str,
        "kind": str,  # assessment|plan|closure
        "subject_table": str,  # assessments|goals|cases
        "subject_id": str,
        "status": str,  # submitted|approved|returned
        "submitted_by": str,
        "submitted_at": str,
        "comment": str,
        "decided_by": str,
        "decided_at": str,
        "decision_comment": str,
    },
    "duplicate_decisions": {
        # A supervisor's verdict on a pair the duplicate check found: "different" keeps them out of the queue.
        "case_id": str,  # a case of person_id: decides who receives the decision
        "person_id": str,
        "other_person_id": str,
        "decision": str,  # different|merged
    },
    "conflicts": {
        # Written by the server when two devices changed the same field; resolved by a person.
        "case_id": str,
        "table_name": str,
        "row_id": str,
        "field": str,
        "server_value": str,  # JSON
        "device_value": str,  # JSON
        "device_user": str,
        "device_at": str,
        "server_user": str,
        "server_at": str,
        "status": str,  # open|resolved
        "resolution": str,  # keep_server|keep_device|edited
        "resolved_by": str,
        "resolved_at": str,
    },
    "stage_changes": {
        "case_id": str,
        "from_stage": str,
        "to_stage": str,
        "changed_at": str,
        "note": str,
    },
    "referral_inbox": {
        # Written by the server (issue 19): a referral another facility sent to this one (facility_code),
        # with only what the sender shared; its supervisor accepts (status accepted: the server opens a case
        # here with the shared records, accepted_case_id) or declines (the preview is wiped).
        "facility_code": str,  # the receiving facility
        "from_facility": str,
        "from_facility_name": str,
        "from_case_number": str,
        "referred_at": str,
        "reason": str,
        "share_identity": int,
        "shared_sections": str,  # JSON list
        "consent_by": str,
        "consent_basis": str,
        "preview": str,  # JSON object: what the supervisor sees before deciding (only what was shared)
        "status": str,  # sent|accepted|declined|withdrawn (the sender deleted it while it waited)
        "decided_at": str,
        "decided_by": str,
        "decision_reason": str,
        "accepted_case_id": str,
        "accepted_case_number": str,
        "kind": str,  # referral | transfer
    },
    "form_definitions": {
        # A unit's own instrument (caseworker.forms.library): one row per version, never changed; a new
        # import of the same form id is a new row. The built-in JSON forms are version 1 of their ids.
        "form_id": str,
        "form_version": int,
        "title": str,
        "definition": str,  # JSON: the form definition (caseworker.forms.definitions)
        "source_file": str,  # the imported workbook's file name
        "facility_code": str,
    },
}

# What a referral may share besides identity (referrals.shared_sections): the case's presenting problem and
# category ("problem") and its records of these tables. Confidential notes never go.
REFERRAL_SECTIONS = ("problem", "assessments", "goals", "interventions", "notes", "measurements")

# Records that are only ever inserted: they never conflict in sync.
INSERT_ONLY = frozenset(
    {"notes", "assessments", "interventions", "measurements", "stage_changes", "form_definitions"}
)

# Records of a case, in the order exports and reports list them.
CASE_RECORDS = (
    "assessments",
    "goals",
    "interventions",
    "notes",
    "measurements",
    "referrals",
    "tasks",
    "attachments",
    "stage_changes",
    "reviews",
    "duplicate_decisions",
    "conflicts",
)

# Local-only tables (not synced).
LOCAL_TABLES: dict[str, dict[str, type]] = {
    "meta": {"key": str, "value": str},
    "facilities": {
        "code": str,
        "name": str,
        "address": str,
        "city": str,
        "phone": str,
        "head_name": str,
        "head_nip": str,
        "logo_path": str,
    },
    # The network's facility directory as the server last sent it (schema v10, issue 19): where a worker
    # may refer a client, offline. services: JSON list of PPKS category and ATENSI component codes.
    "facility_directory": {
        "code": str,
        "name": str,
        "kind": str,  # upt|dinsos|lks|other
        "region_code": str,
        "services": str,
        "contact": str,
        "address": str,
        "on_caseworker": int,
        "referral_due_days": int,
        "listed": int,  # 0: the server no longer lists it
    },
    "users": {
        "username": str,
        "full_name": str,
        "role": str,  # worker|supervisor|staff|admin
        "facility_code": str,
        "nip": str,
        "active": int,
    },
    "outbox": {
        "seq": int,
        "mutation_id": str,
        "txn_id": str,
        "table_name": str,
        "row_id": str,
        "op": str,  # insert|update|delete
        "fields": str,  # JSON of the changed fields' new values
        "base_version": int,
        "hlc": str,
        "schema_version": int,
        "created_at": str,
        "created_by": str,
    },
    "audit": {
        "seq": int,
        "at": str,
        "user": str,
        "action": str,
        "table_name": str,
        "row_id": str,
        "case_id": str,
        "details": str,  # JSON
    },
}

ROLES = ("worker", "supervisor", "staff", "admin")
