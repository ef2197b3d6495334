"""XLSForm workbooks (survey / choices / settings sheets, as ODK, KoboToolbox and CommCare write them) turned
into the app's form definition (the JSON of caseworker.forms.definitions).

pyxform, the XLSForm project's own library, reads the workbook and checks it (names, choice lists, `${}`
references); its XForm step and ODK Validate (Java) are not used. The rows are then mapped onto the app:
integer, decimal, text, select_one, select_multiple, date, note and calculate questions, groups as
sections, `relevant` / `constraint` / `calculation` in the forms' expression language (caseworker.forms.expr),
`required`, labels and hints in Indonesian and English. What the app cannot take is refused with one
RowError per problem, naming the sheet, the row, the column and what to change, and nothing is imported.
Every calculate row becomes a score of the form.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.forms import expr
from caseworker.forms.definitions import parse_form
from caseworker.forms.model import FormDef, FormDefinitionError

__all__ = ["RowError", "XLSFormError", "convert", "read_xlsform"]

i18n.register(
    {
        "xlsform_invalid": (
            "XLSForm {file} tidak dapat diimpor ({count} masalah); tidak ada yang diimpor:\n{problems}",
            "XLSForm {file} cannot be imported ({count} problems); nothing was imported:\n{problems}",
        ),
        "xlsform_where_row": (
            "Lembar '{sheet}', baris {row}, kolom '{column}': {problem}",
            "Sheet '{sheet}', row {row}, column '{column}': {problem}",
        ),
        "xlsform_where_row_only": (
            "Lembar '{sheet}', baris {row}: {problem}",
            "Sheet '{sheet}', row {row}: {problem}",
        ),
        "xlsform_where_sheet": ("Lembar '{sheet}': {problem}", "Sheet '{sheet}': {problem}"),
        "xlsform_where_file": ("Berkas: {problem}", "File: {problem}"),
    }
)

SUPPORTED_TYPES = ("integer", "decimal", "text", "select_one", "select_multiple", "date", "note", "calculate")
_TYPE_MAP = {"integer": "integer", "decimal": "number", "text": "text", "date": "date", "note": "note",
             "calculate": "calculate"}  # fmt: skip
# Filled in by ODK Collect itself; a laptop form has nothing to ask, so these rows are left out quietly.
_METADATA_TYPES = frozenset(
    {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
     "audit", "start-geopoint", "background-audio"}
)  # fmt: skip
_SURVEY_COLUMNS = frozenset(
    {"type", "name", "label", "hint", "relevant", "constraint", "constraint_message", "required", "calculation",
     "appearance", "required_message"}
)  # fmt: skip
_TEXT_COLUMNS = ("label", "hint", "constraint_message", "required_message")
_CHOICE_COLUMNS = frozenset({"list_name", "name", "label"})
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PYX_ROW = re.compile(r"\[row : (\d+)\]")
_PYX_SHEET = re.compile(r"On the '(\w+)' sheet")
_PYX_COLUMN = re.compile(r"the '([\w:]+)' value")
_YES = frozenset({"yes", "true", "true()", "1", "ya"})
_NO = frozenset({"no", "false", "false()", "0", "tidak", ""})


@dataclass(frozen=True)
class RowError:
    """One thing the import cannot take: where (sheet, spreadsheet row, column) and what to change."""

    sheet: str
    row: int | None
    column: str | None
    problem_id: str
    problem_en: str

    def text(self, lang: str | None = None) -> str:
        lang = lang or i18n.language()
        problem = self.problem_id if lang == "id" else self.problem_en
        if self.row is not None and self.column:
            return i18n.text("xlsform_where_row", lang, sheet=self.sheet, row=self.row, column=self.column,
                             problem=problem)  # fmt: skip
        if self.row is not None:
            return i18n.text("xlsform_where_row_only", lang, sheet=self.sheet, row=self.row, problem=problem)
        if self.sheet:
            return i18n.text("xlsform_where_sheet", lang, sheet=self.sheet, problem=problem)
        return i18n.text("xlsform_where_file", lang, problem=problem)

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "problem": {"id": self.problem_id,
                "en": self.problem_en}}  # fmt: skip


class XLSFormError(KnownError):
    """The workbook cannot be imported; `errors` lists every problem found."""

    def __init__(self, file: str, errors: list[RowError]) -> None:
        self.file, self.errors = file, errors
        KnownError.__init__(self, "xlsform_invalid", file=file, count=len(errors), problems="")

    def text(self, lang: str | None = None) -> str:
        problems = "\n".join(f"- {e.text(lang)}" for e in self.errors)
        return i18n.text("xlsform_invalid", lang, file=self.file, count=len(self.errors), problems=problems)


# --- languages ---------------------------------------------------------------------------------------------


def _language_of(tag: str) -> str | None:
    """'Indonesian (id)', 'Bahasa Indonesia', 'id' -> 'id'; 'English (en)', 'en' -> 'en'; other -> None."""
    low = tag.strip().lower()
    code = re.search(r"\((\w+)\)\s*$", low)
    if code:
        low = code.group(1)
    if low in ("id", "ind", "in", "indonesian", "indonesia", "bahasa indonesia", "bahasa"):
        return "id"
    if low in ("en", "eng", "english", "inggris"):
        return "en"
    return None


class _Texts:
    """Reads a row's label / hint in Indonesian and English from `label`, `label::Indonesian (id)`, ..."""

    def __init__(self, headers: list[str], default_language: str) -> None:
        self.columns: dict[tuple[str, str], str] = {}
        self.unknown_languages: list[str] = []
        default = _language_of(default_language) or "id"
        for header in headers:
            base, _, tag = header.partition("::")
            base = base.strip()
            if base not in _TEXT_COLUMNS:
                continue
            lang = _language_of(tag) if tag else default
            if lang is None:
                self.unknown_languages.append(header)
            else:
                self.columns.setdefault((base, lang), header)

    def get(self, row: dict[str, Any], base: str) -> dict[str, str] | None:
        ind = (row.get(self.columns.get((base, "id"), "")) or "").strip()
        eng = (row.get(self.columns.get((base, "en"), "")) or "").strip()
        if not ind and not eng:
            return None
        return {"id": ind or eng, "en": eng or ind}  # one language given: it stands for both


# --- reading -------------------------------------------------------------------------------------------------


def _headers(sheet_header: Any) -> list[str]:
    return [str(k) for k in (sheet_header[0] if sheet_header else {}) if k is not None]


def _pyxform_errors(data: Any, form_name: str) -> list[RowError]:
    """pyxform's own checks of the workbook (it stops at the first problem it finds)."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json

    try:
        workbook_to_json(copy.deepcopy(data), form_name=form_name, warnings=[])
    except PyXFormError as exc:
        message = str(exc)
        row = _PYX_ROW.search(message)
        sheet = _PYX_SHEET.search(message)
        column = _PYX_COLUMN.search(message)
        plain = _PYX_ROW.sub("", message).strip()
        return [
            RowError(
                sheet.group(1) if sheet else ("survey" if row else ""),
                int(row.group(1)) if row else None,
                column.group(1) if column else None,
                f"pemeriksaan XLSForm (pyxform) menolak: {plain}",
                f"the XLSForm check (pyxform) refuses: {plain}",
            )
        ]
    return []


def read_xlsform(path: Path) -> Any:
    """The workbook's sheets as pyxform reads them (rows as dicts of text), or XLSFormError."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    if not Path(path).is_file():
        raise XLSFormError(Path(path).name, [RowError("", None, None, f"berkas {path} tidak ditemukan",
                                                      f"the file {path} was not found")])  # fmt: skip
    try:
        return get_xlsform(str(path))
    except (PyXFormError, OSError, ValueError, KeyError) as exc:
        raise XLSFormError(
            Path(path).name,
            [RowError("", None, None, f"buku kerja tidak dapat dibaca ({exc}); simpan sebagai .xlsx lalu coba lagi",
                      f"the workbook cannot be read ({exc}); save it as .xlsx and try again")],
        ) from exc  # fmt: skip


# --- converting ---------------------------------------------------------------------------------------------


class _Converter:
    def __init__(self, data: Any, file: str) -> None:
        self.data, self.file = data, file
        self.errors: list[RowError] = []
        settings = (data.settings or [{}])[0] if data.settings else {}
        self.settings: dict[str, str] = {str(k): str(v) for k, v in settings.items() if v is not None}
        self.texts = _Texts(_headers(data.survey_header), self.settings.get("default_language", "id"))
        self.choice_texts = _Texts(_headers(data.choices_header), self.settings.get("default_language", "id"))

    def fail(self, sheet: str, row: int | None, column: str | None, problem_id: str, problem_en: str) -> None:
        self.errors.append(RowError(sheet, row, column, problem_id, problem_en))

    def choices(self) -> dict[str, list[dict[str, Any]]]:
        lists: dict[str, list[dict[str, Any]]] = {}
        for i, row in enumerate(self.data.choices or []):
            n = i + 2  # the spreadsheet's row number: row 1 holds the headers
            if not row:
                continue
            for column in row:
                base = column.partition("::")[0].strip()
                if base not in _CHOICE_COLUMNS and not column.startswith(("$", "_")) and row[column]:
                    self.fail("choices", n, column, "kolom ini tidak didukung (misalnya choice_filter); kosongkan",
                              "this column is not supported (e.g. choice_filter); leave it empty")  # fmt: skip
            list_name, name = (row.get("list_name") or "").strip(), (row.get("name") or "").strip()
            if not list_name or not name:
                self.fail(
                    "choices", n, "name" if list_name else "list_name", "wajib diisi", "must be filled in"
                )
                continue
            label = self.choice_texts.get(row, "label")
            if label is None:
                self.fail("choices", n, "label", "pilihan perlu label", "a choice needs a label")
                continue
            lists.setdefault(list_name, []).append({"value": name, "label": label})
        return lists

    def expression(
        self, row: dict[str, Any], n: int, column: str, names: set[str], own: str | None = None
    ) -> str | None:
        text = (row.get(column) or "").strip()
        if not text:
            return None
        try:
            parsed = expr.parse(text)
        except expr.ExprError as exc:
            self.fail(
                "survey",
                n,
                column,
                f"{exc.text_id}; ubah ungkapan ini",
                f"{exc.text_en}; change this expression",
            )
            return None
        later = sorted(parsed.refs - names - ({own} if own else set()))
        if later:
            refs = ", ".join(f"${{{name}}}" for name in later)
            self.fail("survey", n, column, f"{refs} belum ada di atas baris ini; pindahkan isian itu ke atas",
                      f"{refs} is not defined above this row; move that field up")  # fmt: skip
            return None
        return parsed.text

    def survey(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        lists = self.choices()
        title = self.settings.get("form_title") or self.settings.get("title") or Path(self.file).stem
        main: dict[str, Any] = {"id": "utama", "title": {"id": title, "en": title}, "fields": []}
        sections: list[dict[str, Any]] = [main]
        current: dict[str, Any] | None = main
        group_row: int | None = None
        scores: list[dict[str, Any]] = []
        names: set[str] = set()
        for header in self.texts.unknown_languages:
            self.fail("survey", 1, header, "bahasa kolom ini tidak dikenal; pakai ::Indonesian (id) atau ::English (en)",
                      "this column's language is unknown; use ::Indonesian (id) or ::English (en)")  # fmt: skip
        for i, row in enumerate(self.data.survey or []):
            n = i + 2
            if not row:
                continue
            kind = " ".join((row.get("type") or "").split())
            if not kind:
                self.fail("survey", n, "type", "jenis (type) kosong", "the type is empty")
                continue
            word, _, list_name = kind.partition(" ")
            if word in _METADATA_TYPES:
                continue
            for column in row:
                base = column.partition("::")[0].strip()
                if base not in _SURVEY_COLUMNS and not column.startswith(("$", "_")) and row[column]:
                    self.fail("survey", n, column, f"kolom '{base}' tidak didukung; kosongkan",
                              f"the column '{base}' is not supported; leave it empty")  # fmt: skip
            if word in ("begin_group", "begin", "end_group", "end"):
                if word in ("begin", "end") and list_name != "group":
                    self.fail("survey", n, "type", f"'{kind}' tidak didukung (grup berulang/repeat tidak bisa)",
                              f"'{kind}' is not supported (repeat groups cannot be taken)")  # fmt: skip
                    continue
                if word.startswith("begin"):
                    if group_row is not None:
                        self.fail(
                            "survey",
                            n,
                            "type",
                            f"grup di dalam grup (baris {group_row}) tidak didukung; tutup grup sebelumnya dulu",
                            f"a group inside a group (row {group_row}) is not supported; end the first one",
                        )
                        continue  # fmt: skip
                    group_row = n
                    current = {"id": self.name(row, n, names), "title": self.texts.get(row, "label")
                               or {"id": row.get("name", ""), "en": row.get("name", "")}, "fields": [],
                               "_row": n}  # fmt: skip
                    if relevant := self.expression(row, n, "relevant", names):
                        current["relevant"] = relevant
                    sections.append(current)
                else:
                    group_row, current = None, None
                continue
            if word not in _TYPE_MAP and word not in ("select_one", "select_multiple"):
                self.fail(
                    "survey",
                    n,
                    "type",
                    f"jenis '{kind}' tidak didukung; yang didukung: {', '.join(SUPPORTED_TYPES)}",
                    f"the type '{kind}' is not supported; supported: {', '.join(SUPPORTED_TYPES)}",
                )
                continue  # fmt: skip
            field = self.field(row, n, word, list_name, lists, names)
            if field is None:
                continue
            if current is None:
                current = self.tail(sections)
            current["fields"].append(field)
            if field["type"] == "calculate":
                scores.append({"id": field["id"], "label": field["label"], "field": [field["id"]]})
        if group_row is not None:
            self.fail(
                "survey",
                group_row,
                "type",
                "grup ini tidak ditutup dengan end_group",
                "this group has no end_group",
            )
        for section in sections:
            row_n = section.pop("_row", None)
            if not section["fields"] and section is not main:
                self.fail(
                    "survey",
                    row_n,
                    "type",
                    "grup ini tidak berisi pertanyaan",
                    "this group holds no question",
                )
        return [s for s in sections if s["fields"]], scores

    def tail(self, sections: list[dict[str, Any]]) -> dict[str, Any]:
        """Rows after a group's end go into a new section under the form's title, so the form keeps its order."""
        title = sections[0]["title"]
        section = {"id": f"bagian_{len(sections) + 1}", "title": title, "fields": []}
        sections.append(section)
        return section

    def name(self, row: dict[str, Any], n: int, names: set[str]) -> str:
        name = (row.get("name") or "").strip()
        if not _ID.match(name):
            hint = re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "nama"
            self.fail("survey", n, "name",
                      f"nama '{name}' harus huruf kecil, angka dan _ (diawali huruf), misalnya '{hint}'",
                      f"the name '{name}' must be lower-case letters, digits and _ (starting with a letter), "
                      f"e.g. '{hint}'")  # fmt: skip
        elif name in names:
            self.fail("survey", n, "name", f"nama '{name}' sudah dipakai", f"the name '{name}' is used twice")
        names.add(name)
        return name

    def field(
        self, row: dict[str, Any], n: int, word: str, list_name: str, lists: dict[str, list[dict[str, Any]]],
        names: set[str],
    ) -> dict[str, Any] | None:  # fmt: skip
        before = len(self.errors)
        earlier = set(names)
        fid = self.name(row, n, names)
        ftype = _TYPE_MAP.get(word) or ("choice" if word == "select_one" else "multichoice")
        if ftype == "text" and "multiline" in (row.get("appearance") or ""):
            ftype = "textarea"
        label = self.texts.get(row, "label")
        if label is None:
            if ftype != "calculate":
                self.fail("survey", n, "label", "pertanyaan perlu label", "a question needs a label")
            label = {"id": fid, "en": fid}
        field: dict[str, Any] = {"id": fid, "type": ftype, "label": label}
        if (hint := self.texts.get(row, "hint")) is not None:
            field["help"] = hint
        if ftype in ("choice", "multichoice"):
            if " or_other" in f" {list_name}":
                self.fail("survey", n, "type", "or_other tidak didukung; tambahkan pilihan 'lainnya' dan isian teks",
                          "or_other is not supported; add an 'other' choice and a text field")  # fmt: skip
            elif not lists.get(list_name):
                self.fail("survey", n, "type", f"daftar pilihan '{list_name}' tidak ada di lembar choices",
                          f"the choice list '{list_name}' is not on the choices sheet")  # fmt: skip
            else:
                field["options"] = lists[list_name]
        required = (row.get("required") or "").strip().lower()
        if required in _YES:
            if ftype in ("note", "calculate"):
                self.fail("survey", n, "required", f"baris {word} tidak bisa wajib; kosongkan",
                          f"a {word} row cannot be required; leave it empty")  # fmt: skip
            else:
                field["required"] = True
        elif required not in _NO:
            self.fail("survey", n, "required", "hanya yes atau no (wajib bersyarat tidak didukung)",
                      "only yes or no (a conditional required is not supported)")  # fmt: skip
        for column in ("relevant", "constraint", "calculation"):
            value = self.expression(row, n, column, earlier, fid if column == "constraint" else None)
            if value is None:
                continue
            if column == "constraint" and ftype in ("note", "calculate"):
                self.fail("survey", n, column, f"baris {word} tidak punya jawaban untuk diperiksa; kosongkan",
                          f"a {word} row has no answer to check; leave it empty")  # fmt: skip
            elif column == "calculation" and ftype != "calculate":
                self.fail("survey", n, column, "calculation hanya untuk baris calculate; kosongkan",
                          "a calculation belongs on a calculate row only; leave it empty")  # fmt: skip
            else:
                field[column] = value
        if ftype == "calculate" and "calculation" not in field and len(self.errors) == before:
            self.fail(
                "survey",
                n,
                "calculation",
                "baris calculate perlu calculation",
                "a calculate row needs a calculation",
            )
        if (message := self.texts.get(row, "constraint_message")) is not None and "constraint" in field:
            field["constraint_message"] = message
        return field if len(self.errors) == before else None


def convert(path: Path, *, version: int = 1) -> tuple[dict[str, Any], FormDef]:
    """The form definition (JSON-ready dict and parsed FormDef) of an XLSForm, or XLSFormError listing
    every problem. `version` is the app's version number for it (the caller knows the versions stored)."""
    path = Path(path)
    data = read_xlsform(path)
    conv = _Converter(data, path.name)
    if not data.survey:
        raise XLSFormError(path.name, [RowError("survey", None, None, "lembar survey tidak ada atau kosong",
                                                "the survey sheet is missing or empty")])  # fmt: skip
    form_id = conv.settings.get("form_id") or conv.settings.get("id_string") or ""
    if not _ID.match(form_id):
        conv.fail(
            "settings",
            2,
            "form_id",
            f"form_id '{form_id}' harus diisi dengan huruf kecil, angka dan _ (diawali huruf)",
            f"form_id '{form_id}' must be filled with lower-case letters, digits and _ (starting with a letter)",
        )
    sections, scores = conv.survey()  # fmt: skip
    # pyxform's message is in English only: where the converter says the same place in both languages, its own
    ours = {(e.sheet, e.row, e.column) for e in conv.errors}
    errors = [e for e in _pyxform_errors(data, form_id or "data") if (e.sheet, e.row, e.column) not in ours]
    errors += conv.errors
    if not errors and not sections:
        errors.append(RowError("survey", None, None, "tidak ada pertanyaan yang bisa diimpor",
                               "there is no question that can be imported"))  # fmt: skip
    if errors:
        raise XLSFormError(path.name, _unique(errors))
    title = conv.settings.get("form_title") or conv.settings.get("title") or form_id
    definition: dict[str, Any] = {
        "id": form_id,
        "version": version,
        "title": {"id": title, "en": conv.settings.get("form_title::English (en)") or title},
        "sections": sections,
        "scores": scores,
        "origin": {
            "format": "xlsform",
            "file": path.name,
            "xlsform_version": conv.settings.get("version", ""),
        },
    }
    if hint := _kpsp_hint(form_id):
        definition["applies_to"] = hint
    try:
        form = parse_form(definition, path.name)
    except FormDefinitionError as exc:  # e.g. a relevant naming a later field: said with the row it is on
        raise XLSFormError(path.name, [_row_of(exc)]) from exc
    return definition, form


def _kpsp_hint(form_id: str) -> dict[str, Any] | None:
    """A KPSP questionnaire imported as kpsp_<age> is suggested for the ages that use it (caseworker.forms.kpsp)."""
    from caseworker.forms.kpsp import SCREENING_AGES

    match = re.fullmatch(r"kpsp_(\d+)", form_id)
    if match is None or int(match.group(1)) not in SCREENING_AGES:
        return None
    age = int(match.group(1))
    later = [a for a in SCREENING_AGES if a > age]
    return {"age_months": {"min": age, "max": later[0] - 1 if later else age}}


def _unique(errors: list[RowError]) -> list[RowError]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for e in errors:
        key = (e.sheet, e.row, e.column, e.problem_en)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _row_of(exc: FormDefinitionError) -> RowError:
    """A definition check the row checks above did not foresee: said in the definition's terms."""
    return RowError("survey", None, exc.where or None, f"definisi formulir tidak valid: {exc.problem}",
                    f"the form definition is invalid: {exc.problem}")  # fmt: skip
