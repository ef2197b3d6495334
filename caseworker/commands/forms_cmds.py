"""`caseworker forms import FILE.xlsx` and `caseworker forms list`: a unit's own instruments from XLSForm."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store, print_json
from caseworker.forms import kpsp, library
from caseworker.forms.definitions import load_forms
from caseworker.forms.xlsform import XLSFormError

i18n.register(
    {
        "forms_imported": (
            "Instrumen '{title}' ({form_id}) disimpan sebagai versi {version}. Sinkronkan agar sampai ke laptop "
            "lain di unit ini.",
            "Instrument '{title}' ({form_id}) stored as version {version}. Sync so that it reaches the unit's "
            "other laptops.",
        ),
        "forms_list_head": ("Formulir yang tersedia:", "Forms on offer:"),
        "forms_builtin": ("bawaan", "built in"),
        "forms_imported_by": ("diimpor oleh {user}", "imported by {user}"),
        "kpsp_age": (
            "Usia KPSP {months} bulan: pakai KPSP {age} bulan{late}. Skrining rutin berikutnya: {next}.",
            "KPSP age {months} months: use the {age}-month KPSP{late}. Next routine screening: {next}.",
        ),
        "kpsp_between": (
            " (di antara usia skrining: yang terdekat lebih muda, bila ada keluhan)",
            " (between screening ages: the nearest younger one, when there is a worry)",
        ),
        "kpsp_months": ("{n} bulan", "{n} months"),
        "kpsp_none_next": ("tidak ada (KPSP sampai 72 bulan)", "none (KPSP ends at 72 months)"),
        "kpsp_form": ("Pertanyaan: formulir {form_id} ({title}).", "Questions: form {form_id} ({title})."),
        "kpsp_no_texts": (
            "Teks pertanyaan resmi KPSP {age} bulan belum ada di profil ini: impor XLSForm-nya dengan form_id "
            "kpsp_{age} (teks dari buku Pedoman SDIDTK Kemenkes).",
            "The official KPSP {age}-month question texts are not in this profile: import them as an XLSForm "
            "with form_id kpsp_{age} (texts from the Kemenkes SDIDTK guide).",
        ),
        "kpsp_bad_date": ("'{value}' bukan tanggal (YYYY-MM-DD).", "'{value}' is not a date (YYYY-MM-DD)."),
        "kpsp_result": ("{yes} jawaban Ya: {label}. {advice}", "{yes} Yes answers: {label}. {advice}"),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("forms", help="the unit's instruments: import an XLSForm, list the forms")
    fsub = p.add_subparsers(dest="forms_command", required=True)
    imp = fsub.add_parser("import", help="import an XLSForm workbook as a new form version (supervisors)")
    add_user_arg(imp)
    imp.add_argument("file", help="the XLSForm workbook (.xlsx)")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_import)
    lst = fsub.add_parser("list", help="the forms on offer and every imported version")
    add_user_arg(lst)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)
    age = fsub.add_parser(
        "kpsp", help="which KPSP questionnaire a child's age calls for, and what a score means"
    )
    add_user_arg(age)
    age.add_argument("--birth-date", required=True, help="the child's birth date, YYYY-MM-DD")
    age.add_argument("--on", help="the screening date, YYYY-MM-DD (default: today)")
    age.add_argument("--yes", type=int, help="the number of Ya answers, to interpret")
    age.add_argument("--json", action="store_true")
    age.set_defaults(func=cmd_kpsp)


def cmd_import(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        form = library.import_xlsform(store, Path(args.file))
    except XLSFormError as exc:
        if not args.json:
            raise
        print_json({"imported": False, "errors": [e.as_dict() for e in exc.errors]})
        return exc.exit_code
    finally:
        store.close()
    if args.json:
        print_json(
            {"imported": True, "form_id": form.id, "version": form.version, "title": form.title.as_dict()}
        )
    else:
        print(i18n.text("forms_imported", title=form.title.get(), form_id=form.id, version=form.version))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        offered = library.available_forms(store)
        stored = library.definitions(store)
    finally:
        store.close()
    if args.json:
        print_json(
            {
                "forms": [{"form_id": f.id, "version": f.version, "title": f.title.as_dict()} for f in offered.values()],
                "imported": [{k: r[k] for k in ("form_id", "form_version", "title", "source_file", "created_by",
                                                 "created_at")} for r in stored],
            }
        )  # fmt: skip
        return 0
    out = sys.stdout
    print(i18n.text("forms_list_head"), file=out)
    imported = {r["form_id"]: r for r in stored}
    for form in offered.values():
        row = imported.get(form.id)
        who = i18n.text("forms_imported_by", user=row["created_by"]) if row else i18n.text("forms_builtin")
        print(f"  {form.id}  v{form.version}  {form.title.get()}  ({who})", file=out)
    return 0


def cmd_kpsp(args: argparse.Namespace) -> int:
    """With --user, the profile's forms (its imported kpsp_<age> questionnaires too); else the shipped ones."""
    from datetime import date

    from caseworker.errors import KnownError

    try:
        on = date.fromisoformat(args.on) if args.on else None
    except ValueError as exc:
        raise KnownError("kpsp_bad_date", value=args.on) from exc
    months = kpsp.kpsp_age_months(args.birth_date, on)
    if months is None:
        raise KnownError("kpsp_bad_date", value=args.birth_date)
    if args.user:
        store = open_store(args)
        try:
            offered = library.available_forms(store)
        finally:
            store.close()
    else:
        offered = load_forms()
    age, form = kpsp.questionnaire_for(offered, months)
    result = kpsp.interpret(args.yes) if args.yes is not None else None
    if args.json:
        print_json(
            {"months": months, "questionnaire_age": age.questionnaire, "on_schedule": age.on_schedule,
             "next_routine": age.next_routine, "form_id": form.id if form else None,
             "missing_ages": kpsp.missing_ages(offered),
             "result": {"yes": result.yes, "code": result.code, "label": result.label.as_dict(),
                        "advice": result.advice.as_dict()} if result else None}
        )  # fmt: skip
        return 0
    following = (
        i18n.text("kpsp_months", n=age.next_routine) if age.next_routine else i18n.text("kpsp_none_next")
    )
    late = "" if age.on_schedule else i18n.text("kpsp_between")
    print(i18n.text("kpsp_age", months=months, age=age.questionnaire, late=late, next=following))
    if form is not None:
        print(i18n.text("kpsp_form", form_id=form.id, title=form.title.get()))
    else:
        print(i18n.text("kpsp_no_texts", age=age.questionnaire))
    if result is not None:
        print(i18n.text("kpsp_result", yes=result.yes, label=result.label.get(), advice=result.advice.get()))
    return 0
