"""Markdown: the summary table (and, for one document, its legal floor, gaps and what to
collect next) for wikis and pull requests. A level that is not settled shows as `2–4` (spec
9.4). The report's own words are translated (`modenhet.i18n`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.errors import Severity, visible
from modenhet.i18n import translator
from modenhet.report.fields import gap_note
from modenhet.report.table import (
    bounds_legend,
    factor_titles,
    level_cells,
    ordered_gap,
    progress_text,
    run_header,
)
from modenhet.report.words import Translate, status_word
from modenhet.results import Evaluation, MissingField
from modenhet.run.outcome import SEVERITIES, Outcome, RunInfo, municipality_name

_MARKDOWN = re.compile(r"[\\`\[\]|]")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PATH = re.compile(r"[\w.\[\]-]+")  # an evidence path as a rule writes it, safe in a code span


class Written(str):
    """Markdown this module wrote itself, from parts each escaped (`markdown_text`) or put in
    a code span (`markdown_code`): a table leaves it as it is."""


def markdown_text(text: Any) -> str:
    """Text from a document or a rule set, shown as itself in Markdown: on one line, control
    characters (CR, ESC, bidi) written as escapes (`modenhet.errors.visible`, as on the
    terminal), no HTML (`<script>` stays text in a wiki that renders raw HTML), and no link,
    image or code (`![img](url)` stays text: `[`, `]`, `` ` ``, `|` and `\\` are escaped with
    a backslash). Emphasis (`*`, `_`) is left: it loads nothing, and evidence paths such as
    `housing_social_fte` stay readable in the Markdown source."""
    shown = visible(str(text).replace("\r\n", " ").replace("\n", " "))
    shown = _MARKDOWN.sub(lambda match: "\\" + match.group(), shown)
    return "".join(_HTML.get(char, char) for char in shown)


def markdown_code(path: str) -> str:
    """An evidence path as code (`` `evidence.x` ``); one with any other character than a
    path's letters, digits, `_`, `.`, `-` and brackets as escaped text instead."""
    return f"`{path}`" if _PATH.fullmatch(path) else markdown_text(path)


def markdown_field(field: MissingField) -> str:
    """A missing field by its title, its path beside it in a code span."""
    if field.title:
        return f"{markdown_text(field.title)} ({markdown_code(field.path)})"
    return markdown_code(field.path)


def _table(rows: list[list[Any]], headers: list[str]) -> str:
    """A GitHub table, every cell and header escaped once (`markdown_text`) unless this
    module wrote it (`Written`)."""
    return tabulate(
        [
            [cell if isinstance(cell, Written) else markdown_text(cell) for cell in row]
            for row in rows
        ],
        headers=[markdown_text(header) for header in headers],
        tablefmt="github",
        disable_numparse=True,
    )


def problems_cell(outcome: Outcome, severity: Severity, _: Translate, lang: str) -> str:
    """A document's errors or warnings, whole, in the reader's language: the first ten, then
    how many more."""
    shown, more = outcome.problems_in_brief(pointers=False, severity=severity, lang=lang)
    if more:
        shown.append(_("(+%(count)s more)") % {"count": more})
    return "; ".join(shown)


def write_markdown(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    _ = translator(run.lang).gettext
    collected = list(outcomes)
    factors = run.ruleset.factors
    out.write("# " + _("Maturity report") + f"\n\n{markdown_text(run_header(run))}\n\n")
    rows: list[list[Any]] = []
    for outcome in collected:
        evaluation = outcome.evaluation
        name = municipality_name(outcome)
        problems = [problems_cell(outcome, severity, _, run.lang) for severity in SEVERITIES]
        if evaluation is None:
            rows.append([name, *["" for _factor in factors], _("error"), "", *problems])
        else:
            rows.append([name, *level_cells(evaluation), *problems])
    headers = [
        _("Municipality"),
        *[f.title for f in factors],
        _("Overall"),
        _("Decided"),
        _("Errors"),
        _("Warnings"),
    ]
    empty = [column for column in (-2, -1) if not any(row[column] for row in rows)]
    for column in sorted(empty):  # a column of problems only where some document has them
        headers.pop(column)
        for row in rows:
            row.pop(column)
    out.write(_table(rows, headers) + "\n")
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
            out.write(f"- § {markdown_text(title)}: {markdown_text(criterion.title)} — {status}\n")
    out.write("\n## " + _("Gaps to the next level") + "\n\n")
    gap_rows = [
        [
            factor.title,
            f"{factor.next_level} ({progress_text(factor, _)})",
            ("§ " if criterion.legal else "") + criterion.title,
            status_word(criterion.status, _),
            Written(gap_note(criterion, _markdown_translate(_), markdown_field)),
            criterion.ref or "",
        ]
        for factor in evaluation.factors.values()
        for criterion in ordered_gap(factor)
    ]
    if not gap_rows:
        out.write(_("Every factor is at its highest level.") + "\n")
        return
    headers = [_("Factor"), _("Next level"), _("Criterion"), _("Status"), _("Advice"), _("Ref")]
    out.write(_table(gap_rows, headers) + "\n")
    write_collect(evaluation, out, _)


def _markdown_translate(_: Translate) -> Translate:
    """The report's own words, escaped for Markdown (a translation may hold a `|`)."""
    return lambda message: markdown_text(_(message))


def write_collect(evaluation: Evaluation, out: TextIO, _: Translate) -> None:
    """What to collect next: every path, the ones that could unlock the most levels first;
    each by its title, its path beside it, and the factors by their titles."""
    items = evaluation.to_collect()
    if not items:
        return
    out.write("\n## " + _("What to collect next") + "\n\n")
    rows = [
        [
            item.title or "",
            Written(
                markdown_code(item.path)
                + (" " + markdown_text(_("(partly known)")) if item.partial else "")
            ),
            item.levels,
            factor_titles(evaluation, item),
        ]
        for item in items
    ]
    headers = [_("Field"), _("Evidence path"), _("Levels it could unlock"), _("Factors")]
    out.write(_table(rows, headers) + "\n")
