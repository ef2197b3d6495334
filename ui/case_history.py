"""The audit trail of a case in words: "membuat catatan", "mengubah data kasus (tahap, risiko)"."""

from __future__ import annotations

import json
from typing import Any

from caseworker.domain.issues import field_label
from ui.i18n import known_keys, register, tr

register(
    {
        "thing.persons": ("data klien", "the client's details"),
        "thing.relations": ("anggota keluarga", "a family member"),
        "thing.cases": ("kasus", "the case"),
        "thing.assessments": ("asesmen", "an assessment"),
        "thing.goals": ("tujuan rencana", "a plan goal"),
        "thing.interventions": ("intervensi", "an intervention"),
        "thing.notes": ("catatan", "a note"),
        "thing.measurements": ("pengukuran", "a measurement"),
        "thing.referrals": ("rujukan", "a referral"),
        "thing.tasks": ("tindak lanjut", "a follow-up"),
        "thing.attachments": ("dokumen", "a document"),
        "thing.reviews": ("pengajuan tinjauan", "a review request"),
        "thing.stage_changes": ("perpindahan tahap", "a stage change"),
        "thing.duplicate_decisions": ("keputusan data ganda", "a duplicate decision"),
        "thing.conflicts": ("konflik", "a conflict"),
        "hist.create": ("menambahkan {thing}", "added {thing}"),
        "hist.create.cases": ("membuka kasus", "opened the case"),
        "hist.update": ("mengubah {thing}", "changed {thing}"),
        "hist.update_fields": ("mengubah {thing}: {fields}", "changed {thing}: {fields}"),
        "hist.delete": ("menghapus {thing}", "deleted {thing}"),
        "hist.stage_change": ("memindahkan tahap kasus", "moved the case to another stage"),
        "hist.reassign": ("memindahkan kasus ke pekerja lain", "reassigned the case"),
        "hist.reassign_reason": (
            "memindahkan kasus ke {to}: {reason}",
            "reassigned the case to {to}: {reason}",
        ),
        "hist.reveal_nik": ("melihat NIK dan KK lengkap", "viewed the full NIK and KK"),
        "hist.print": ("mencetak ringkasan kasus", "printed the case summary"),
        "hist.export": ("mengekspor data kasus", "exported the case"),
        "hist.task_done": ("menandai tindak lanjut selesai", "marked a follow-up done"),
        "hist.open_attachment": ("membuka dokumen", "opened a document"),
        "hist.submit_review": ("mengajukan asesmen untuk ditinjau", "submitted an assessment for review"),
        "hist.review_approved": ("menyetujui pengajuan", "approved a request"),
        "hist.review_returned": ("mengembalikan pengajuan", "returned a request"),
        "hist.review": ("memperbarui status tinjauan asesmen", "updated an assessment's review status"),
        "hist.merge_fill": ("melengkapi data dari data ganda", "filled details from a duplicate"),
        "hist.merge_move": ("memindahkan data dari data ganda", "moved records from a duplicate"),
        "hist.merge_persons": ("menggabungkan data ganda", "merged duplicate persons"),
        "hist.other": ("{action}", "{action}"),
    }
)


def describe(entry: dict[str, Any]) -> str:
    action, table = entry.get("action") or "", entry.get("table_name") or ""
    try:
        details = json.loads(entry.get("details") or "{}")
    except ValueError:
        details = {}
    thing = tr(f"thing.{table}") if table else ""
    if action == "create":
        return tr("hist.create.cases") if table == "cases" else tr("hist.create", thing=thing)
    if action == "update":
        names = [field_label(f) for f in details.get("fields", []) if f not in ("updated_at", "updated_by")]
        if names:
            return tr("hist.update_fields", thing=thing, fields=", ".join(names))
        return tr("hist.update", thing=thing)
    if action == "delete":
        return tr("hist.delete", thing=thing)
    if action == "reassign_reason":
        to = entry.get("to_name") or details.get("to", "")  # the full name (queries.case_history)
        return tr("hist.reassign_reason", to=to, reason=details.get("reason", ""))
    for key in (f"hist.{action}", f"act.{action}"):  # act.*: words other screens register for their actions
        text = tr(key)
        if text != key and key in known_keys():
            return text
    return tr("hist.other", action=action.replace("_", " "))
