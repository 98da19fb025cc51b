"""CSV (RFC 4180): one row per document with its factor levels and overall level, then, in
their own columns, the bounds (each factor's `level_max`, `overall_max`), how many criteria
are decided (spec 9.4), and the document's errors and its warnings, each in a column of its
own.

A CSV file is opened by people, in a spreadsheet: its header row is in the reader's language
(`--lang`), the factors by their titles; the cells hold numbers, names and the problems' whole
messages, in the same language. Scripts read the JSON report, whose keys never change."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any, TextIO

from modenhet.errors import Severity
from modenhet.i18n import translator
from modenhet.run.outcome import SEVERITIES, Outcome, RunInfo


def summary_header(run: RunInfo) -> list[str]:
    """The header row, for people: `Kjelde`, `Kommunenummer`, ..., each factor's title."""
    _ = translator(run.lang).gettext
    titles = [f.title for f in run.ruleset.factors]
    overall = _("Overall level")
    return [
        _("Source"),
        _("Municipality number"),
        _("Municipality"),
        *titles,
        overall,
        *[_("%(title)s (at most)") % {"title": title} for title in [*titles, overall]],
        _("Criteria decided"),
        _("Criteria"),
        _("Errors"),
        _("Warnings"),
    ]


def summary_row(outcome: Outcome, factors: int, lang: str = "en") -> list[Any]:
    """Source, municipality, each factor's level, overall, each factor's level_max,
    overall_max, the decided criteria of how many (all empty for a failed document), then
    the errors and the warnings."""
    municipality = outcome.municipality if isinstance(outcome.municipality, dict) else {}
    identity = [
        text_cell(outcome.source),
        text_cell(municipality.get("number") or ""),
        text_cell(municipality.get("name") or ""),
    ]
    problems = [text_cell(problems_text(outcome, severity, lang)) for severity in SEVERITIES]
    evaluation = outcome.evaluation
    if evaluation is None:
        return [*identity, *[""] * (2 * factors + 4), *problems]
    bounds = [*evaluation.levels_max, evaluation.overall_max, *evaluation.decided]
    return [*identity, *evaluation.levels, evaluation.overall, *bounds, *problems]


def problems_text(outcome: Outcome, severity: Severity, lang: str) -> str:
    """The first ten errors (or warnings), each `POINTER: MESSAGE`, then how many more."""
    shown, more = outcome.problems_in_brief(pointers=True, severity=severity, lang=lang)
    if more:
        shown.append(translator(lang).gettext("(+%(count)s more)") % {"count": more})
    return "; ".join(shown)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STDIN = re.compile(r"-(:[0-9]+)?")  # the sources modenhet itself names standard input by


def text_cell(value: Any) -> Any:
    """A cell of text from the evidence (or a file name) that a spreadsheet would run as a
    formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `+`, `-`, `@`) gets a leading `'`, so
    it is shown as text (OWASP's advice on CSV injection). Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _STDIN.fullmatch(value):
        return "'" + value
    return value


def _writer(run: RunInfo, out: TextIO) -> Any:
    return csv.writer(out, delimiter=";" if run.excel else ",", lineterminator="\r\n")


def csv_record(run: RunInfo, outcome: Outcome) -> str:
    """One document's row, as the writer below writes it."""
    row = summary_row(outcome, len(run.ruleset.factors), run.lang)
    if run.excel:
        row = [str(cell).replace(".", ",") if isinstance(cell, float) else cell for cell in row]
    text = io.StringIO()
    _writer(run, text).writerow(row)
    return text.getvalue()


def write_csv_records(run: RunInfo, records: Iterable[str], out: TextIO) -> None:
    """RFC 4180 (comma, CRLF); with `run.excel`, what a Norwegian Excel opens as it should:
    a UTF-8 byte-order mark, semicolons and a decimal comma."""
    if run.excel:
        out.write("\ufeff")
    _writer(run, out).writerow(summary_header(run))
    for row in records:
        out.write(row)


def write_csv(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    write_csv_records(run, (csv_record(run, outcome) for outcome in outcomes), out)
