"""Diagnostics of `check` as SARIF 2.1.0, so code-scanning tools (GitHub code scanning, editors
with a SARIF viewer) show them inline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from modenhet import __version__
from modenhet.catalogue import CATALOGUE, Entry
from modenhet.errors import Diagnostic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(file: str) -> str:
    path = Path(file)
    return path.resolve().as_uri() if path.is_absolute() else path.as_posix()


def _rule(item: Entry) -> dict[str, Any]:
    """A catalogue entry as SARIF rule metadata: its help is the whole entry of docs/errors.md,
    so a code-scanning page explains the finding with no link to follow."""
    hint = item.hint or item.summary
    markdown = (
        f"**{item.code}**: {_plain(item.summary)}.\n\n{_plain(hint)}\n\n"
        f"Wrong:\n\n```\n{item.wrong.rstrip()}\n```\n\n"
        f"Right:\n\n```\n{item.right.rstrip()}\n```\n"
    )
    return {
        "id": item.code,
        "name": "".join(word.capitalize() for word in re.split(r"[^0-9A-Za-z]+", item.name)),
        "shortDescription": {"text": item.summary},
        "fullDescription": {"text": f"{item.summary}. {hint}"},
        "help": {"text": hint, "markdown": markdown},
        "defaultConfiguration": {"level": item.severity},
    }


def _plain(text: str) -> str:
    """Text shown as itself in Markdown: `\\n` stays a backslash and an n."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


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
        "rules": [_rule(item) for item in rules],
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def sarif_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The SARIF log as text, as `check -f sarif` writes it."""
    import json

    return json.dumps(sarif(diagnostics), ensure_ascii=False, indent=2)
