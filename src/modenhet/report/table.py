"""The terminal table: for one document the legal floor, each factor's level and, under it, the
gap with each missing criterion's title, status and advice; for several, one summary row per
municipality and how many stand at each level. The report's own words are translated
(`modenhet.i18n`); titles, labels and advice are shown as the rule set writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.errors import visible
from modenhet.i18n import translator
from modenhet.report.words import Translate, status_word
from modenhet.results import CriterionResult, Evaluation, FactorResult
from modenhet.run.outcome import Outcome, RunInfo, municipality_name


def run_header(run: RunInfo) -> str:
    _ = translator(run.lang).gettext
    version = f" {run.ruleset.version}" if run.ruleset.version else ""
    return _("Rule set: %(name)s · as of %(date)s") % {
        "name": f"{run.ruleset.name}{version}",
        "date": run.as_of.isoformat(),
    }


def write_table(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    collected = list(outcomes)
    _ = translator(run.lang).gettext
    # For a terminal: control characters in titles or evidence values are made visible.
    out.write(visible(run_header(run), keep="\n") + "\n\n")
    if len(collected) == 1 and collected[0].evaluation is not None:
        out.write(visible(single(collected[0], collected[0].evaluation, _), keep="\n"))
    else:
        out.write(visible(summary(run, collected, _), keep="\n"))


def gap_note(criterion: CriterionResult, _: Translate) -> str:
    """What the reader needs to act: the missing paths or the error, then the advice."""
    if criterion.status == "error" and criterion.message:
        return criterion.message
    note = criterion.advice or ""
    if criterion.status == "unknown" and criterion.missing:
        missing = _("missing %(paths)s.") % {"paths": ", ".join(criterion.missing)}
        note = f"{missing} {note}".strip()
    return note


def ordered_gap(factor: FactorResult) -> list[CriterionResult]:
    """The gap with legal duties first."""
    return sorted(factor.gap, key=lambda criterion: not criterion.legal)


def progress_text(factor: FactorResult, _: Translate) -> str:
    progress = factor.progress
    if progress is None:
        return _("highest level")
    return _("%(met)s of %(of)s met") % {"met": progress[0], "of": progress[1]}


def single(outcome: Outcome, evaluation: Evaluation, _: Translate) -> str:
    lines = [
        f"{municipality_name(outcome)} · {outcome.source}",
        _("Overall level: %(level)s %(label)s")
        % {"level": evaluation.overall, "label": evaluation.overall_label},
        "",
    ]
    floor = evaluation.legal_floor
    if floor:
        lines.append(_("Legal floor: duties not met (§)"))
        for criterion in floor:
            title = evaluation.factors[criterion.factor].title
            lines.append(f"  § {title}: {criterion.title} — {status_word(criterion.status, _)}")
        lines.append("")
    rows: list[list[Any]] = []
    for factor in evaluation.factors.values():
        level = f"{factor.level} {factor.label}"
        rows.append([factor.title, level, progress_text(factor, _), ""])
        for criterion in ordered_gap(factor):
            mark = "§ " if criterion.legal else ""
            title = f"→ {factor.next_level}: {mark}{criterion.title}"
            rows.append([title, "", status_word(criterion.status, _), gap_note(criterion, _)])
    table = tabulate(
        rows,
        headers=[_("Factor / gap to the next level"), _("Level"), _("Status"), _("Advice")],
        disable_numparse=True,
        maxcolwidths=[46, None, None, 56],
    )
    return "\n".join(lines) + "\n" + table + "\n"


def distribution(run: RunInfo, evaluations: list[Evaluation], _: Translate) -> str:
    """How many municipalities stand at each level, per factor and overall."""
    levels = [level.number for level in run.ruleset.levels]
    rows = []
    for number, factor in enumerate(run.ruleset.factors):
        counts = [sum(e.levels[number] == level for e in evaluations) for level in levels]
        rows.append([factor.id, *counts])
    overall = [sum(e.overall == level for e in evaluations) for level in levels]
    rows.append([_("overall"), *overall])
    headers = [_("Documents at level"), *[str(level) for level in levels]]
    return tabulate(rows, headers=headers, disable_numparse=True)


def summary(run: RunInfo, outcomes: list[Outcome], _: Translate) -> str:
    factors = [f.id for f in run.ruleset.factors]
    rows: list[list[Any]] = []
    failed = 0
    for outcome in outcomes:
        evaluation = outcome.evaluation
        if evaluation is None:
            failed += 1
            reason = outcome.problems[0].message if outcome.problems else _("error")
            more = len(outcome.problems) - 1
            if more:
                reason = f"{reason[:60]} " + _("(+%(count)s more)") % {"count": more}
            rows.append(
                [municipality_name(outcome), *["" for _factor in factors], _("error"), reason[:80]]
            )
            continue
        rows.append([municipality_name(outcome), *evaluation.levels, evaluation.overall, ""])
    headers = [_("Municipality"), *factors, _("overall"), _("note")]
    if not any(row[-1] for row in rows):
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    table = tabulate(rows, headers=headers, disable_numparse=True)
    counts = {"count": len(outcomes), "evaluated": len(outcomes) - failed, "failed": failed}
    footer = "\n" + _("%(count)s documents: %(evaluated)s evaluated, %(failed)s failed") % counts
    legend = "\n" + _("Factors:") + " "
    legend += ", ".join(f"{f.id} = {f.title}" for f in run.ruleset.factors)
    evaluations = [o.evaluation for o in outcomes if o.evaluation is not None]
    spread = "\n\n" + distribution(run, evaluations, _) if evaluations else ""
    return table + "\n" + footer + legend + spread + "\n"
