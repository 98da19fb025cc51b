"""The JSON report of spec section 8, and JSONL with one result object per line.

Output depends only on the inputs and `as_of` (no clock, no absolute paths beyond what the
user named), so two runs with the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from modenhet.report.jsontext import indented
from modenhet.run.outcome import Outcome, RunInfo, input_set, record


def header(run: RunInfo) -> dict[str, Any]:
    return {
        "tool": {"name": "modenhet", "version": run.tool_version},
        "ruleset": _ruleset(run),
        "as_of": run.as_of.isoformat(),
        "inputs": input_set(run.inputs),
    }


def _ruleset(run: RunInfo) -> dict[str, Any]:
    ruleset = run.ruleset
    return {"name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_record(run: RunInfo, outcome: Outcome) -> str:
    """One result as it stands in the report's `results`, indented to its place."""
    return indented(record(outcome)).replace("\n", "\n    ")


def write_json_records(run: RunInfo, records: Iterable[str], out: TextIO) -> None:
    """The report around its results (`json_record`), written one by one so memory stays flat."""
    head = indented(header(run))
    out.write(head[:-2] + ',\n  "results": [')
    first = True
    for text in records:
        out.write(("\n    " if first else ",\n    ") + text)
        first = False
    out.write("\n  ]\n}\n" if not first else "]\n}\n")


def write_json(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    """One JSON object for the run, written result by result so memory stays flat."""
    write_json_records(run, (json_record(run, outcome) for outcome in outcomes), out)


def jsonl_record(run: RunInfo, outcome: Outcome) -> str:
    """One line: the result with the run's `as_of` and rule set, so lines stand alone."""
    line = {"as_of": run.as_of.isoformat(), "ruleset": _ruleset(run), **record(outcome)}
    return _dumps(line) + "\n"


def write_lines(run: RunInfo, records: Iterable[str], out: TextIO) -> None:
    for line in records:
        out.write(line)


def write_jsonl(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    """One result per line, each with the run's `as_of` and rule set so lines stand alone."""
    write_lines(run, (jsonl_record(run, outcome) for outcome in outcomes), out)
