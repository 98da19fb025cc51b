"""Evidence workbooks (issue 15): the template generated from the schema, filled in by openpyxl
as a user would and re-saved by LibreOffice, read back to exactly the sample's document and
levels; broken workbooks, each one located error line; the xlsx report.

The LibreOffice tests drive Debian's `soffice` (libreoffice-calc-nogui) headless. They are
skipped when it is absent, except under CI (the CI variable set), where they fail instead:
.ci/run installs it.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

import modenhet
from modenhet.cli import main
from modenhet.evidence.municipalities import municipalities
from modenhet.evidence.workbook.layout import layout
from modenhet.evidence.workbook.reader import default_schema, read_workbook
from modenhet.evidence.workbook.template import template_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILES = sorted((ROOT / "samples").glob("*.json")) + sorted(
    (ROOT / "samples").glob("*/*.json")
)
AS_OF = ["--as-of", "2025-06-30"]
KEY_COLUMN = 5  # column E: the hidden key of each row


def cli(*args: str, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is not None:
        old = os.getcwd()
        os.chdir(cwd)
    try:
        result = runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        if cwd is not None:
            os.chdir(old)
    assert "Traceback" not in result.stderr
    return result


# ------------------------------------------------------------------- filling in, as a user


def rows_by_key(workbook: Any) -> dict[str, tuple[str, int]]:
    """Every row of the visible sheets by its key (the hidden column E)."""
    found: dict[str, tuple[str, int]] = {}
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        for number in range(1, ws.max_row + 1):
            key = ws.cell(number, KEY_COLUMN).value
            if isinstance(key, str):
                found[key] = (ws.title, number)
    return found


def fill(template: Path, document: dict[str, Any], target: Path) -> None:
    """Type the document's values into the template's answer cells as a person would: yes/no
    as «ja»/«nei», dates as Excel dates (a year as 2021, a month as 06.2021), a choice as the
    drop-down's words, a list of choices as ja or nei per choice (only ja for the known ones
    of a partial list), list items one per row («Minst desse» above a partial list), «minst N»
    for a number known to be at least N, and nothing where the value is null."""
    workbook = openpyxl.load_workbook(template)
    rows = rows_by_key(workbook)
    plan = layout(default_schema())
    fields = {row.key: row for row in plan.rows()}

    def put(key: str, value: Any) -> None:
        sheet, number = rows[key]
        workbook[sheet].cell(number, 3).value = value

    def walk(value: Any, key: str) -> None:
        if value is None:
            return
        row = fields.get(key)
        if isinstance(value, dict) and set(value) == {"at_least"}:  # "at least" (spec 9.2)
            known = value["at_least"]
            if isinstance(known, list) and choices(key):  # ja for the known, the rest empty
                for code in known:
                    put(f"{key}={code}", "ja")
            elif isinstance(known, list):
                put(key, "Minst desse")
                for index, item in enumerate(known):
                    walk(item, f"{key}[{index}]")
            else:
                put(key, f"minst {known}")
            return
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, f"{key}.{name}" if key else name)
            return
        if isinstance(value, list):
            if choices(key):  # a list of choices: ja or nei for each
                for code in choices(key):
                    put(f"{key}={code}", "ja" if code in value else "nei")
                return
            if not value:
                put(key, "Ingen")
            for index, item in enumerate(value):
                walk(item, f"{key}[{index}]")
            return
        assert row is not None and row.field is not None, key
        field = row.field
        if field.kind == "boolean":
            put(key, "ja" if value else "nei")
        elif field.kind == "date" and len(value) == 4:  # a year: typed as the year
            put(key, value)
        elif field.kind == "date" and len(value) == 7:  # a month: typed as 06.2021
            put(key, f"{value[5:]}.{value[:4]}")
        elif field.kind == "date":
            put(key, datetime.date.fromisoformat(value))
        elif field.kind == "choice":
            put(key, field.labels[field.choices.index(value)])
        else:
            put(key, value)

    def choices(key: str) -> list[str]:
        return [
            row.code
            for row in plan.rows()
            if row.kind == "member" and row.code and row.key == f"{key}={row.code}"
        ]

    for name, value in document.items():
        if name not in ("schema_version", "municipality"):
            walk(value, name)
    municipality = document.get("municipality") or {}
    for field in ("number", "name"):
        if municipality.get(field) is not None:
            put(f"municipality.{field}", municipality[field])
    if municipality.get("population") is not None:
        put("municipality.population", municipality["population"])
    workbook.save(target)


def canonical(value: Any) -> Any:
    """The document as the rule language sees it: an absent member is null, an object with
    nothing known in it is null, and a list of choices is a set (the schema's uniqueItems)."""
    if isinstance(value, dict):
        inner = {key: canonical(item) for key, item in value.items()}
        inner = {key: item for key, item in inner.items() if item is not None}
        return inner or None
    if isinstance(value, list):
        items = [
            canonical(item) if not isinstance(item, dict) else canonical(item) or {}
            for item in value
        ]
        return sorted(items) if all(isinstance(item, str) for item in items) else items
    return value


def results(report: str) -> list[dict[str, Any]]:
    """The results of a JSON report without what names the file (its name and hash); the
    municipality as the rules see it (an empty cell is null, as an absent member is)."""
    found = json.loads(report)["results"]
    for result in found:
        result.pop("source")
        result.pop("sha256")
        result["municipality"] = canonical(result["municipality"])
    return found  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Each sample's workbook: a template from the CLI, filled in by openpyxl."""
    folder = tmp_path_factory.mktemp("filled")
    made: dict[Path, Path] = {}
    for sample in SAMPLE_FILES:
        document = json.loads(sample.read_text(encoding="utf-8"))
        number = document["municipality"]["number"]
        template = folder / f"template-{sample.stem}.xlsx"
        # `-m` fills in a number of 2024; Drammen's 2023 number (3005) is typed in by hand.
        known = ["-m", number] if number in municipalities() else []
        result = cli("template", "--format", "xlsx", *known, "-o", str(template))
        assert result.exit_code == 0, result.stderr
        target = folder / f"{sample.parent.name}-{sample.stem}.xlsx"
        fill(template, document, target)
        made[sample] = target
    return made


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_a_filled_template_converts_to_the_sample(sample: Path, filled: dict[Path, Path]) -> None:
    result = cli("convert", str(filled[sample]))
    assert result.exit_code == 0, result.stderr
    converted = json.loads(result.stdout)
    expected = json.loads(sample.read_text(encoding="utf-8"))
    # A workbook is always of the schema's current version (1.1 holds every 1.0 document).
    expected["schema_version"] = converted["schema_version"] = "1.1"
    assert canonical(converted) == canonical(expected)
    assert converted["municipality"]["number"] == expected["municipality"]["number"]


def test_every_sample_evaluates_the_same_from_its_workbook(filled: dict[Path, Path]) -> None:
    samples = [str(sample) for sample in filled]
    books = [str(filled[sample]) for sample in filled]
    from_json = cli("evaluate", *samples, *AS_OF, "-f", "json")
    from_books = cli("evaluate", *books, *AS_OF, "-f", "json")
    assert from_json.exit_code == from_books.exit_code == 0, from_books.stderr
    assert results(from_books.stdout) == results(from_json.stdout)
    assert len(results(from_json.stdout)) == len(SAMPLE_FILES)


def test_a_folder_of_workbooks_is_read(filled: dict[Path, Path], tmp_path: Path) -> None:
    for book in filled.values():
        shutil.copy(book, tmp_path / book.name)
    (tmp_path / "~$lock.xlsx").write_bytes(b"owner")  # the lock file of an open workbook
    result = cli("evaluate", str(tmp_path), *AS_OF, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["results"]) == len(filled)


def test_read_evidence_reads_a_workbook(filled: dict[Path, Path]) -> None:
    sample = ROOT / "samples" / "1820-alstahaug.json"
    document = modenhet.read_evidence(filled[sample])
    assert document["municipality"] == {"number": "1820", "name": "Alstahaug", "population": None}
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    expected = json.loads(sample.read_text(encoding="utf-8"))
    assert (
        ruleset.evaluate(document, datetime.date(2025, 6, 30)).levels
        == ruleset.evaluate(expected, datetime.date(2025, 6, 30)).levels
    )


def test_convert_a_document_to_a_workbook_and_back(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "5501-tromso.json"
    book = tmp_path / "tromso.xlsx"
    assert cli("convert", str(sample), "-o", str(book)).exit_code == 0
    back = tmp_path / "tromso.json"
    assert cli("convert", str(book), "-o", str(back)).exit_code == 0
    assert canonical(json.loads(back.read_text(encoding="utf-8"))) == canonical(
        json.loads(sample.read_text(encoding="utf-8"))
    )


# ---------------------------------------------------------------------------- the template


def test_the_template_is_typed_locked_and_validated(tmp_path: Path) -> None:
    target = tmp_path / "oslo.xlsx"
    assert cli("template", "-m", "0301", "-o", str(target)).exit_code == 0  # .xlsx: a workbook
    workbook = openpyxl.load_workbook(target)
    rows = rows_by_key(workbook)
    assert workbook.sheetnames[0] == "Framside"
    assert "Økonomiske ressursar" in workbook.sheetnames and "Kjelder" in workbook.sheetnames
    sheet, number = rows["municipality.number"]
    cell = workbook[sheet].cell(number, 3)
    assert (cell.value, cell.data_type, cell.number_format) == ("0301", "s", "@")
    economy = workbook["Økonomiske ressursar"]
    _, budget = rows["evidence.economy.budget_nok"]
    assert economy.cell(budget, 1).value == "Budsjett i kroner"
    assert economy.protection.sheet
    assert economy.cell(budget, 1).protection.locked
    assert not economy.cell(budget, 3).protection.locked
    rules = {str(rule.sqref): rule for rule in economy.data_validations.dataValidation}
    by_cell = {cell: rule for sqref, rule in rules.items() for cell in sqref.split()}
    # An amount may be «minst N» (schema 1.1): a number from 0, or that text.
    rule = by_cell[f"C{budget}"]
    assert rule.type == "custom"
    assert (
        rule.formula1
        == f'OR(AND(ISNUMBER(C{budget}),C{budget}>=0),ISNUMBER(SEARCH("minst",C{budget})))'
    )
    _, share = rows["evidence.competence.staff_trained_share"]
    competence = workbook["Kompetanse"]
    shares = {
        c: r for r in competence.data_validations.dataValidation for c in str(r.sqref).split()
    }
    assert (shares[f"C{share}"].type, shares[f"C{share}"].formula1) == ("decimal", "0")
    _, plan = rows["evidence.economy.in_economic_plan"]
    assert by_cell[f"C{plan}"].type == "list" and by_cell[f"C{plan}"].formula1 == '"ja,nei"'
    _, startlan = rows["evidence.economy.instruments_used=startlan"]
    assert by_cell[f"C{startlan}"].formula1 == '"ja,nei"'
    participation = workbook["Brukarmedverknad"]
    _, level = rows["evidence.participation.involvement_level"]
    choice = {
        cell: rule
        for rule in participation.data_validations.dataValidation
        for cell in str(rule.sqref).split()
    }[f"C{level}"]
    assert choice.type == "list" and choice.formula1.startswith("'Val'!$")
    _, survey = rows["evidence.participation.last_user_survey_year"]
    survey_rule = {
        cell: rule
        for rule in participation.data_validations.dataValidation
        for cell in str(rule.sqref).split()
    }[f"C{survey}"]
    assert (survey_rule.type, survey_rule.formula1, survey_rule.formula2) == (
        "whole",
        "2000",
        "2100",
    )


def test_the_template_is_valid_and_unknown_everywhere(tmp_path: Path) -> None:
    """An empty answer cell is unknown, never false: the untouched template evaluates to the
    floor with no criterion `not_met` for want of an answer."""
    target = tmp_path / "askvoll.xlsx"
    assert cli("template", "--format", "xlsx", "-m", "4645", "-o", str(target)).exit_code == 0
    assert cli("validate", str(target)).exit_code == 0
    report = json.loads(cli("evaluate", str(target), *AS_OF, "-f", "json").stdout)
    (result,) = report["results"]
    statuses = {c["status"] for factor in result["factors"].values() for c in factor["criteria"]}
    assert "not_met" not in statuses and "unknown" in statuses
    missing = {
        path
        for factor in result["factors"].values()
        for c in factor["criteria"]
        for path in c["missing"]
    }
    assert "evidence.economy.in_economic_plan" in missing  # an empty cell, named as missing


def test_the_template_in_bokmal(tmp_path: Path) -> None:
    target = tmp_path / "bergen.xlsx"
    assert cli("template", "-m", "4601", "--lang", "nb", "-o", str(target)).exit_code == 0
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames[0] == "Forside"
    rows = rows_by_key(workbook)
    sheet, number = rows["evidence.anchoring.admin_owner_in_leadership"]
    workbook[sheet].cell(number, 3).value = "ja"
    workbook.save(target)
    assert modenhet.read_evidence(target)["evidence"]["anchoring"]["admin_owner_in_leadership"]


def test_the_template_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "k.xlsx", tmp_path / "b" / "k.xlsx"
    assert cli("template", "-m", "4601", "-o", str(first)).exit_code == 0
    assert cli("template", "-m", "4601", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert b"2000-01-01T00:00:00Z" in zipfile.ZipFile(first).read("docProps/core.xml")


def test_a_workbook_to_standard_output_when_it_is_no_terminal() -> None:
    result = cli("template", "--format", "xlsx")
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PK")


# ------------------------------------------------------------ the partial forms of a schema

PARTIAL_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "municipality": {
            "type": "object",
            "properties": {"number": {"type": "string", "title": "Kommunenummer"}},
        },
        "evidence": {
            "type": "object",
            "properties": {
                "economy": {
                    "title": "Økonomi",
                    "type": ["object", "null"],
                    "properties": {
                        "instruments_used": {
                            "title": "Verkemiddel",
                            "anyOf": [
                                {"$ref": "#/$defs/instruments"},
                                {
                                    "type": "object",
                                    "properties": {"at_least": {"$ref": "#/$defs/instruments"}},
                                    "required": ["at_least"],
                                    "additionalProperties": False,
                                },
                                {"type": "null"},
                            ],
                        },
                        "reports": {
                            "title": "Rapportar",
                            "$ref": "#/$defs/nullable_count",
                        },
                        "decided": {"title": "Vedteke", "$ref": "#/$defs/nullable_date"},
                        "ids": {
                            "title": "Kjelder",
                            "anyOf": [
                                {"type": "array", "items": {"type": "string"}},
                                {
                                    "type": "object",
                                    "properties": {
                                        "at_least": {"type": "array", "items": {"type": "string"}}
                                    },
                                },
                                {"type": "null"},
                            ],
                        },
                    },
                }
            },
        },
    },
    "$defs": {
        "instruments": {
            "type": "array",
            "uniqueItems": True,
            "items": {"enum": ["startlan", "bustotte", "tilskot"]},
        },
        "nullable_count": {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {
                    "type": "object",
                    "properties": {"at_least": {"type": "integer", "minimum": 0}},
                    "required": ["at_least"],
                },
                {"type": "null"},
            ]
        },
        "nullable_date": {
            "type": ["string", "null"],
            "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
        },
    },
}


def partial_book(tmp_path: Path, answers: dict[str, Any]) -> Path:
    target = tmp_path / "partial.xlsx"
    target.write_bytes(template_bytes(PARTIAL_SCHEMA))
    workbook = openpyxl.load_workbook(target)
    rows = rows_by_key(workbook)
    for key, value in answers.items():
        sheet, number = rows[key]
        workbook[sheet].cell(number, 3).value = value
    workbook.save(target)
    return target


def test_partial_forms_where_the_schema_allows_them(tmp_path: Path) -> None:
    book = partial_book(
        tmp_path,
        {
            "evidence.economy.instruments_used=startlan": "ja",
            "evidence.economy.instruments_used=bustotte": "nei",  # tilskot left empty: unknown
            "evidence.economy.reports": "minst 3",
            "evidence.economy.decided": 2024,  # a year alone
            "evidence.economy.ids": "Minst desse",
            "evidence.economy.ids[0]": "plan",
        },
    )
    item = read_workbook(str(book), 10**7, schema=PARTIAL_SCHEMA)
    assert item.problems == []
    assert item.document is not None
    assert item.document["evidence"]["economy"] == {
        "instruments_used": {"at_least": ["startlan"]},
        "reports": {"at_least": 3},
        "decided": "2024",
        "ids": {"at_least": ["plan"]},
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("06.2024", "2024-06"),
        ("2024-06", "2024-06"),
        ("30.06.2024", "2024-06-30"),
        ("2024", "2024"),
    ],
)
def test_a_date_of_a_month_or_a_year_where_the_schema_allows_it(
    tmp_path: Path, typed: str, expected: str
) -> None:
    book = partial_book(tmp_path, {"evidence.economy.decided": typed})
    item = read_workbook(str(book), 10**7, schema=PARTIAL_SCHEMA)
    assert item.document is not None, item.problems
    assert item.document["evidence"]["economy"]["decided"] == expected


def _without_partial_forms() -> dict[str, Any]:
    """PARTIAL_SCHEMA with only the full forms: no `{"at_least": ...}` branch anywhere."""
    schema = json.loads(json.dumps(PARTIAL_SCHEMA))  # a deep copy
    economy = schema["properties"]["evidence"]["properties"]["economy"]["properties"]
    economy["instruments_used"]["anyOf"] = [{"$ref": "#/$defs/instruments"}, {"type": "null"}]
    schema["$defs"]["nullable_count"]["anyOf"] = [
        {"type": "integer", "minimum": 0},
        {"type": "null"},
    ]
    return schema


def test_the_full_forms_only_where_the_schema_has_no_partial_ones(tmp_path: Path) -> None:
    """Without `at_least` in the schema, a blank choice beside answered ones is refused rather
    than read as «nei», and «minst 3» is not a number."""
    schema = _without_partial_forms()
    target = tmp_path / "full.xlsx"
    target.write_bytes(template_bytes(schema))
    workbook = openpyxl.load_workbook(target)
    rows = rows_by_key(workbook)
    sheet, number = rows["evidence.economy.instruments_used=startlan"]
    workbook[sheet].cell(number, 3).value = "ja"
    _, reports = rows["evidence.economy.reports"]
    workbook[sheet].cell(reports, 3).value = "minst 3"
    workbook.save(target)
    item = read_workbook(str(target), 10**7, schema=schema)
    assert item.document is None
    _, blank = rows["evidence.economy.instruments_used=bustotte"]
    messages = [(problem.cell, problem.message) for problem in item.problems]
    assert messages == [  # the cells as they are read, then the lists as they are put together
        (f"{sheet}!C{reports}", "«Rapportar»: «minst 3»: give the number itself here (no «minst»)"),
        (
            f"{sheet}!C{blank}",
            "«Verkemiddel › bustotte»: answer ja or nei for every choice of the list, or leave "
            "them all empty (not known)",
        ),
    ]


# ------------------------------------------------------------------------ broken workbooks


def _set(path: Path, key: str, value: Any) -> str:
    workbook = openpyxl.load_workbook(path)
    sheet, number = rows_by_key(workbook)[key]
    workbook[sheet].cell(number, 3).value = value
    workbook.save(path)
    return f"{sheet}!C{number}"


def _zip_with(path: Path, name: str, data: bytes) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def broken_unknown_sheet(path: Path) -> tuple[str, str]:
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Notat")
    workbook.save(path)
    return "Notat", "unknown sheet «Notat»"


def broken_missing_sheet(path: Path) -> tuple[str, str]:
    workbook = openpyxl.load_workbook(path)
    del workbook["Kompetanse"]
    workbook.save(path)
    return "", "the sheet «Kompetanse» is missing"


def broken_moved_row(path: Path) -> tuple[str, str]:
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Økonomiske ressursar"]
    ws.delete_rows(6)  # the row under «Forankra i økonomiplanen» moves up
    workbook.save(path)
    return "Økonomiske ressursar!A6", "this row should be «Budsjett i kroner», but holds «Årsverk»"


def broken_text_in_a_number(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.economy.budget_nok", "12 mill"), (
        "«Budsjett i kroner»: «12 mill» is text, not a number"
    )


def broken_date_as_text(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.anchoring.council_decision_date", "2025-6-1"), (
        "«Dato for vedtak i kommunestyret»: «2025-6-1» is not a date; write a date as "
        "30.06.2025 or 2025-06-30"
    )


def broken_formula(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.economy.housing_social_fte", "=2+3"), (
        "«Årsverk»: holds a formula; type the value itself"
    )


def broken_merged_cell(path: Path) -> tuple[str, str]:
    workbook = openpyxl.load_workbook(path)
    workbook["Kompetanse"].merge_cells("C6:D6")
    workbook.save(path)
    return "Kompetanse!C6", "merged cells (C6:D6)"


def broken_macros(path: Path) -> tuple[str, str]:
    _zip_with(path, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    return "", "the workbook holds macros (VBA)"


def broken_password(path: Path) -> tuple[str, str]:
    # Excel keeps an encrypted workbook in a Compound File (the OLE container), not a zip.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return "", "the workbook is protected with a password (encrypted)"


def broken_too_large(path: Path) -> tuple[str, str]:
    with open(path, "r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    return "", f"the file is {50 * 1024 * 1024} bytes; the limit is {16 * 1024 * 1024}"


def broken_not_a_zip(path: Path) -> tuple[str, str]:
    path.write_text("kommune;nivå\n0301;3\n", encoding="utf-8")
    return "", "not an Excel workbook (.xlsx): an .xlsx file is a zip archive"


def broken_damaged(path: Path) -> tuple[str, str]:
    path.write_bytes(path.read_bytes()[:3000])
    return "", "the zip archive is damaged"


def broken_not_ours(path: Path) -> tuple[str, str]:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Kommune"  # type: ignore[index]
    workbook.save(path)
    return "", "not a modenhet evidence workbook"


def broken_choice(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.participation.involvement_level", "kanskje"), (
        "«Grad av medverknad»: «kanskje» is not one of the choices: «ingen», «informerte»"
    )


def broken_yes_no(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.anchoring.shared_goals_document", "kanskje"), (
        "«Felles måldokument»: «kanskje» is not ja or nei"
    )


def broken_bounds(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.competence.staff_trained_share", 1.5), (
        "«Del tilsette med opplæring»: "
    )


def broken_error_value(path: Path) -> tuple[str, str]:
    return _set(path, "evidence.economy.budget_nok", "#DIV/0!"), (
        "«Budsjett i kroner»: holds the error value #DIV/0!"
    )


def broken_none_with_items(path: Path) -> tuple[str, str]:
    _set(path, "evidence.economy.source_ids[0]", "budsjett-2025")
    return _set(path, "evidence.economy.source_ids", "Ingen"), (
        "«Kjelder»: says «Ingen», but items are filled in below it"
    )


def broken_answer_outside(path: Path) -> tuple[str, str]:
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Økonomiske ressursar"]
    ws.cell(ws.max_row + 2, 3).value = "Husbanken-tilskot: 2 mill"
    where = f"Økonomiske ressursar!C{ws.max_row}"
    workbook.save(path)
    return where, "an answer outside the template's answer cells"


BROKEN = [
    broken_unknown_sheet,
    broken_missing_sheet,
    broken_moved_row,
    broken_text_in_a_number,
    broken_date_as_text,
    broken_formula,
    broken_merged_cell,
    broken_macros,
    broken_password,
    broken_too_large,
    broken_not_a_zip,
    broken_damaged,
    broken_not_ours,
    broken_choice,
    broken_yes_no,
    broken_bounds,
    broken_error_value,
    broken_none_with_items,
    broken_answer_outside,
]


@pytest.mark.parametrize("breaker", BROKEN, ids=lambda f: f.__name__.removeprefix("broken_"))
def test_a_broken_workbook_is_one_located_error(breaker: Any, tmp_path: Path) -> None:
    book = tmp_path / "kommune.xlsx"
    assert cli("template", "-m", "4601", "-o", str(book)).exit_code == 0
    where, message = breaker(book)
    good = str(ROOT / "samples" / "4601-bergen.json")
    result = cli("evaluate", good, str(book), *AS_OF, "-f", "json")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    place = f"{book}:{where}: error: " if where else f"{book}: error: "
    assert lines[0].startswith(place), lines[0]
    assert message in lines[0]
    first, second = json.loads(result.stdout)["results"]
    assert first["overall"] == 5  # the other document of the run is still evaluated
    assert "error" in second


def test_a_workbook_that_unpacks_too_far_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "k.xlsx"
    assert cli("template", "-o", str(book)).exit_code == 0
    _zip_with(book, "xl/media/zeros.bin", bytes(10 * 1024 * 1024))  # a few kB packed
    limit = book.stat().st_size + 1  # the file fits; what it unpacks to does not
    result = cli("validate", str(book), "--max-bytes", str(limit), "--lang", "en")
    assert result.exit_code == 1
    assert f"{book}: error: the workbook unpacks to " in result.stderr


def test_a_norwegian_date_typed_as_text_is_a_date(tmp_path: Path) -> None:
    book = tmp_path / "k.xlsx"
    assert cli("template", "-m", "4601", "-o", str(book)).exit_code == 0
    _set(book, "evidence.anchoring.council_decision_date", "30.06.2025")
    document = modenhet.read_evidence(book)
    assert document["evidence"]["anchoring"]["council_decision_date"] == "2025-06-30"


def test_schema_problems_are_located_at_their_cell(tmp_path: Path) -> None:
    book = tmp_path / "k.xlsx"
    assert cli("template", "-m", "4601", "-o", str(book)).exit_code == 0
    cell = _set(book, "municipality.population", -5)
    result = cli("validate", str(book), "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{book}:{cell}: error: «Kommune › Folketal»: `municipality.population` must be at least 0"
    )
    # read_evidence reads strictly; the schema is the rule set's to check (RuleSet.validate)
    assert modenhet.read_evidence(book)["municipality"]["population"] == -5


def test_explain_reads_a_workbook(filled: dict[Path, Path]) -> None:
    result = cli("explain", str(filled[ROOT / "samples" / "1820-alstahaug.json"]), *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "Alstahaug" in result.stdout


# ----------------------------------------------------------------------- -o and --format


def test_the_extension_of_o_picks_the_format(tmp_path: Path) -> None:
    for name, check in (
        ("r.csv", lambda data: data.startswith(b"Kjelde,Kommunenummer")),
        ("r.json", lambda data: json.loads(data)["results"]),
        ("r.md", lambda data: data.startswith(b"#")),
        ("r.xlsx", lambda data: data.startswith(b"PK")),
    ):
        target = tmp_path / name
        result = cli("evaluate", str(ROOT / "samples"), *AS_OF, "-o", str(target))
        assert result.exit_code == 0, result.stderr
        assert check(target.read_bytes()), name


def test_a_format_and_an_extension_that_disagree_are_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    result = cli("evaluate", str(ROOT / "samples"), *AS_OF, "-f", "json", "-o", str(target))
    assert result.exit_code == 2
    assert "names a csv file, but --format is json" in result.stderr
    assert not target.exists()
    result = cli(
        "compare", str(ROOT / "samples"), str(ROOT / "samples"), "-o", str(tmp_path / "c.html")
    )
    assert result.exit_code == 2 and "does not write" in result.stderr
    result = cli("test", "-o", str(tmp_path / "t.xml"))
    assert result.exit_code == 0 and (tmp_path / "t.xml").read_text().startswith("<?xml")
    result = cli("check", "-o", str(tmp_path / "c.sarif"))
    assert result.exit_code == 0
    assert json.loads((tmp_path / "c.sarif").read_text())["version"] == "2.1.0"
    result = cli("check", "-o", str(tmp_path / "c.txt"))
    assert result.exit_code == 2 and not (tmp_path / "c.txt").exists()


def test_a_file_modenhet_cannot_read_says_what_it_reads(tmp_path: Path) -> None:
    table = tmp_path / "kommunar.csv"
    table.write_text("kommune;nivå\n0301;3\n", encoding="utf-8")
    result = cli("evaluate", str(table), *AS_OF)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{table}:1: error: not valid JSON")
    assert ".xlsx workbooks" in result.stderr and ".json files" in result.stderr


# ------------------------------------------------------------------------- the xlsx report


def test_the_xlsx_report_has_typed_cells(filled: dict[Path, Path], tmp_path: Path) -> None:
    oslo = tmp_path / "oslo.xlsx"
    assert cli("template", "-m", "0301", "-o", str(oslo)).exit_code == 0
    report = tmp_path / "report.xlsx"
    result = cli("evaluate", str(ROOT / "samples"), str(oslo), *AS_OF, "-o", str(report))
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(report)
    assert workbook.sheetnames[:2] == ["Om rapporten", "Oversikt"]
    assert "Bergen (4601)" in workbook.sheetnames and "Oslo (0301)" in workbook.sheetnames
    summary = workbook["Oversikt"]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=2)}
    bergen, oslo_row = rows["Bergen"], rows["Oslo"]
    assert [(c.value, c.data_type) for c in bergen[1:2]] == [("4601", "s")]
    assert [(c.value, c.data_type) for c in oslo_row[1:2]] == [("0301", "s")]
    assert [c.value for c in bergen[3:10]] == [5, 5, 5, 5, 5, 5, 5]  # samples/README.md
    assert all(c.data_type == "n" for c in bergen[3:10])
    assert summary.freeze_panes == "B2" and summary.auto_filter.ref
    assert summary.conditional_formatting  # the colour scale over the levels
    front = workbook["Om rapporten"]
    values = {row[0]: row[1] for row in front.iter_rows(min_row=3, values_only=True)}
    assert values["Regelsett"] == "Bustadsosialt arbeid"
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    assert values["SHA-256 for regelsettet"] == ruleset.sha256
    assert values["Per"] == datetime.datetime(2025, 6, 30)
    alstahaug = workbook["Alstahaug (1820)"]
    criteria = {row[2]: row for row in alstahaug.iter_rows(min_row=6, values_only=True)}
    staff = criteria["dedicated_staff"]
    assert staff[4] == "ukjent" and "Årsverk" in staff[5]


# -------------------------------------------------------------------- LibreOffice, headless

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


@pytest.fixture(scope="module")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if not os.path.exists(SOFFICE):
        if os.environ.get("CI"):
            pytest.fail(f"{SOFFICE} is missing under CI: .ci/run should install libreoffice")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    profile = tmp_path_factory.mktemp("lo-profile")
    return [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]


def convert_with(soffice: list[str], target: str, files: list[Path], folder: Path) -> None:
    done = subprocess.run(
        [*soffice, "--convert-to", target, "--outdir", str(folder), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_workbooks_saved_by_libreoffice_evaluate_the_same(
    soffice: list[str], filled: dict[Path, Path], tmp_path: Path
) -> None:
    books = list(filled.values())
    convert_with(soffice, "xlsx:Calc MS Excel 2007 XML", books, tmp_path)
    saved = [tmp_path / book.name for book in books]
    for original, copy in zip(books, saved, strict=True):
        assert copy.exists() and copy.read_bytes() != original.read_bytes()
    from_lo = cli("evaluate", *map(str, saved), *AS_OF, "-f", "json")
    from_openpyxl = cli("evaluate", *map(str, books), *AS_OF, "-f", "json")
    assert from_lo.exit_code == 0, from_lo.stderr
    assert results(from_lo.stdout) == results(from_openpyxl.stdout)
    for original, copy in zip(books, saved, strict=True):
        assert modenhet.read_evidence(copy) == modenhet.read_evidence(original)


def test_the_xlsx_report_converts_to_pdf(soffice: list[str], tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    assert cli("evaluate", str(ROOT / "samples"), *AS_OF, "-o", str(report)).exit_code == 0
    convert_with(soffice, "pdf", [report], tmp_path)
    pdf = tmp_path / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_the_error_line_in_the_docs_is_the_one_modenhet_prints(tmp_path: Path) -> None:
    """README.md and docs/evidence.md show a located error in nynorsk (the default) and in
    English; it must be what a user sees."""
    shown = (
        "4601-bergen.xlsx:Økonomiske ressursar!C6: error: «Budsjett i kroner»: «12 mill» is "
        "text, not a number; type the number alone"
    )
    nynorsk = (
        "4601-bergen.xlsx:Økonomiske ressursar!C6: feil: «Budsjett i kroner»: «12 mill» er "
        "tekst, ikkje eit tal; skriv berre talet"
    )
    for doc in (ROOT / "README.md", ROOT / "docs" / "evidence.md"):
        assert shown in " ".join(doc.read_text(encoding="utf-8").split()), doc
        assert nynorsk in " ".join(doc.read_text(encoding="utf-8").split()), doc
    book = tmp_path / "4601-bergen.xlsx"
    assert cli("template", "-m", "4601", "-o", str(book)).exit_code == 0
    _set(book, "evidence.economy.budget_nok", "12 mill")
    result = cli("validate", "4601-bergen.xlsx", "--lang", "en", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, shown + "\n")
    result = cli("validate", "4601-bergen.xlsx", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, nynorsk + "\n")


def test_validate_json_names_the_cell(tmp_path: Path) -> None:
    book = tmp_path / "k.xlsx"
    assert cli("template", "-m", "4601", "-o", str(book)).exit_code == 0
    cell = _set(book, "evidence.competence.staff_trained_share", 2)
    result = cli("validate", str(book), "-f", "json")
    assert result.exit_code == 1
    (document,) = json.loads(result.stdout)["documents"]
    (problem,) = document["problems"]
    assert problem["cell"] == cell
    assert problem["pointer"] == "/evidence/competence/staff_trained_share"


def test_workbooks_in_worker_processes_give_the_same_report(
    filled: dict[Path, Path], tmp_path: Path
) -> None:
    """With --jobs, documents found after the first second are read in worker processes:
    a workbook's errors must be located there as in the main process."""
    for copy in range(3):
        for book in filled.values():
            shutil.copy(book, tmp_path / f"{copy}-{book.name}")
    broken = tmp_path / "9-broken.xlsx"
    shutil.copy(next(iter(filled.values())), broken)
    cell = _set(broken, "evidence.economy.budget_nok", "mykje")
    reports = []
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "modenhet", "evaluate", str(tmp_path), *AS_OF, "-f", "json",
             "-j", jobs],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 1
        assert done.stderr == (
            f"{broken}:{cell}: error: «Budsjett i kroner»: «mykje» is text, not a number; "
            "type the number alone\n"
        )
        reports.append(done.stdout)
    assert reports[0] == reports[1]


def test_partial_forms_written_from_json_read_back_the_same(tmp_path: Path) -> None:
    economy = {
        "instruments_used": {"at_least": ["bustotte"]},
        "reports": {"at_least": 2},
        "decided": "2023-05",
        "ids": {"at_least": ["plan", "budsjett"]},
    }
    book = tmp_path / "partial.xlsx"
    book.write_bytes(template_bytes(PARTIAL_SCHEMA, document={"evidence": {"economy": economy}}))
    item = read_workbook(str(book), 10**7, schema=PARTIAL_SCHEMA)
    assert item.document is not None, item.problems
    assert item.document["evidence"]["economy"] == economy


def test_text_in_the_xlsx_report_is_never_a_formula(tmp_path: Path) -> None:
    document = json.loads((ROOT / "samples" / "4601-bergen.json").read_text(encoding="utf-8"))
    document["municipality"]["name"] = '=HYPERLINK("https://example.org","Bergen")'  # a warning
    source = tmp_path / "=bergen.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    report = tmp_path / "r.xlsx"
    result = cli("evaluate", str(source), *AS_OF, "-o", str(report))
    assert result.exit_code == 0 and "warning" in result.stderr
    row = next(openpyxl.load_workbook(report)["Oversikt"].iter_rows(min_row=2, max_row=2))
    assert (row[0].value, row[0].data_type) == (document["municipality"]["name"], "s")
    assert (row[2].value, row[2].data_type) == (str(source), "s")
    assert b"<f>" not in zipfile.ZipFile(report).read("xl/worksheets/sheet2.xml")


def test_the_xlsx_summary_shows_level_bounds_where_results_have_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Partial evidence gives each factor a highest reachable level (`levels_max`) and the
    document an `overall_max`; where the results carry them, the summary shows them in
    columns of their own. Here the results are given bounds of 5 by hand."""
    from modenhet.results import Evaluation

    monkeypatch.setattr(Evaluation, "levels_max", property(lambda self: (5,) * 6), raising=False)
    monkeypatch.setattr(Evaluation, "overall_max", property(lambda self: 5), raising=False)
    report = tmp_path / "r.xlsx"
    sample = str(ROOT / "samples" / "1151-utsira.json")
    assert cli("evaluate", sample, *AS_OF, "-o", str(report)).exit_code == 0
    rows = list(openpyxl.load_workbook(report)["Oversikt"].iter_rows(values_only=True))
    assert rows[0][3:18] == (
        "Forankring og eigarskap", "Overordna strategi", "Organisering og samordning",
        "Økonomiske ressursar", "Kompetanse", "Brukarmedverknad", "Samla",
        "Forankring og eigarskap (høgst)", "Overordna strategi (høgst)",
        "Organisering og samordning (høgst)", "Økonomiske ressursar (høgst)",
        "Kompetanse (høgst)", "Brukarmedverknad (høgst)", "Samla (høgst)", "Feil",
    )  # fmt: skip
    assert rows[0][18] == "Åtvaringar"  # errors and warnings, each in a column of its own
    assert rows[1][3:17] == (1, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 5)  # Utsira: all at 1
