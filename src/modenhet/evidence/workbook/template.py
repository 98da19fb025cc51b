"""The evidence workbook to fill in, generated from the schema's layout (`layout.py`): a front
sheet, a sheet per factor and one for the sources; typed answer cells with Excel's data
validation; labels locked, answers open. `write_document` puts a JSON document's values in
(the municipality of `template -m`, or a whole document for `convert x.json -o x.xlsx`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from modenhet.evidence.workbook.cells import set_text, workbook_bytes
from modenhet.evidence.workbook.layout import (
    ANSWER,
    FIRST_ROW,
    FORMAT,
    FRONT_FIRST,
    KEY,
    META_SHEET,
    NOTE,
    TEXT,
    TITLE,
    Field,
    Layout,
    Path,
    Row,
    layout,
)

_BOLD = Font(bold=True)
_HEADING = Font(bold=True, size=14)
_GREY = PatternFill("solid", fgColor="EEEEEE")
_ANSWER = PatternFill("solid", fgColor="FFF8DC")
_OPEN = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")
_NUMBER_FORMATS = {"integer": "0", "date": "DD.MM.YYYY", "text": "@", "choice": "@"}


def build(
    schema: dict[str, Any],
    *,
    lang: str = "nn",
    document: dict[str, Any] | None = None,
    file_name: str = "kommune.xlsx",
) -> Workbook:
    """The workbook for `schema`, with `document`'s values written in if one is given."""
    plan = layout(schema, lang)
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    words = plan.words
    choices = workbook.create_sheet(words["choices"])
    validations = _Validations(plan, choices)
    for sheet in plan.sheets:
        ws = workbook.create_sheet(sheet.name)
        _labels(ws, plan, sheet.kind, sheet.title, sheet.description, file_name)
        for row in sheet.rows:
            _row(ws, row, plan, validations)
        for validation in validations.of_sheet(sheet.name):
            ws.add_data_validation(validation)
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # people may widen a column or a row
        ws.protection.formatRows = False
        ws.freeze_panes = f"A{(FRONT_FIRST if sheet.kind == 'front' else FIRST_ROW)}"
    choices.sheet_state = "hidden"
    choices.protection.sheet = True
    meta = workbook.create_sheet(META_SHEET)
    for number, (key, value) in enumerate(
        (("format", FORMAT), ("lang", lang), ("schema", plan.schema_id)), start=1
    ):
        meta.cell(number, 1, key)
        set_text(meta.cell(number, 2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    workbook.move_sheet(choices, len(workbook.sheetnames))
    workbook.move_sheet(meta, len(workbook.sheetnames))
    workbook.active = 0
    workbook.properties.title = plan.sheets[0].title
    workbook.properties.language = "nn-NO" if lang == "nn" else "nb-NO"
    if document is not None:
        write_document(workbook, plan, document)
    return workbook


def template_bytes(
    schema: dict[str, Any],
    *,
    lang: str = "nn",
    document: dict[str, Any] | None = None,
    file_name: str = "kommune.xlsx",
) -> bytes:
    """The workbook as .xlsx bytes, the same for the same schema, language and document."""
    return workbook_bytes(build(schema, lang=lang, document=document, file_name=file_name))


def _labels(ws: Worksheet, plan: Layout, kind: str, title: str, description: str,
            file_name: str) -> None:  # fmt: skip
    words = plan.words
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 36
    ws.column_dimensions["E"].hidden = True
    set_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = _HEADING
    if kind == "front":
        texts = (
            (words["title"], description),
            ("", words["how"].format(sources=plan.list_sheet)),
            ("", words["then"].format(file=file_name)),
        )
        for number, (label, text) in enumerate(texts, start=2):
            set_text(ws.cell(number, TITLE), label)
            set_text(ws.cell(number, TEXT), text)
            ws.cell(number, TEXT).alignment = _WRAP
        header = FRONT_FIRST - 1
    else:
        set_text(ws.cell(2, TITLE), description)
        header = FIRST_ROW - 1
    for column, word in ((TITLE, "field"), (TEXT, "text"), (ANSWER, "answer"), (NOTE, "note")):
        set_text(ws.cell(header, column), words[word])
        ws.cell(header, column).font = _BOLD
        ws.cell(header, column).fill = _GREY


def _row(ws: Worksheet, row: Row, plan: Layout, validations: _Validations) -> None:
    number = row.number
    set_text(ws.cell(number, TITLE), row.title)
    ws.cell(number, TITLE).alignment = Alignment(indent=row.depth, wrap_text=True, vertical="top")
    set_text(ws.cell(number, KEY), row.key)
    if row.description:
        set_text(ws.cell(number, TEXT), row.description)
        ws.cell(number, TEXT).alignment = _WRAP
    answer = ws.cell(number, ANSWER)
    if row.kind == "heading":
        ws.cell(number, TITLE).font = _BOLD
        answer.fill = _GREY
        return
    answer.protection = _OPEN
    answer.fill = _ANSWER
    answer.alignment = Alignment(vertical="top")
    ws.cell(number, NOTE).protection = _OPEN
    if row.kind == "list":
        ws.cell(number, TITLE).font = _BOLD
        info = plan.lists[row.path]
        set_text(
            ws.cell(number, TEXT),
            (row.description + " " if row.description else "") + plan.words["status_prompt"],
        )
        validations.add(row, _status_validation(plan, info.at_least))
        return
    if row.kind == "member":
        validations.add(row, _yes_no(plan))
        return
    if row.kind == "note":
        answer.number_format = "@"
        return
    assert row.field is not None
    answer.number_format = _NUMBER_FORMATS.get(row.field.kind, "General")
    if row.field.kind == "date" and (row.field.year_only or row.field.month_only):
        answer.number_format = "General"  # a year typed alone must stay a number, not a date
    if row.field.kind == "integer" and row.field.at_least:
        answer.number_format = "General"
    validation = validations.for_field(row)
    if validation is not None:
        validations.add(row, validation)


def _yes_no(plan: Layout) -> tuple[str, ...]:
    words = plan.words
    return ("list", f'"{words["yes"]},{words["no"]}"', "", "")


def _status_validation(plan: Layout, at_least: bool) -> tuple[str, ...]:
    words = plan.words
    options = [words["complete"], *([words["at_least"]] if at_least else []), words["none"]]
    return ("list", '"' + ",".join(options) + '"', "", "")


class _Validations:
    """Excel's data validation, one rule per kind of cell and sheet, with the cells it covers."""

    def __init__(self, plan: Layout, choices: Worksheet) -> None:
        self.plan = plan
        self.choices = choices
        self.columns: dict[tuple[str, ...], str] = {}
        self.rules: dict[tuple[str, tuple[str, ...]], DataValidation] = {}

    def add(self, row: Row, spec: tuple[str, ...]) -> None:
        key = (row.sheet, spec)
        rule = self.rules.get(key)
        if rule is None:
            kind, first, second, operator = spec
            words = self.plan.words
            rule = DataValidation(
                type=kind,  # type: ignore[arg-type]
                formula1=first or None,
                formula2=second or None,
                operator=operator or None,  # type: ignore[arg-type]
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=kind != "list",
                errorTitle=words["bad_value"],
            )
            rule.error = _explain(spec, words)
            rule.prompt = rule.error
            self.rules[key] = rule
        rule.add(row.cell)

    def _number_or_at_least(self, row: Row) -> tuple[str, ...]:
        """A number within the schema's bounds, or «minst N» (spec 9.2): Excel's list of
        kinds has no "number or this text", so a formula over the cell itself (one rule per
        cell: its reference is in the formula)."""
        field = row.field
        assert field is not None
        cell = row.cell
        checks = [f"ISNUMBER({cell})"]
        if field.kind == "integer":
            checks.append(f"INT({cell})={cell}")
        if field.minimum is not None:
            checks.append(f"{cell}>={_number(field.minimum)}")
        if field.maximum is not None:
            checks.append(f"{cell}<={_number(field.maximum)}")
        minst = self.plan.words["at_least_count"]
        return ("custom", f'OR(AND({",".join(checks)}),ISNUMBER(SEARCH("{minst}",{cell})))', "", "")

    def of_sheet(self, sheet: str) -> Iterator[DataValidation]:
        for (name, _), rule in self.rules.items():
            if name == sheet:
                yield rule

    def for_field(self, row: Row) -> tuple[str, ...] | None:
        field = row.field
        assert field is not None
        words = self.plan.words
        if field.kind == "boolean":
            return _yes_no(self.plan)
        if field.kind == "choice":
            return ("list", self._choice_range(field), "", "")
        if field.kind in ("integer", "number") and field.at_least:
            return self._number_or_at_least(row)
        if field.kind in ("integer", "number"):
            kind = "whole" if field.kind == "integer" else "decimal"
            low, high = field.minimum, field.maximum
            if field.exclusive:
                return None
            if low is not None and high is not None:
                return (kind, _number(low), _number(high), "between")
            if low is not None:
                return (kind, _number(low), "", "greaterThanOrEqual")
            if high is not None:
                return (kind, _number(high), "", "lessThanOrEqual")
            return (kind, "-1E+300", "1E+300", "between")
        if field.kind == "date" and not (field.year_only or field.month_only):
            return ("date", "DATE(1900,1,1)", "DATE(2200,12,31)", "between")
        del words
        return None

    def _choice_range(self, field: Field) -> str:
        known = self.columns.get(field.labels)
        if known is not None:
            return known
        column = len(self.columns) + 1
        for number, label in enumerate(field.labels, start=1):
            set_text(self.choices.cell(number, column), label)
        letter = get_column_letter(column)
        reference = f"'{self.choices.title}'!${letter}$1:${letter}${max(1, len(field.labels))}"
        self.columns[field.labels] = reference
        return reference


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _explain(spec: tuple[str, ...], words: dict[str, str]) -> str:
    kind, first, second, operator = spec
    if kind == "list":
        return ""
    if kind == "date":
        return words["date_prompt"]
    if kind == "custom":  # a number, or «minst N»
        return f"{words['bounds']}, {words['or_at_least']}"
    text = words["bounds"]
    if operator == "between" and first != "-1E+300":
        text += f" {words['from']} {first} {words['to']} {second}"
    elif operator == "greaterThanOrEqual":
        text += f" {words['from']} {first}"
    elif operator == "lessThanOrEqual":
        text += f" {words['to']} {first}"
    return text


# ------------------------------------------------------------------ a document's values in


def write_document(workbook: Workbook, plan: Layout, document: dict[str, Any]) -> None:
    """Write the values of a JSON document into the workbook's answer cells (what the reader
    reads back); null and absent leave the cell empty."""
    words = plan.words
    for row in plan.rows():
        value = _at(document, row.path)
        if value is _ABSENT or value is None:
            continue
        cell = workbook[row.sheet].cell(row.number, ANSWER)
        if row.kind == "member":
            chosen = value.get("at_least") if isinstance(value, dict) else value
            if isinstance(chosen, list):
                if row.code in chosen:
                    set_text(cell, words["yes"])
                elif not isinstance(value, dict):
                    set_text(cell, words["no"])
        elif row.kind == "list":
            if isinstance(value, dict) and isinstance(value.get("at_least"), list):
                set_text(cell, words["at_least"])
            elif value == []:
                set_text(cell, words["none"])
            elif isinstance(value, list):
                set_text(cell, words["complete"])
        elif row.kind in ("value", "item") and row.field is not None:
            _write_value(cell, row.field, value, words)


def _write_value(cell: Any, field: Field, value: Any, words: dict[str, str]) -> None:
    if isinstance(value, dict) and "at_least" in value:
        set_text(cell, f"{words['at_least_count']} {value['at_least']}")
    elif field.kind == "boolean" and isinstance(value, bool):
        set_text(cell, words["yes"] if value else words["no"])
    elif field.kind == "choice" and value in field.choices:
        set_text(cell, field.labels[field.choices.index(value)])
    elif field.kind == "date" and isinstance(value, str) and len(value) == 10:
        try:
            cell.value = datetime.date.fromisoformat(value)
            cell.number_format = "DD.MM.YYYY"
        except ValueError:
            set_text(cell, value)
    elif isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value


_ABSENT = object()


def _at(document: Any, path: Path) -> Any:
    here = document
    for part in path:
        if isinstance(part, int):
            if not isinstance(here, list):
                if isinstance(here, dict) and isinstance(here.get("at_least"), list):
                    here = here["at_least"]
                else:
                    return _ABSENT
            if part >= len(here):
                return _ABSENT
            here = here[part]
        else:
            if not isinstance(here, dict) or part not in here:
                return _ABSENT
            here = here[part]
    return here
