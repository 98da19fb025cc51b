"""`modenhet validate`'s reports: per document, the problems as lines for people (on stderr)
and `valid` for a document without errors (on stdout), or one JSON report for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from modenhet.errors import Violation
from modenhet.i18n import translator


def problem_line(source: str, problem: Violation, lang: str = "nn") -> str:
    """`FILE[:LINE]#POINTER: error: MESSAGE` in the reader's language, on one line whatever
    the keys and values it quotes hold."""
    return problem.render(source, lang)


def validation_lines(
    source: str, problems: Sequence[Violation], lang: str = "nn"
) -> tuple[list[str], list[str]]:
    """What a document's validation says to people: problem lines (stderr), result (stdout)."""
    _ = translator(lang).gettext
    valid = not any(problem.severity == "error" for problem in problems)
    lines = [problem_line(source, problem, lang) for problem in problems]
    return lines, [_("%(source)s: valid") % {"source": source}] if valid else []


def validation_summary(documents: Sequence[dict[str, Any]], lang: str = "nn") -> str:
    """The one line `validate` ends with: how many documents, valid, not valid, warned."""
    count = len(documents)
    counts = {
        "count": count,
        "valid": sum(d["valid"] for d in documents),
        "invalid": sum(not d["valid"] for d in documents),
        "warned": sum(any(p["severity"] != "error" for p in d["problems"]) for d in documents),
    }
    return (
        translator(lang).ngettext(
            "%(count)s document checked: %(valid)s valid, %(invalid)s not valid, "
            "%(warned)s with warnings",
            "%(count)s documents checked: %(valid)s valid, %(invalid)s not valid, "
            "%(warned)s with warnings",
            count,
        )
        % counts
    )


def document_record(source: str, problems: Sequence[Violation]) -> dict[str, Any]:
    """One document of the JSON report."""
    return {
        "source": source,
        "valid": not any(problem.severity == "error" for problem in problems),
        "problems": [
            {
                "pointer": p.pointer,
                "line": p.line,
                "column": p.column,
                "severity": p.severity,
                "message": p.message,
                **({"cell": p.cell} if p.cell is not None else {}),  # in a workbook
            }
            for p in problems
        ],
    }


def validation_json(schema: str, documents: Sequence[dict[str, Any]]) -> str:
    report = {
        "schema": schema,
        "valid": all(d["valid"] for d in documents),
        "documents": list(documents),
    }
    return json.dumps(report, ensure_ascii=False, indent=2)
