"""CSV (RFC 4180): one row per document with its factor levels and overall level, then, in
their own columns, the bounds (each factor's `level_max`, `overall_max`) and how many criteria
are decided (spec 9.4)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any, TextIO

from modenhet.run.outcome import Outcome, RunInfo


def summary_header(run: RunInfo) -> list[str]:
    return [
        "source",
        "municipality_number",
        "municipality_name",
        *[f.id for f in run.ruleset.factors],
        "overall",
        *[f"{f.id}_max" for f in run.ruleset.factors],
        "overall_max",
        "decided",
        "criteria",
        "error",
    ]


def summary_row(outcome: Outcome, factors: int) -> list[Any]:
    """Source, municipality, each factor's level, overall, each factor's level_max,
    overall_max, the decided criteria of how many; for a failed document the error."""
    municipality = outcome.municipality if isinstance(outcome.municipality, dict) else {}
    identity = [
        text_cell(outcome.source),
        text_cell(municipality.get("number") or ""),
        text_cell(municipality.get("name") or ""),
    ]
    evaluation = outcome.evaluation
    if evaluation is None:
        shown, more = outcome.problems_in_brief(pointers=True)
        error = "; ".join([*shown, f"(+{more} more)"] if more else shown)
        return [*identity, *[""] * (2 * factors + 4), text_cell(error)]
    bounds = [*evaluation.levels_max, evaluation.overall_max, *evaluation.decided]
    return [*identity, *evaluation.levels, evaluation.overall, *bounds, ""]


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
    row = summary_row(outcome, len(run.ruleset.factors))
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
