"""The terminal table: for one document each factor's level and, under it, the gap with each
missing criterion's title, status and advice; for several, one summary row per municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.results import CriterionResult, Evaluation, FactorResult
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


def gap_note(criterion: CriterionResult) -> str:
    """What the reader needs to act: the missing paths or the error, then the advice."""
    if criterion.status == "error" and criterion.message:
        return criterion.message
    note = criterion.advice or ""
    if criterion.status == "unknown" and criterion.missing:
        note = f"missing {', '.join(criterion.missing)}. {note}".strip()
    return note


def ordered_gap(factor: FactorResult) -> list[CriterionResult]:
    """The gap with legal duties first."""
    return sorted(factor.gap, key=lambda criterion: not criterion.legal)


def progress_text(factor: FactorResult) -> str:
    progress = factor.progress
    if progress is None:
        return "highest level"
    return f"{progress[0]} of {progress[1]} met"


def single(outcome: Outcome, evaluation: Evaluation) -> str:
    lines = [
        f"{municipality_name(outcome)} · {outcome.source}",
        f"Overall level: {evaluation.overall} {evaluation.overall_label}",
        "",
    ]
    floor = evaluation.legal_floor
    if floor:
        lines.append("Legal floor: duties not met (§)")
        for criterion in floor:
            title = evaluation.factors[criterion.factor].title
            status = STATUS_WORDS[criterion.status]
            lines.append(f"  § {title}: {criterion.title} — {status}")
        lines.append("")
    rows: list[list[Any]] = []
    for factor in evaluation.factors.values():
        rows.append([factor.title, f"{factor.level} {factor.label}", progress_text(factor), ""])
        for criterion in ordered_gap(factor):
            mark = "§ " if criterion.legal else ""
            title = f"→ {factor.next_level}: {mark}{criterion.title}"
            rows.append([title, "", STATUS_WORDS[criterion.status], gap_note(criterion)])
    table = tabulate(
        rows,
        headers=["Factor / gap to the next level", "Level", "Status", "Advice"],
        disable_numparse=True,
        maxcolwidths=[46, None, None, 56],
    )
    return "\n".join(lines) + "\n" + table + "\n"


def distribution(run: RunInfo, evaluations: list[Evaluation]) -> str:
    """How many municipalities stand at each level, per factor and overall."""
    levels = [level.number for level in run.ruleset.levels]
    rows = []
    for number, factor in enumerate(run.ruleset.factors):
        counts = [sum(e.levels[number] == level for e in evaluations) for level in levels]
        rows.append([factor.id, *counts])
    rows.append(["overall", *[sum(e.overall == level for e in evaluations) for level in levels]])
    headers = ["Documents at level", *[str(level) for level in levels]]
    return tabulate(rows, headers=headers, disable_numparse=True)


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
    evaluations = [o.evaluation for o in outcomes if o.evaluation is not None]
    spread = "\n\n" + distribution(run, evaluations) if evaluations else ""
    return table + "\n" + footer + legend + spread + "\n"
