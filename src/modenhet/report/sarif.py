"""Diagnostics of `check` as SARIF 2.1.0, so code-scanning tools (GitHub code scanning, editors
with a SARIF viewer) show them inline."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from modenhet import __version__
from modenhet.catalogue import CATALOGUE
from modenhet.errors import Diagnostic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
HOME = "https://github.com/modenhet/modenhet"


def _uri(file: str) -> str:
    path = Path(file)
    return path.resolve().as_uri() if path.is_absolute() else path.as_posix()


def sarif(diagnostics: Iterable[Diagnostic]) -> dict[str, Any]:
    """One run of the tool: every catalogued rule, and a result per diagnostic."""
    rules = list(CATALOGUE.values())
    index = {item.code: number for number, item in enumerate(rules)}
    results = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        results.append(
            {
                "ruleId": diagnostic.code,
                "ruleIndex": index[diagnostic.code],
                "level": diagnostic.severity,
                "message": {
                    "text": diagnostic.message
                    + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
                },
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(span.file)},
                            "region": {
                                "startLine": span.line,
                                "startColumn": span.column,
                                "endLine": span.end_line,
                                "endColumn": max(span.end_column, span.column),
                            },
                        }
                    }
                ],
            }
        )
    driver = {
        "name": "modenhet",
        "version": __version__,
        "informationUri": HOME,
        "rules": [
            {
                "id": item.code,
                "name": item.name,
                "shortDescription": {"text": item.summary},
                "help": {"text": item.hint or item.summary},
                "helpUri": f"{HOME}/blob/main/docs/errors.md#{item.code.lower()}",
                "defaultConfiguration": {"level": item.severity},
            }
            for item in rules
        ],
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
