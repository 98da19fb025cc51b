"""`modenhet compare OLD NEW`: what changed since last time, municipality by municipality.

The comparison itself is `modenhet.analyses.compare`; this module reads the options, decides
which date and rule set each side is evaluated with, and hands the result to its renderer
(`modenhet.report.compare_table`, `modenhet.report.diff_json`).
"""

from __future__ import annotations

import datetime
import sys

import click
from click.core import ParameterSource

from modenhet import __version__
from modenhet.analyses.compare import Comparison, evaluate_side, mismatch, read_side
from modenhet.analyses.compare import compare as compare_sides
from modenhet.analyses.diff import NEW, OLD
from modenhet.cli.common import (
    AS_OF,
    LANG,
    MAX_BYTES,
    OK,
    OUTPUT,
    PROBLEM,
    RECURSIVE,
    RULES,
    check_output,
    evidence_files,
    fail,
    format_option,
    load_rules,
    output,
    parse_date,
    report_format,
    rule_set_files,
    stderr,
)
from modenhet.report import formats, renderer


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@RULES
@AS_OF
@click.option(
    "--old-as-of",
    metavar="YYYY-MM-DD",
    callback=parse_date,
    help="Evaluate OLD evidence at this date instead (e.g. last year's). Default: --as-of.",
)
@format_option("compare")
@OUTPUT
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit with status 1 when any municipality's overall level went down.",
)
@RECURSIVE
@MAX_BYTES
@LANG
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
    lang: str,
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
    format_ = report_format(format_, output_path, formats("compare"))
    if old == "-" and new == "-":
        fail("error: only one of OLD and NEW can be - (standard input)")
    # Exit 2 for a missing path; OLD and NEW may be reports.
    inputs = evidence_files((old, new), recursive=recursive, skip_reports=False)
    before = read_side(OLD, old, recursive=recursive, limit=max_bytes)
    after = read_side(NEW, new, recursive=recursive, limit=max_bytes)
    reason = mismatch(before, after)
    if reason is not None:
        fail(reason)

    ctx = click.get_current_context()
    notes: list[str] = []
    if before.is_evidence or after.is_evidence:
        ruleset = load_rules(rules)
        inputs += rule_set_files(ruleset)
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

    check_output(output_path, inputs)
    comparison = compare_sides(before, after)  # the read errors first, then the matching's
    for problem in comparison.problems:
        stderr(problem.render())
    for note in notes:
        stderr(note)
    with output(output_path) as out:
        renderer("compare", format_)(comparison, out, lang=lang, tool_version=__version__)
    sys.exit(_status(comparison, fail_on_regression))


def _status(comparison: Comparison, fail_on_regression: bool) -> int:
    """The exit status, after saying what was wrong."""
    if not (comparison.old.entries or comparison.new.entries):
        stderr("error: no documents to compare (a folder is read for .xlsx, .json and .jsonl)")
        return PROBLEM
    regressed = comparison.regressed
    if fail_on_regression and regressed:
        names = ", ".join(f"{m.display} {m.overall.old} → {m.overall.new}" for m in regressed)
        stderr(f"error: {len(regressed)} municipality(ies) regressed (overall level): {names}")
        return PROBLEM
    return PROBLEM if comparison.has_errors else OK
