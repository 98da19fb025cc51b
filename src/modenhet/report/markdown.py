"""Markdown: the summary table (and, for one document, its legal floor, gaps and what to
collect next) for wikis and pull requests. A level that is not settled shows as `2–4` (spec
9.4). The report's own words are translated (`modenhet.i18n`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.i18n import translator
from modenhet.report.table import (
    bounds_legend,
    collect_path,
    gap_note,
    level_cells,
    ordered_gap,
    progress_text,
    run_header,
)
from modenhet.report.words import Translate, status_word
from modenhet.results import Evaluation
from modenhet.run.outcome import Outcome, RunInfo, municipality_name


def _cell(text: Any) -> str:
    """Text in a table cell: `|` escaped, one line, and no HTML (a wiki that renders raw HTML
    in Markdown must show `<script>` from a document as text)."""
    cell = str(text).replace("|", "\\|").replace("\n", " ")
    return cell.replace("<", "&lt;").replace(">", "&gt;")


def write_markdown(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    _ = translator(run.lang).gettext
    collected = list(outcomes)
    factors = run.ruleset.factors
    out.write("# " + _("Maturity report") + f"\n\n{run_header(run)}\n\n")
    rows: list[list[Any]] = []
    for outcome in collected:
        evaluation = outcome.evaluation
        name = _cell(municipality_name(outcome))
        if evaluation is None:
            shown, more = outcome.problems_in_brief(pointers=False)
            if more:
                shown.append(_("(+%(count)s more)") % {"count": more})
            reason = "; ".join(shown)
            rows.append([name, *["" for _factor in factors], _("error"), "", _cell(reason)])
        else:
            rows.append([name, *level_cells(evaluation), ""])
    headers = [
        _("Municipality"),
        *[_cell(f.title) for f in factors],
        _("Overall"),
        _("Decided"),
        _("Note"),
    ]
    if not any(row[-1] for row in rows):
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    out.write(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True) + "\n")
    if any(o.evaluation is not None and o.evaluation.bounded for o in collected):
        out.write("\n" + bounds_legend(_) + "\n")
    if len(collected) != 1 or collected[0].evaluation is None:
        return
    evaluation = collected[0].evaluation
    if evaluation.legal_floor:
        out.write("\n## " + _("Legal floor: duties not met") + "\n\n")
        for criterion in evaluation.legal_floor:
            title = evaluation.factors[criterion.factor].title
            status = status_word(criterion.status, _)
            out.write(f"- § {_cell(title)}: {_cell(criterion.title)} — {status}\n")
    out.write("\n## " + _("Gaps to the next level") + "\n\n")
    gap_rows = [
        [
            _cell(factor.title),
            f"{factor.next_level} ({progress_text(factor, _)})",
            ("§ " if criterion.legal else "") + _cell(criterion.title),
            status_word(criterion.status, _),
            _cell(gap_note(criterion, _)),
            _cell(criterion.ref or ""),
        ]
        for factor in evaluation.factors.values()
        for criterion in ordered_gap(factor)
    ]
    if not gap_rows:
        out.write(_("Every factor is at its highest level.") + "\n")
        return
    headers = [_("Factor"), _("Next level"), _("Criterion"), _("Status"), _("Advice"), _("Ref")]
    out.write(tabulate(gap_rows, headers=headers, tablefmt="github", disable_numparse=True) + "\n")
    write_collect(evaluation, out, _)


def write_collect(evaluation: Evaluation, out: TextIO, _: Translate) -> None:
    """What to collect next: every path, the ones that could unlock the most levels first."""
    items = evaluation.to_collect()
    if not items:
        return
    out.write("\n## " + _("What to collect next") + "\n\n")
    rows = [
        [
            _cell(collect_path(item, _)),
            _cell(item.title or ""),
            item.levels,
            ", ".join(factor for factor, _levels in item.factors),
        ]
        for item in items
    ]
    headers = [_("Evidence path"), _("Field"), _("Levels it could unlock"), _("Factors")]
    out.write(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True) + "\n")
