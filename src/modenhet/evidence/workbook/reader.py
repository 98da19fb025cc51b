"""Reading a filled-in evidence workbook back into the JSON document, strictly: every problem
is located at its sheet and cell (`kommune.xlsx:Økonomiske ressursar!C12`) with the field's
title, and a workbook that cannot be read safely (macros, a password, a formula, a merged
cell, a moved row, a sheet that does not belong) is refused with its reason. An empty answer
cell is unknown (null), never false.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from modenhet.errors import Violation
from modenhet.evidence.item import WORKBOOK_SUFFIXES, EvidenceItem
from modenhet.evidence.messages import problem as violation
from modenhet.evidence.messages import too_large, unreadable, untitled
from modenhet.evidence.workbook.layout import (
    ANSWER,
    ANSWER_LETTER,
    FORMAT,
    KEY,
    KEY_LETTER,
    LANGUAGES,
    META_SHEET,
    WORDS,
    Field,
    Layout,
    ListInfo,
    Path,
    Row,
    layout,
    ordered,
    pointer,
)
from modenhet.i18n import N_, Text

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or an old .xls
_UNPACKED_FACTOR = 8  # a workbook may unpack to this many times the byte limit, no more


def _answers(word: str) -> set[str]:
    return {WORDS[lang][word].casefold() for lang in LANGUAGES}


_YES = _answers("yes") | {"j", "yes", "sant", "true"}
_NO = _answers("no") | {"n", "no", "usant", "false"}
_COMPLETE = _answers("complete")
_AT_LEAST = _answers("at_least")
_NONE = _answers("none")
_AT_LEAST_COUNT = re.compile(r"(?:minst|≥|>=)\s*([0-9][0-9 \u00a0]*)", re.IGNORECASE)
_NUMBER = re.compile(
    r"[-−]?[0-9]{1,3}(?:[ \u00a0\u202f]?[0-9]{3})*(?:[.,][0-9]+)?|[-−]?[0-9]+(?:[.,][0-9]+)?"
)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NORWEGIAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_NORWEGIAN_MONTH = re.compile(r"([0-9]{1,2})\.([0-9]{4})")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass
class WorkbookItem(EvidenceItem):
    """An evidence document read from a workbook: its problems are located at cells."""

    cells: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # pointer -> place

    def locate(self, problems: list[Violation]) -> list[Violation]:
        """Each problem at the cell of its field (the nearest one that holds it), with the
        field's title; sorted in the workbook's order."""
        order: dict[int, int] = {}
        for problem in problems:
            if problem.cell is not None:
                continue
            path = problem.pointer
            while path not in self.cells and path:
                path = path.rpartition("/")[0]
            if path in self.cells:
                cell, title, rank = self.cells[path]
                problem.cell = cell
                problem.text = _titled(title, untitled(problem.text or Text(problem.message)))
                problem.message = str(problem.text)
                order[id(problem)] = rank
        return sorted(problems, key=lambda p: order.get(id(p), -1))


def _titled(title: str, message: Text) -> Text:
    """A problem of a cell, after the title of its field (as the workbook's row shows it)."""
    return Text(N_("«%(title)s»: %(message)s"), title=title, message=message)


def is_workbook(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_SUFFIXES)


def read_workbook(name: str, limit: int, *, schema: dict[str, Any] | None = None) -> WorkbookItem:
    """One evidence document from a workbook file (a broken one: an item with problems)."""
    try:
        size = os.path.getsize(name)
        if size > limit:
            return _failed(name, None, too_large(size, limit))
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return _failed(name, None, unreadable(error))
    return read_workbook_bytes(name, data, limit=limit, schema=schema)


def read_workbook_bytes(
    name: str, data: bytes, *, limit: int, schema: dict[str, Any] | None = None
) -> WorkbookItem:
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > limit:
        text = Text(
            N_("the file is %(size)s bytes; the limit is %(limit)s"), size=len(data), limit=limit
        )
        return _failed(name, digest, text)
    refused = _refused(name, data, limit)
    if refused is not None:
        return _failed(name, digest, refused)
    import openpyxl

    try:
        with warnings.catch_warnings():  # openpyxl warns of extensions it drops; nothing to act on
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception as error:  # a damaged workbook: whatever openpyxl raised, said in a line
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        text = Text(N_("cannot be read as an Excel workbook: %(reason)s"), reason=reason[:200])
        return _failed(name, digest, text)
    if schema is None:
        schema = default_schema()
    return _Reader(name, digest, workbook, schema).read()


@functools.cache
def _default_schema_text() -> str:
    from modenhet.resources import default_schema_path

    return default_schema_path().read_text(encoding="utf-8")


def default_schema() -> dict[str, Any]:
    """The evidence schema shipped with modenhet, which workbooks follow."""
    loaded: dict[str, Any] = json.loads(_default_schema_text())
    return loaded


def _failed(name: str, digest: str | None, message: Text, cell: str | None = None) -> WorkbookItem:
    return WorkbookItem(name, digest, None, [violation("", message, cell=cell)])


def _refused(name: str, data: bytes, limit: int) -> Text | None:
    """Why the bytes are no workbook modenhet reads, before any of it is parsed."""
    if not data:
        return Text(N_("the file is empty"))
    if data.startswith(_OLE):
        return Text(
            N_(
                "the workbook is protected with a password (encrypted), or is an old .xls file; "
                "save it as an Excel workbook (.xlsx) without a password"
            )
        )
    if not data.startswith(_ZIP):
        return Text(
            N_("not an Excel workbook (.xlsx): an .xlsx file is a zip archive, and this is not one")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        return Text(
            N_("not a readable Excel workbook: the zip archive is damaged (%(reason)s)"),
            reason=error,
        )
    names = {entry.filename for entry in entries}
    if name.lower().endswith(".xlsm") or any(n.lower().endswith("vbaproject.bin") for n in names):
        return Text(
            N_(
                "the workbook holds macros (VBA), which modenhet does not read; save it as "
                "«Excel-arbeidsbok (.xlsx)», without macros"
            )
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        return Text(N_("not an Excel workbook (.xlsx): a zip archive without a workbook inside"))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > _UNPACKED_FACTOR * limit:
        return Text(
            N_("the workbook unpacks to %(size)s bytes; the limit is %(limit)s"),
            size=unpacked,
            limit=_UNPACKED_FACTOR * limit,
        )
    return None


# ----------------------------------------------------------------------------- the reading


@dataclass
class _Answer:
    value: Any
    row: Row


class _Reader:
    def __init__(self, name: str, digest: str, workbook: Any, schema: dict[str, Any]) -> None:
        self.name = name
        self.digest = digest
        self.workbook = workbook
        self.schema = schema
        self.problems: list[Violation] = []
        self.cells: dict[str, tuple[str, str, int]] = {}
        self.rank = 0

    def fail(self, message: Text, cell: str | None = None) -> WorkbookItem:
        return WorkbookItem(
            self.name, self.digest, None, [violation("", message, cell=cell)], cells=self.cells
        )

    def problem(self, row: Row, message: Text, title: str) -> None:
        self.problems.append(
            violation(pointer(row.path), _titled(title, message), cell=f"{row.sheet}!{row.cell}")
        )

    def read(self) -> WorkbookItem:
        workbook = self.workbook
        if META_SHEET not in workbook.sheetnames:
            return self.fail(
                Text(
                    N_(
                        "not a modenhet evidence workbook (it has no sheet «modenhet»); make one "
                        "with `modenhet template --format xlsx -o kommune.xlsx` and copy the "
                        "answers into it"
                    )
                )
            )
        meta = {
            str(row[0]): row[1]
            for row in workbook[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)
            if row[0] is not None
        }
        if meta.get("format") != FORMAT:
            return self.fail(
                Text(
                    N_(
                        "this workbook's layout (%(found)s) is not the one this version of "
                        "modenhet reads (%(format)s); make a new template and copy the answers "
                        "into it"
                    ),
                    found=f"{meta.get('format')!s}",
                    format=FORMAT,
                )
            )
        lang = meta.get("lang")
        if lang not in LANGUAGES:
            return self.fail(
                Text(N_("the workbook names an unknown language (%(lang)s)"), lang=f"{lang!s}")
            )
        plan = layout(self.schema, str(lang))
        expected = [sheet.name for sheet in plan.sheets]
        known = {*expected, *plan.hidden_sheets}
        for sheet_name in workbook.sheetnames:
            if sheet_name not in known:
                text = Text(
                    N_(
                        "unknown sheet «%(sheet)s»: an evidence workbook has the sheets "
                        "%(sheets)s; move notes of your own to another file"
                    ),
                    sheet=sheet_name,
                    sheets=", ".join(expected),
                )
                return self.fail(text, cell=sheet_name)
        for sheet_name in expected:
            if sheet_name not in workbook.sheetnames:
                text = Text(
                    N_(
                        "the sheet «%(sheet)s» is missing (renamed or deleted); the sheets must "
                        "be %(sheets)s"
                    ),
                    sheet=sheet_name,
                    sheets=", ".join(expected),
                )
                return self.fail(text)
        for sheet in plan.sheets:
            moved = self._check_sheet(sheet.name, sheet.rows)
            if moved is not None:
                return moved
        document = self._document(plan)
        item = WorkbookItem(self.name, self.digest, document, [], cells=self.cells)
        if self.problems:
            item.document = None
            item.problems = self.problems
        return item

    def _check_sheet(self, name: str, rows: list[Row]) -> WorkbookItem | None:
        ws = self.workbook[name]
        for merged in ws.merged_cells.ranges:
            text = Text(
                N_("merged cells (%(cells)s): modenhet reads one answer per cell; unmerge them"),
                cells=merged.coord,
            )
            return self.fail(text, cell=f"{name}!{merged.coord.split(':')[0]}")
        for row in rows:
            found = ws.cell(row.number, KEY).value
            if found != row.key:
                holds = self._title_of(name, found)
                if holds:
                    text = Text(
                        N_(
                            "this row should be «%(title)s», but holds «%(holds)s»: rows were "
                            "moved, inserted or deleted; copy the answers into a new template "
                            "instead"
                        ),
                        title=row.title,
                        holds=holds,
                    )
                else:
                    text = Text(
                        N_(
                            "this row should be «%(title)s», but it is empty: rows were moved, "
                            "inserted or deleted; copy the answers into a new template instead"
                        ),
                        title=row.title,
                    )
                return self.fail(text, cell=f"{name}!A{row.number}")
        answer_rows = {row.number for row in rows if row.kind not in ("heading",)}
        first = min((row.number for row in rows), default=1)
        for cells in ws.iter_rows(min_row=first, min_col=ANSWER, max_col=ANSWER):
            cell = cells[0]
            if cell.value is not None and cell.row not in answer_rows:
                text = Text(
                    N_(
                        "an answer outside the template's answer cells (%(value)s): modenhet "
                        "would not read it; move it to the field's own row, or delete it"
                    ),
                    value=_shown(cell.value),
                )
                return self.fail(text, cell=f"{name}!{cell.coordinate}")
        return None

    def _title_of(self, sheet: str, key: Any) -> str | None:
        """The title of the row that holds `key` on the sheet (where a moved row went)."""
        if not isinstance(key, str):
            return None
        for cells in self.workbook[sheet].iter_rows(min_col=1, max_col=KEY, values_only=True):
            if cells[KEY - 1] == key:
                return str(cells[0])
        return key

    # ------------------------------------------------------------------------ the document

    def _document(self, plan: Layout) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for path in plan.objects:
            if path and not any(isinstance(part, int) for part in path):
                _put(document, path, {})
        for path, value in plan.consts.items():
            _put(document, path, value)
        answers: dict[Path, _Answer] = {}
        members: dict[Path, list[tuple[Row, bool | None]]] = {}
        statuses: dict[Path, tuple[Row, str | None]] = {}
        context: dict[int, str] = {}
        for row in plan.rows():
            self.rank += 1
            if row.kind == "heading":
                context[row.depth] = row.title
            title = " › ".join([*(context[d] for d in range(row.depth) if d in context), row.title])
            if row.kind in ("heading", "note"):
                continue
            cell = self.workbook[row.sheet].cell(row.number, ANSWER)
            value = self._cell(row, cell, title)
            if value is _BROKEN:
                continue
            if row.kind == "member":
                members.setdefault(row.path, []).append((row, value))
                if pointer(row.path) not in self.cells:  # the list: at its first choice
                    self.cells[pointer(row.path)] = (f"{row.sheet}!{row.cell}", title, self.rank)
                continue
            self.cells[pointer(row.path)] = (f"{row.sheet}!{row.cell}", title, self.rank)
            if row.kind == "list":
                statuses[row.path] = (row, value)
                continue
            answers[row.path] = _Answer(value, row)
        self._assemble(plan, document, answers, members, statuses)
        for path in sorted(plan.nullable, key=len, reverse=True):  # nothing known: null
            if any(isinstance(part, int) for part in path):
                continue
            here = _get(document, path)
            if isinstance(here, dict) and all(value is None for value in here.values()):
                _put(document, path, None)
        result: dict[str, Any] = ordered(self.schema, self.schema, document)
        return result

    def _cell(self, row: Row, cell: Any, title: str) -> Any:
        value = cell.value
        if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            formula = N_("holds a formula; type the value itself (copy, then paste values)")
            self.problem(row, Text(formula), title)
            return _BROKEN
        if cell.data_type == "e":
            text = Text(N_("holds the error value %(value)s; type the value itself"), value=value)
            self.problem(row, text, title)
            return _BROKEN
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value).strip()
            if not value:
                return None
        if value is None:
            return None
        try:
            if row.kind == "member":
                return _yes_no(value)
            if row.kind == "list":
                return _status(value)
            assert row.field is not None
            return _parse(value, row.field)
        except _Bad as error:
            self.problem(row, error.text, title)
            return _BROKEN

    def _assemble(
        self,
        plan: Layout,
        document: dict[str, Any],
        answers: dict[Path, _Answer],
        members: dict[Path, list[tuple[Row, bool | None]]],
        statuses: dict[Path, tuple[Row, str | None]],
    ) -> None:
        items: dict[Path, dict[int, Any]] = {}  # each list's items, by their row's index
        for path, answer in answers.items():
            index = _list_index(path, plan.lists)
            if index is None:
                _put(document, path, answer.value)
                continue
            list_path, number, rest = index
            if plan.lists[list_path].kind == "items":
                if answer.value is not None:
                    items.setdefault(list_path, {})[number] = answer.value
                continue
            if answer.value is not None:
                item = items.setdefault(list_path, {}).setdefault(number, {})
                _put(item, rest, answer.value)
        for path, answered in members.items():
            index = _list_index(path, plan.lists)
            value = self._members(plan.lists[path], answered)
            if value is _BROKEN:
                continue
            if index is None:
                _put(document, path, value)
            elif value is not None:
                list_path, number, rest = index
                _put(items.setdefault(list_path, {}).setdefault(number, {}), rest, value)
        for path in sorted(plan.lists, key=len, reverse=True):  # inner lists first
            info = plan.lists[path]
            if info.kind == "members" or _list_index(path, plan.lists) is not None:
                continue
            found = items.get(path, {})
            values = [
                _complete(found[number], info) if info.kind == "objects" else found[number]
                for number in sorted(found)
            ]
            for place, number in enumerate(sorted(found)):  # schema problems to the item's row
                self._move_pointer(path, number, place)
            row, status = statuses[path]
            value = self._list(info, row, status, values)
            if value is None and not info.nullable:
                continue  # not known, and the schema has no null for it: left out
            if value is not _BROKEN:
                _put(document, path, value)

    def _move_pointer(self, path: Path, number: int, place: int) -> None:
        if number == place:
            return
        old, new = pointer((*path, number)), pointer((*path, place))
        for key in [k for k in self.cells if k == old or k.startswith(old + "/")]:
            self.cells[new + key[len(old) :]] = self.cells.pop(key)

    def _members(self, info: ListInfo, answered: list[tuple[Row, bool | None]]) -> Any:
        if all(value is None for _, value in answered):
            return None
        chosen = [row.code for row, value in answered if value]
        blank = [row for row, value in answered if value is None]
        if not blank:
            return chosen
        if info.at_least:
            return {"at_least": chosen}
        row = blank[0]
        every = N_(
            "answer ja or nei for every choice of the list, or leave them all empty (not known)"
        )
        self.problem(row, Text(every), f"{info.title} › {row.title}")
        return _BROKEN

    def _list(self, info: ListInfo, row: Row, status: str | None, values: list[Any]) -> Any:
        words = WORDS["nn"]
        if status is None:
            return values or None
        if status == "none":
            if values:
                text = Text(
                    N_("says «%(none)s», but items are filled in below it"), none=words["none"]
                )
                self.problem(row, text, info.title)
                return _BROKEN
            return []
        if status == "at_least":
            if not info.at_least:
                text = Text(N_("this list cannot be given as «at least these»"))
                self.problem(row, text, info.title)
                return _BROKEN
            return {"at_least": values}
        return values


_BROKEN = object()


class _Bad(Exception):
    """A cell's value that does not fit its field; the message says why."""

    def __init__(self, message: str, **params: Any) -> None:
        self.text = Text(message, **params)
        super().__init__(str(self.text))


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = value.casefold()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
    raise _Bad(N_("%(value)s is not ja or nei"), value=_shown(value))


def _status(value: Any) -> str:
    if isinstance(value, str):
        folded = value.casefold()
        for name, words in (("complete", _COMPLETE), ("at_least", _AT_LEAST), ("none", _NONE)):
            if folded in words:
                return name
    raise _Bad(
        N_("%(value)s is not one of «Heile lista», «Minst desse», «Ingen» (or empty: not known)"),
        value=_shown(value),
    )


def _parse(value: Any, field: Field) -> Any:
    kind = field.kind
    if isinstance(value, datetime.time):
        raise _Bad(N_("a time of day (%(value)s) is not an answer here"), value=value)
    if kind == "boolean":
        return _yes_no(value)
    if kind in ("integer", "number"):
        return _parse_number(value, field)
    if kind == "date":
        return _parse_date(value, field)
    if kind == "choice":
        return _parse_choice(value, field)
    if isinstance(value, bool):
        raise _Bad(N_("%(value)s is a yes/no value where text is expected"), value=_shown(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        raise _Bad(N_("a date (%(date)s) where text is expected"), date=_date_text(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_number(value: Any, field: Field) -> Any:
    if isinstance(value, bool):
        raise _Bad(N_("%(value)s is a yes/no value, not a number"), value=_shown(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        raise _Bad(N_("a date (%(date)s) where a number is expected"), date=_date_text(value))
    if isinstance(value, str):
        found = _AT_LEAST_COUNT.fullmatch(value)
        if found is not None:
            if not field.at_least:
                raise _Bad(
                    N_("%(value)s: give the number itself here (no «minst»)"), value=_shown(value)
                )
            return {"at_least": _parse_number(found.group(1), field)}
        if not _NUMBER.fullmatch(value):
            raise _Bad(
                N_("%(value)s is text, not a number; type the number alone"), value=_shown(value)
            )
        cleaned = re.sub(r"[ \u00a0\u202f]", "", value).replace(",", ".").replace("−", "-")
        value = float(cleaned) if "." in cleaned else int(cleaned)
    if isinstance(value, float) and field.kind == "integer":
        if not value.is_integer():
            raise _Bad(N_("%(value)s is not a whole number"), value=value)
        return int(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value) if field.kind == "integer" else value
    return value


def _parse_date(value: Any, field: Field) -> str:
    hint = Text(N_("write a date as 30.06.2025 or 2025-06-30"))
    if field.month_only:
        hint = Text(N_("%(hint)s, or a month as 06.2025"), hint=hint)
    if field.year_only:
        hint = Text(N_("%(hint)s, or a year alone"), hint=hint)
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            raise _Bad(N_("%(value)s has a time of day; give the date alone"), value=value)
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise _Bad(N_("%(value)s is not a date; %(hint)s"), value=_shown(value), hint=hint)
    if isinstance(value, (int, float)):
        if field.year_only and float(value).is_integer() and 1000 <= value <= 9999:
            return str(int(value))
        raise _Bad(
            N_("%(value)s is a number, not a date; %(hint)s"), value=_shown(value), hint=hint
        )
    text = str(value)
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_NORWEGIAN_DATE, (2, 1, 0))):
        found = pattern.fullmatch(text)
        if found is not None:
            year, month, day = (int(found.group(i + 1)) for i in order)
            try:
                return datetime.date(year, month, day).isoformat()
            except ValueError:
                raise _Bad(
                    N_("%(value)s is not a date in the calendar"), value=_shown(value)
                ) from None
    if field.month_only:
        for pattern, places in ((_ISO_MONTH, (0, 1)), (_NORWEGIAN_MONTH, (1, 0))):
            matched = pattern.fullmatch(text)
            if matched is not None:
                year_, month_ = (int(matched.group(i + 1)) for i in places)
                if 1 <= month_ <= 12:
                    return f"{year_:04d}-{month_:02d}"
    if field.year_only and _YEAR.fullmatch(text):
        return text
    raise _Bad(N_("%(value)s is not a date; %(hint)s"), value=_shown(value), hint=hint)


def _parse_choice(value: Any, field: Field) -> str:
    text = str(value)
    for options in (field.choices, field.labels):
        if text in options:
            return field.choices[options.index(text)]
    folded = text.casefold()
    for options in (field.choices, field.labels):
        for number, option in enumerate(options):
            if option.casefold() == folded:
                return field.choices[number]
    shown = ", ".join(f"«{label}»" for label in field.labels)
    raise _Bad(
        N_("%(value)s is not one of the choices: %(choices)s"), value=_shown(value), choices=shown
    )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = str(value)
    return f"«{text if len(text) <= 60 else text[:57] + '...'}»"


def _date_text(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


def _get(document: dict[str, Any], path: Path) -> Any:
    here: Any = document
    for part in path:
        here = here.get(part) if isinstance(here, dict) else None
    return here


def _put(document: dict[str, Any], path: Path, value: Any) -> None:
    here: Any = document
    for part in path[:-1]:
        here = here[part]
    here[path[-1]] = value


def _list_index(path: Path, lists: dict[Path, ListInfo]) -> tuple[Path, int, Path] | None:
    """For a path inside an item of a list (not a list inside a list's item): the list's path,
    the item's number and the path within the item."""
    for cut in range(len(path) - 1, 0, -1):
        part = path[cut]
        if isinstance(part, int) and path[:cut] in lists:
            return path[:cut], part, path[cut + 1 :]
    return None


def _complete(item: dict[str, Any], info: ListInfo) -> dict[str, Any]:
    """An item of a list of objects with every property present (null when empty)."""
    return {key: item.get(key) for key in info.item_keys} | {
        k: v for k, v in item.items() if k not in info.item_keys
    }


def workbook_cell(row: Row) -> str:
    return f"{row.sheet}!{ANSWER_LETTER}{row.number}"


__all__ = ["WorkbookItem", "is_workbook", "read_workbook", "read_workbook_bytes", "KEY_LETTER"]
