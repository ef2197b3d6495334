"""`caseworker forms import FILE.xlsx` and `caseworker forms list`: a unit's own instruments from XLSForm."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store, print_json
from caseworker.forms import library
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
