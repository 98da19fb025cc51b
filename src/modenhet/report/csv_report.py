"""CSV (RFC 4180): one row per document with its factor levels and overall level."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from modenhet.run import Outcome, RunInfo


def summary_header(run: RunInfo) -> list[str]:
    return [
        "source",
        "municipality_number",
        "municipality_name",
        *[f.id for f in run.ruleset.factors],
        "overall",
        "error",
    ]


def summary_row(outcome: Outcome, factors: int) -> list[Any]:
    """Source, municipality, each factor's level, overall; for a failed document the error."""
    municipality = outcome.municipality if isinstance(outcome.municipality, dict) else {}
    identity = [outcome.source, municipality.get("number") or "", municipality.get("name") or ""]
    evaluation = outcome.evaluation
    if evaluation is None:
        error = "; ".join(
            f"{p.pointer}: {p.message}" if p.pointer else p.message for p in outcome.problems
        )
        return [*identity, *[""] * (factors + 1), error]
    return [*identity, *evaluation.levels, evaluation.overall, ""]


def write_csv(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(summary_header(run))
    factors = len(run.ruleset.factors)
    for outcome in outcomes:
        writer.writerow(summary_row(outcome, factors))
