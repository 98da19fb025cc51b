"""`modenhet check`'s own reports: the line per rule set for people, and the diagnostics as
JSON for machines (SARIF is `modenhet.report.sarif`). Each diagnostic renders itself as
`FILE:LINE:COL: error: MESSAGE` with its caret (`modenhet.errors.Diagnostic.render`). What
people read is in their language (`--lang`); JSON and SARIF keep English messages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from modenhet.errors import Diagnostic
from modenhet.i18n import translator


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


def check_summary(checked: Checked, *, lang: str = "en") -> str:
    """`rules/x.rules: ok — 6 factors, 52 criteria, 2 lets, 1 file(s)`, or the counts; in the
    reader's language (English keeps its `(s)`, the other languages their plurals)."""
    words = translator(lang)
    ngettext = words.ngettext
    warnings = ngettext("%(count)s warning(s)", "%(count)s warning(s)", checked.warnings) % {
        "count": checked.warnings
    }
    if checked.factors is not None and not (checked.strict and checked.warnings):
        counts = {
            "path": checked.path,
            "factors": ngettext("%(count)s factors", "%(count)s factors", checked.factors)
            % {"count": checked.factors},
            "criteria": ngettext("%(count)s criteria", "%(count)s criteria", checked.criteria)
            % {"count": checked.criteria},
            "lets": ngettext("%(count)s lets", "%(count)s lets", checked.lets)
            % {"count": checked.lets},
            "files": ngettext("%(count)s file(s)", "%(count)s file(s)", checked.files)
            % {"count": checked.files},
        }
        line = words.gettext("%(path)s: ok — %(factors)s, %(criteria)s, %(lets)s, %(files)s")
        return line % counts + (f", {warnings}" if checked.warnings else "")
    errors = ngettext("%(count)s error(s)", "%(count)s error(s)", checked.errors) % {
        "count": checked.errors
    }
    return f"{checked.path}: {errors}, {warnings}"


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
