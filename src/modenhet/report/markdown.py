"""Markdown: the summary table (and, for one document, its gaps) for wikis and pull requests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.report.table import STATUS_WORDS, gap_note, ordered_gap, progress_text, run_header
from modenhet.run import Outcome, RunInfo, municipality_name


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_markdown(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    collected = list(outcomes)
    factors = run.ruleset.factors
    out.write(f"# Maturity report\n\n{run_header(run)}\n\n")
    rows: list[list[Any]] = []
    for outcome in collected:
        evaluation = outcome.evaluation
        if evaluation is None:
            reason = "; ".join(p.message for p in outcome.problems)
            rows.append(
                [_cell(municipality_name(outcome)), *["" for _ in factors], "error", _cell(reason)]
            )
        else:
            rows.append(
                [_cell(municipality_name(outcome)), *evaluation.levels, evaluation.overall, ""]
            )
    headers = ["Municipality", *[_cell(f.title) for f in factors], "Overall", "Note"]
    if not any(row[-1] for row in rows):
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    out.write(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True) + "\n")
    if len(collected) == 1 and collected[0].evaluation is not None:
        evaluation = collected[0].evaluation
        if evaluation.legal_floor:
            out.write("\n## Legal floor: duties not met\n\n")
            for criterion in evaluation.legal_floor:
                title = evaluation.factors[criterion.factor].title
                status = STATUS_WORDS[criterion.status]
                out.write(f"- § {_cell(title)}: {_cell(criterion.title)} — {status}\n")
        out.write("\n## Gaps to the next level\n\n")
        gap_rows = []
        for factor in evaluation.factors.values():
            for criterion in ordered_gap(factor):
                gap_rows.append(
                    [
                        _cell(factor.title),
                        f"{factor.next_level} ({progress_text(factor)})",
                        ("§ " if criterion.legal else "") + _cell(criterion.title),
                        STATUS_WORDS[criterion.status],
                        _cell(gap_note(criterion)),
                        _cell(criterion.ref or ""),
                    ]
                )
        if gap_rows:
            out.write(
                tabulate(
                    gap_rows,
                    headers=["Factor", "Next level", "Criterion", "Status", "Advice", "Ref"],
                    tablefmt="github",
                    disable_numparse=True,
                )
                + "\n"
            )
        else:
            out.write("Every factor is at its highest level.\n")
