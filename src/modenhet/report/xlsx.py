"""The report as an Excel workbook: a front sheet with the run (rule set, version, SHA-256,
as_of), a summary with a row per municipality and a column per factor (levels as numbers, a
colour scale, the header frozen, filters on), and a sheet per municipality with every
criterion, its status, the missing fields by their titles and the advice. The same inputs
give the same bytes (`modenhet.evidence.workbook.cells.workbook_bytes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from modenhet.evidence.workbook.cells import set_text, workbook_bytes, write_binary
from modenhet.evidence.workbook.layout import sheet_name
from modenhet.i18n import translator
from modenhet.report.words import Translate, status_word
from modenhet.run.outcome import SEVERITIES, Outcome, RunInfo, municipality_name

_BOLD = Font(bold=True)
_HEADER = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_STATUS_FILLS = {
    "met": PatternFill("solid", fgColor="C6EFCE"),
    "not_met": PatternFill("solid", fgColor="FFC7CE"),
    "unknown": PatternFill("solid", fgColor="FFEB9C"),
    "error": PatternFill("solid", fgColor="F4B084"),
}


def write_xlsx(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    write_binary(out, xlsx_bytes(run, outcomes))


def xlsx_bytes(run: RunInfo, outcomes: Iterable[Outcome]) -> bytes:
    _ = translator(run.lang).gettext
    collected = list(outcomes)
    workbook = Workbook()
    front = workbook.active
    assert front is not None
    taken: set[str] = set()
    front.title = sheet_name(_("About this report"), taken)
    summary = workbook.create_sheet(sheet_name(_("Overview"), taken))
    _front(front, run, collected, _)
    titles = _field_titles(run)
    _summary(summary, run, collected, _)
    for outcome in collected:
        if outcome.evaluation is None:
            continue
        ws = workbook.create_sheet(sheet_name(municipality_name(outcome), taken))
        _municipality(ws, outcome, titles, _)
    workbook.active = 1
    workbook.properties.title = _("Maturity report")
    return workbook_bytes(workbook)


def _front(ws: Worksheet, run: RunInfo, outcomes: list[Outcome], _: Translate) -> None:
    ruleset = run.ruleset
    set_text(ws.cell(1, 1), _("Maturity report"))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    failed = sum(outcome.evaluation is None for outcome in outcomes)
    rows: list[tuple[str, Any]] = [
        (_("Rule set"), ruleset.name),
        (_("Version"), ruleset.version or ""),
        (_("Rule set SHA-256"), ruleset.sha256),
        (_("As of"), run.as_of),
        (_("Made with"), f"modenhet {run.tool_version}"),
        (_("Documents evaluated"), len(outcomes) - failed),
        (_("Documents that failed"), failed),
    ]
    for number, (label, value) in enumerate(rows, start=3):
        set_text(ws.cell(number, 1), label)
        ws.cell(number, 1).font = _BOLD
        cell = ws.cell(number, 2)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
            if number == 6:
                cell.number_format = "DD.MM.YYYY"  # a date for people (modenhet.i18n)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70


def _summary(ws: Worksheet, run: RunInfo, outcomes: list[Outcome], _: Translate) -> None:
    factors = run.ruleset.factors
    # The level bounds of partial evidence (each factor's highest reachable level), where the
    # results have them: columns of their own after the levels, as the CSV has them.
    bounded = any(hasattr(o.evaluation, "levels_max") for o in outcomes if o.evaluation)
    levels = [factor.title for factor in factors] + [_("Overall")]
    bounds = [_("%(title)s (at most)") % {"title": title} for title in levels] if bounded else []
    header = [
        _("Municipality"),
        _("Municipality number"),
        _("File"),
        *levels,
        *bounds,
        _("Errors"),
        _("Warnings"),
    ]
    errors, warnings = len(header) - 1, len(header)  # the columns of a document's problems
    for column, title in enumerate(header, start=1):
        cell = ws.cell(1, column)
        set_text(cell, title)
        cell.font = _BOLD
        cell.fill = _HEADER
        cell.alignment = _WRAP
    for number, outcome in enumerate(outcomes, start=2):
        municipality = outcome.municipality if isinstance(outcome.municipality, dict) else {}
        name, code = municipality.get("name"), municipality.get("number")
        set_text(ws.cell(number, 1), name if isinstance(name, str) else "")
        set_text(ws.cell(number, 2), code if isinstance(code, str) else "")
        set_text(ws.cell(number, 3), outcome.source)
        for column, severity in zip((errors, warnings), SEVERITIES, strict=True):
            shown, more = outcome.problems_in_brief(pointers=True, severity=severity, lang=run.lang)
            more_text = [_("(+%(count)s more)") % {"count": more}] if more else []
            set_text(ws.cell(number, column), "; ".join([*shown, *more_text]))
            ws.cell(number, column).alignment = _WRAP
        evaluation = outcome.evaluation
        if evaluation is None:
            continue
        numbers = [*evaluation.levels, evaluation.overall]
        if bounded:
            # (by name: the results have them once the partial-evidence work is merged)
            most, overall_most = (getattr(evaluation, n) for n in ("levels_max", "overall_max"))
            numbers += [*most, overall_most]
        for column, level in enumerate(numbers, start=4):
            ws.cell(number, column, level)
    last = len(outcomes) + 1
    first_level, last_level = get_column_letter(4), get_column_letter(3 + len(levels) + len(bounds))
    if outcomes:
        low, high = _level_range(run)
        ws.conditional_formatting.add(
            f"{first_level}2:{last_level}{last}",
            ColorScaleRule(  # type: ignore[no-untyped-call]
                start_type="num", start_value=low, start_color="F8696B",
                mid_type="num", mid_value=(low + high) / 2, mid_color="FFEB84",
                end_type="num", end_value=high, end_color="63BE7B",
            ),
        )  # fmt: skip
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    widths = [22, 14, 30, *[14] * (len(levels) + len(bounds)), 60, 60]
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[1].height = 45


def _level_range(run: RunInfo) -> tuple[int, int]:
    numbers = [block.number for factor in run.ruleset.factors for block in factor.blocks]
    top = max(numbers, default=5)
    return 1, max(top, 2)


def _field_titles(run: RunInfo) -> dict[str, str]:
    """Evidence path -> the field's title with its section (`Økonomiske ressursar › Årsverk`)."""
    schema = run.ruleset.schema
    if not isinstance(schema, dict):
        return {}
    from modenhet.evidence.schemawalk import fields

    titles: dict[str, str] = {}
    try:
        found = list(fields(schema))
    except Exception:  # a schema the walk cannot follow: the paths are shown as they are
        return {}
    for field in found:
        parent = field.path.rpartition(".")[0]
        section = titles.get(parent, "")
        titles[field.path] = (
            f"{section} › {field.title}"
            if section and field.depth > 1
            else (field.title or field.path)
        )
    return titles


def _missing(paths: list[str], titles: dict[str, str]) -> str:
    shown = []
    for path in paths:
        plain = path.replace("`", "")
        key = plain
        while key and key not in titles:
            key = key.rpartition(".")[0]
        shown.append(titles.get(plain, f"{titles[key]} ({plain})" if key else plain))
    return "; ".join(shown)


def _municipality(ws: Worksheet, outcome: Outcome, titles: dict[str, str], _: Translate) -> None:
    evaluation = outcome.evaluation
    assert evaluation is not None
    set_text(ws.cell(1, 1), municipality_name(outcome))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    set_text(ws.cell(2, 1), outcome.source)
    set_text(ws.cell(3, 1), _("Overall level"))
    ws.cell(3, 2, evaluation.overall)
    set_text(ws.cell(3, 3), evaluation.overall_label)
    header = [
        _("Factor"),
        _("Level"),
        _("Criterion"),
        _("Title"),
        _("Status"),
        _("Missing fields"),
        _("Advice"),
        _("Legal duty"),
        _("Source"),
    ]
    for column, title in enumerate(header, start=1):
        cell = ws.cell(5, column)
        set_text(cell, title)
        cell.font = _BOLD
        cell.fill = _HEADER
    number = 6
    for factor in evaluation.factors.values():
        for criterion in factor.criteria:
            set_text(ws.cell(number, 1), factor.title)
            ws.cell(number, 2, criterion.level)
            set_text(ws.cell(number, 3), criterion.id)
            set_text(ws.cell(number, 4), criterion.title)
            status = ws.cell(number, 5)
            set_text(status, status_word(criterion.status, _))
            status.fill = _STATUS_FILLS[criterion.status]
            note = _missing(criterion.missing, titles)
            if criterion.status == "error" and criterion.message:
                note = criterion.message
            set_text(ws.cell(number, 6), note)
            set_text(ws.cell(number, 7), criterion.advice or "")
            set_text(ws.cell(number, 8), "§" if criterion.legal else "")
            set_text(ws.cell(number, 9), criterion.ref or "")
            for column in (4, 6, 7, 9):
                ws.cell(number, column).alignment = _WRAP
            number += 1
    ws.freeze_panes = "A6"
    ws.auto_filter.ref = f"A5:{get_column_letter(len(header))}{max(number - 1, 5)}"
    for column, width in enumerate([24, 7, 22, 40, 14, 40, 50, 8, 30], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
