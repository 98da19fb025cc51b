"""`modenhet compare OLD NEW`: what changed since last time, municipality by municipality.

The comparison itself is `modenhet.compare`; this module reads the options, decides which date
and rule set each side is evaluated with, and writes the table or the JSON.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import TextIO

import click
from click.core import ParameterSource
from tabulate import tabulate

from modenhet import __version__
from modenhet.cli.common import (
    AS_OF,
    MAX_BYTES,
    OK,
    PROBLEM,
    RECURSIVE,
    RULES,
    evidence_files,
    fail,
    load_rules,
    output,
    stderr,
)
from modenhet.compare import (
    NEW,
    OLD,
    Comparison,
    MunicipalityChange,
    Side,
    evaluate_side,
    mismatch,
    read_side,
)
from modenhet.compare import compare as compare_sides

ARROWS = {"up": "↑", "down": "↓", "same": "="}


def _parse_date(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> datetime.date | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@RULES
@AS_OF
@click.option(
    "--old-as-of",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="Evaluate OLD evidence at this date instead (e.g. last year's). Default: --as-of.",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="The report format.",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit with status 1 when any municipality's overall level went down.",
)
@RECURSIVE
@MAX_BYTES
def compare(
    *,
    old: str,
    new: str,
    rules: str | None,
    as_of: datetime.date,
    old_as_of: datetime.date | None,
    format_: str,
    output_path: str | None,
    fail_on_regression: bool,
    recursive: bool,
    max_bytes: int,
) -> None:
    """Compare two runs: each factor's level then and now, the criteria that changed.

    OLD and NEW are each an evidence file, a folder of evidence (or a .jsonl file), or a JSON
    report of `modenhet evaluate -f json`, told apart by content. Documents are matched by
    municipality number. Evidence is evaluated at --as-of (OLD evidence at --old-as-of when
    given); a report carries its own date and rule set.

    \b
    Examples:
        modenhet compare molde-2024.json molde-2025.json --as-of 2025-06-30
        modenhet compare 2024/ 2025/ --old-as-of 2024-06-30 --as-of 2025-06-30
        modenhet compare report-2024.json 2025/ -f json --fail-on-regression
    """
    if old == "-" and new == "-":
        fail("error: only one of OLD and NEW can be - (standard input)")
    evidence_files((old, new), recursive=recursive)  # exit 2 for a path that does not exist
    before = read_side(OLD, old, recursive=recursive, limit=max_bytes)
    after = read_side(NEW, new, recursive=recursive, limit=max_bytes)
    reason = mismatch(before, after)
    if reason is not None:
        fail(reason)

    ctx = click.get_current_context()
    notes: list[str] = []
    if before.is_evidence or after.is_evidence:
        ruleset = load_rules(rules)
        if before.is_evidence:
            evaluate_side(before, ruleset, old_as_of or as_of)
        if after.is_evidence:
            evaluate_side(after, ruleset, as_of)
    elif rules is not None:
        notes.append("warning: -r/--rules is not used: both OLD and NEW are reports")
    if old_as_of is not None and not before.is_evidence:
        notes.append(f"warning: --old-as-of is not used: OLD ({old}) is not evidence")
    explicit = ctx.get_parameter_source("as_of") != ParameterSource.DEFAULT
    if explicit and not after.is_evidence and not (before.is_evidence and old_as_of is None):
        notes.append(f"warning: --as-of is not used: NEW ({new}) is not evidence")

    comparison = compare_sides(before, after)  # the read errors first, then the matching's
    for problem in comparison.problems:
        stderr(problem.render())
    for note in notes:
        stderr(note)
    with output(output_path) as out:
        if format_ == "json":
            text = json.dumps(comparison.to_dict(__version__), ensure_ascii=False, indent=2)
            out.write(text + "\n")
        else:
            write_table(comparison, out)
    sys.exit(_status(comparison, fail_on_regression))


def _status(comparison: Comparison, fail_on_regression: bool) -> int:
    """The exit status, after saying what was wrong."""
    if not (comparison.old.entries or comparison.new.entries):
        stderr("error: no documents to compare (a folder is read for .json and .jsonl)")
        return PROBLEM
    regressed = comparison.regressed
    if fail_on_regression and regressed:
        names = ", ".join(f"{m.display} {m.overall.old} → {m.overall.new}" for m in regressed)
        stderr(f"error: {len(regressed)} municipality(ies) regressed (overall level): {names}")
        return PROBLEM
    return PROBLEM if comparison.has_errors else OK


# ----------------------------------------------------------------------------------- table


def write_table(comparison: Comparison, out: TextIO) -> None:
    """For people: the two sides, each municipality's factors then and now and the criteria
    that changed, then (unless one municipality is all there is) the summary."""
    lines = [_side_line(comparison.old), _side_line(comparison.new)]
    lines += [f"Warning: {w.message}" for w in comparison.warnings]
    out.write("\n".join(lines) + "\n")
    for change in comparison.municipalities:
        out.write("\n" + _municipality(change))
    single = (
        len(comparison.municipalities) == 1
        and not comparison.only_old
        and not comparison.only_new
        and not comparison.not_compared
    )
    if not single:
        out.write("\n" + _summary(comparison))


def _side_line(side: Side) -> str:
    if not side.usable:
        return f"{side.label}: {side.path} · could not be read"
    parts = [f"{side.label}: {side.path}", side.describe()]
    if side.as_of is not None:
        parts.append(f"as of {side.as_of.isoformat()}")
    if side.ruleset is not None:
        parts.append(f"rule set {side.ruleset}")
    return " · ".join(parts)


def _level(level: int | None, label: str | None) -> str:
    if level is None:
        return "—"
    return f"{level} {label}" if label else str(level)


def _municipality(change: MunicipalityChange) -> str:
    overall = change.overall
    arrow = ARROWS.get(overall.change or "", "")
    lines = [
        f"{change.display} · {change.old.source} → {change.new.source}",
        f"Overall level: {_level(overall.old, overall.old_label)} → "
        f"{_level(overall.new, overall.new_label)} {arrow}".rstrip(),
        "",
    ]
    rows = [
        [
            factor.title,
            _level(factor.levels.old, factor.levels.old_label),
            _level(factor.levels.new, factor.levels.new_label),
            ARROWS.get(factor.levels.change or "", "—"),
        ]
        for factor in change.factors
    ]
    lines.append(tabulate(rows, headers=["Factor", "Then", "Now", "Change"], disable_numparse=True))
    lines.append("")
    if not change.criteria:
        lines.append("No criterion changed its status.")
    else:
        rows = [
            [
                f"{c.factor}.{c.id}",
                c.title,
                str(c.level),
                f"{c.old or '—'} → {c.new or '—'}",
            ]
            for c in change.criteria
        ]
        lines.append(
            tabulate(
                rows,
                headers=["Criterion", "Title", "Level", "Status then → now"],
                disable_numparse=True,
                maxcolwidths=[None, 50, None, None],
            )
        )
    return "\n".join(lines) + "\n"


def _summary(comparison: Comparison) -> str:
    summary = comparison.summary()
    overall = summary["overall"]
    lines = [
        f"Summary: {summary['compared']} municipalit{'y' if summary['compared'] == 1 else 'ies'}"
        f" compared: {overall['improved']} improved, {overall['regressed']} regressed, "
        f"{overall['unchanged']} unchanged (overall level)",
    ]
    if comparison.municipalities:
        rows = [
            [factor_id, str(c["improved"]), str(c["regressed"]), str(c["unchanged"])]
            for factor_id, c in summary["factors"].items()
        ]
        rows.append(
            [
                "overall",
                str(overall["improved"]),
                str(overall["regressed"]),
                str(overall["unchanged"]),
            ]
        )
        lines += [
            "",
            tabulate(
                rows,
                headers=["Level change", "improved", "regressed", "unchanged"],
                disable_numparse=True,
            ),
        ]
    lines.append("")
    lines.append(_listing("Only in OLD", [e.display for e in comparison.only_old]))
    lines.append(_listing("Only in NEW", [e.display for e in comparison.only_new]))
    if comparison.not_compared:
        lines.append("Not compared:")
        lines += [f"  {u.display} — {u.reason}" for u in comparison.not_compared]
    else:
        lines.append("Not compared: none")
    return "\n".join(lines) + "\n"


def _listing(title: str, names: list[str]) -> str:
    return f"{title}: {', '.join(names) if names else 'none'}"
