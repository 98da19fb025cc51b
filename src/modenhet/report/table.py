"""The terminal table: for one document each factor's level and, under it, the gap with each
missing criterion's title, status and advice; for several, one summary row per municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.results import Evaluation
from modenhet.run import Outcome, RunInfo, municipality_name

STATUS_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown", "error": "error"}


def run_header(run: RunInfo) -> str:
    version = f" {run.ruleset.version}" if run.ruleset.version else ""
    return f"Rule set: {run.ruleset.name}{version} · as of {run.as_of.isoformat()}"


def write_table(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    collected = list(outcomes)
    out.write(run_header(run) + "\n\n")
    if len(collected) == 1 and collected[0].evaluation is not None:
        out.write(single(collected[0], collected[0].evaluation))
    else:
        out.write(summary(run, collected))


def single(outcome: Outcome, evaluation: Evaluation) -> str:
    lines = [
        f"{municipality_name(outcome)} · {outcome.source}",
        f"Overall level: {evaluation.overall} {evaluation.overall_label}",
        "",
        "",
    ]
    rows: list[list[Any]] = []
    for factor in evaluation.factors.values():
        rows.append([factor.title, f"{factor.level} {factor.label}", "", ""])
        target = factor.next_level
        for criterion in factor.gap:
            status = STATUS_WORDS[criterion.status]
            note = criterion.advice or ""
            if criterion.status == "unknown" and criterion.missing:
                note = f"missing {', '.join(criterion.missing)}. {note}".strip()
            elif criterion.status == "error" and criterion.message:
                note = criterion.message
            rows.append([f"  → {target}: {criterion.title}", "", status, note])
    table = tabulate(
        rows,
        headers=["Factor / gap to the next level", "Level", "Status", "Advice"],
        disable_numparse=True,
        maxcolwidths=[46, None, None, 56],
    )
    return "\n".join(lines) + table + "\n"


def summary(run: RunInfo, outcomes: list[Outcome]) -> str:
    factors = [f.id for f in run.ruleset.factors]
    rows: list[list[Any]] = []
    failed = 0
    for outcome in outcomes:
        evaluation = outcome.evaluation
        if evaluation is None:
            failed += 1
            reason = outcome.problems[0].message if outcome.problems else "error"
            more = f" (+{len(outcome.problems) - 1} more)" if len(outcome.problems) > 1 else ""
            rows.append(
                [
                    municipality_name(outcome),
                    *["" for _ in factors],
                    "error",
                    f"{reason[:60]}{more}",
                ]
            )
            continue
        rows.append([municipality_name(outcome), *evaluation.levels, evaluation.overall, ""])
    headers = ["Municipality", *factors, "overall", "note"]
    if not any(row[-1] for row in rows):
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    table = tabulate(rows, headers=headers, disable_numparse=True)
    footer = f"\n{len(outcomes)} documents: {len(outcomes) - failed} evaluated, {failed} failed"
    legend = "\nFactors: " + ", ".join(f"{f.id} = {f.title}" for f in run.ruleset.factors)
    return table + "\n" + footer + legend + "\n"
