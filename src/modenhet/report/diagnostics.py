"""`modenhet check`'s own reports: the line per rule set for people, and the diagnostics as
JSON for machines (SARIF is `modenhet.report.sarif`). Each diagnostic renders itself as
`FILE:LINE:COL: error: MESSAGE` with its caret (`modenhet.errors.Diagnostic.render`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from modenhet.errors import Diagnostic


@dataclass(frozen=True)
class Checked:
    """What `check` found in one rule set: its size when it checks (None when it does not)."""

    path: str
    factors: int | None
    criteria: int
    lets: int
    files: int
    errors: int
    warnings: int
    strict: bool


def check_summary(checked: Checked) -> str:
    """`rules/x.rules: ok — 6 factors, 52 criteria, 2 lets, 1 file(s)`, or the counts."""
    if checked.factors is not None and not (checked.strict and checked.warnings):
        warnings = f", {checked.warnings} warning(s)" if checked.warnings else ""
        return (
            f"{checked.path}: ok — {checked.factors} factors, {checked.criteria} criteria, "
            f"{checked.lets} lets, {checked.files} file(s){warnings}"
        )
    return f"{checked.path}: {checked.errors} error(s), {checked.warnings} warning(s)"


def diagnostics_json(found: Sequence[Diagnostic]) -> str:
    return json.dumps(
        [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "end_line": d.span.end_line,
                "end_column": d.span.end_column,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
            }
            for d in found
        ],
        ensure_ascii=False,
        indent=2,
    )
