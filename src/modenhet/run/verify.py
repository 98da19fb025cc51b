"""Does a JSON report still hold? Re-read every input it records, compare the hashes, and
re-evaluate with the recorded `as_of` and the rule set, so an auditor can stand behind a report
made months ago — or see exactly which input has changed since.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modenhet.engine.ruleset import RuleSet
from modenhet.evidence.reader import evidence_item
from modenhet.run.outcome import evaluate_items, record


class ReportError(Exception):
    """The file is not a modenhet JSON report."""


@dataclass(frozen=True)
class Finding:
    """What verification found for one recorded result (or for the rule set)."""

    source: str
    holds: bool
    message: str


def load_report(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
    except OSError as error:
        raise ReportError(f"cannot be read: {error.strerror}") from None
    except ValueError as error:
        raise ReportError(f"not JSON: {error}") from None
    if not isinstance(report, dict) or not {"tool", "ruleset", "as_of", "results"} <= report.keys():
        raise ReportError("not a modenhet JSON report (made with evaluate -f json)")
    return report


def verify(report: dict[str, Any], ruleset: RuleSet, base: Path) -> Iterator[Finding]:
    """Findings for the rule set, then for each recorded result in order. Sources are read
    relative to `base` (the folder the report was made from)."""
    recorded = report["ruleset"]
    if recorded.get("sha256") != ruleset.sha256:
        yield Finding(
            "rule set",
            False,
            f"changed: the report was made with SHA-256 "
            f"{str(recorded.get('sha256'))[:12]}…, the rule set now has "
            f"{ruleset.sha256[:12]}…",
        )
    else:
        yield Finding("rule set", True, f"unchanged (SHA-256 {ruleset.sha256[:12]}…)")
    as_of = datetime.date.fromisoformat(report["as_of"])
    for result in report["results"]:
        yield _verify_result(result, ruleset, base, as_of)


def _verify_result(
    result: dict[str, Any], ruleset: RuleSet, base: Path, as_of: datetime.date
) -> Finding:
    source = str(result.get("source", ""))
    data = _read_source(source, base)
    if isinstance(data, str):
        return Finding(source, False, data)
    digest = hashlib.sha256(data).hexdigest()
    if digest != result.get("sha256"):
        return Finding(
            source,
            False,
            f"changed: SHA-256 recorded {str(result.get('sha256'))[:12]}…, now {digest[:12]}…",
        )
    name, _, line = source.rpartition(":")
    jsonl_line = int(line) if name.endswith(".jsonl") and line.isdecimal() else None
    item = evidence_item(source, data, limit=len(data) + 1, jsonl_line=jsonl_line)
    (outcome,) = evaluate_items(ruleset, [item], as_of, validate=True)
    again = _as_recorded(record(outcome), result)
    if again != result:
        keys = sorted(k for k in again.keys() | result.keys() if again.get(k) != result.get(k))
        return Finding(
            source, False, f"the same input now evaluates differently ({', '.join(keys)})"
        )
    return Finding(source, True, "holds")


# Keys that reports gained with level bounds (spec 9.4): a report made before them still holds
# when everything it does record holds.
_BOUND_KEYS = ("overall_max", "overall_label_max", "decided")
_FACTOR_BOUND_KEYS = ("level_max", "label_max", "decided")


def _as_recorded(again: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The result made now, without the bound keys a report from before them does not have."""
    if any(key in result for key in _BOUND_KEYS) or "factors" not in again:
        return again
    again = {key: value for key, value in again.items() if key not in _BOUND_KEYS}
    again["factors"] = {
        fid: {key: value for key, value in factor.items() if key not in _FACTOR_BOUND_KEYS}
        for fid, factor in again["factors"].items()
    }
    return again


def _read_source(source: str, base: Path) -> bytes | str:
    """The recorded bytes of a source (a file, or one line of a JSONL file), or why not."""
    if source == "-" or source.startswith("-:"):
        return "cannot be verified: it was read from standard input"
    name, _, line = source.rpartition(":")
    if name.endswith(".jsonl") and line.isdecimal():
        path = base / name
        try:
            with open(path, "rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if number == int(line):
                        text = raw.rstrip(b"\n").rstrip(b"\r")
                        return (
                            text[3:] if number == 1 and text.startswith(b"\xef\xbb\xbf") else text
                        )
        except OSError as error:
            return f"cannot be read: {error.strerror}"
        return f"changed: {name} no longer has a line {line}"
    try:
        return (base / source).read_bytes()
    except OSError as error:
        return f"cannot be read: {error.strerror}"
