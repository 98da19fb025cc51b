"""`modenhet impact OLD NEW EVIDENCE...`: what a revision of the rules would do to real
submissions, before it is adopted.

The assessment itself is `modenhet.analyses.impact`; this module loads the two rule sets, reads
the evidence, reports the problems and hands the result to its renderer
(`modenhet.report.impact_table`, `modenhet.report.diff_json`).
"""

from __future__ import annotations

import datetime
import sys

import click

from modenhet import __version__
from modenhet.analyses.diff import NEW, OLD
from modenhet.analyses.impact import Impact, Rules, assess
from modenhet.cli import common
from modenhet.report import formats, renderer


@click.command()
@click.argument("old_rules", metavar="OLD")
@click.argument("new_rules", metavar="NEW")
@click.argument("evidence", nargs=-1, metavar="EVIDENCE...")
@common.AS_OF
@common.format_option("impact")
@common.OUTPUT
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="Exit with status 1 when any document's overall or factor level changes.",
)
@common.RECURSIVE
@common.MAX_BYTES
@common.LANG
def impact(
    *,
    old_rules: str,
    new_rules: str,
    evidence: tuple[str, ...],
    as_of: datetime.date,
    format_: str,
    output_path: str | None,
    fail_on_change: bool,
    recursive: bool,
    max_bytes: int,
    lang: str,
) -> None:
    """What a revision of the rules would do: evaluate every document under the OLD and the
    NEW rule set and list the municipalities whose levels change, with the criteria that
    caused it.

    OLD and NEW are .rules files. EVIDENCE is as for `modenhet evaluate`: .xlsx, .json and
    .jsonl files, folders, or - for standard input. Each document is validated against each rule
    set's own schema.

    \b
    Examples:
        modenhet impact rules/bustadsosialt.rules revised.rules samples/ --as-of 2025-06-30
        modenhet impact old.rules new.rules submissions/ -f json -o impact.json
    """
    from modenhet.errors import RuleFileError
    from modenhet.evidence.reader import iter_evidence
    from modenhet.language.loader import load_rule_files

    if not evidence:
        raise click.UsageError("name the evidence: files, folders or - for standard input")
    format_ = common.report_format(format_, output_path, formats("impact"))
    files = common.evidence_files(evidence, recursive=recursive)
    for path in (old_rules, new_rules):  # both readable before anything is reported
        try:
            load_rule_files(path)
        except RuleFileError as error:
            common.fail(error.render())
    sides: list[Rules] = []
    for label, path in ((OLD, old_rules), (NEW, new_rules)):
        try:  # load_rules prints the diagnostics and exits 1: report both sides first
            sides.append(Rules(label, path, common.load_rules(path)))
        except SystemExit as stop:
            if stop.code != common.PROBLEM:
                raise
            common.stderr(f"error: {label} ({path}) does not check (see `modenhet check {path}`)")
    if len(sides) < 2:
        common.stderr("error: nothing was evaluated")
        sys.exit(common.PROBLEM)
    old, new = sides
    common.check_output(
        output_path,
        [*files, *common.rule_set_files(old.ruleset), *common.rule_set_files(new.ruleset)],
    )

    result = assess(old, new, iter_evidence(files, limit=max_bytes), as_of)
    for problem in result.problems:
        common.stderr(problem.render())
    with common.output(output_path) as out:
        renderer("impact", format_)(result, out, lang=lang, tool_version=__version__)
    sys.exit(_status(result, fail_on_change))


def _status(result: Impact, fail_on_change: bool) -> int:
    """The exit status, after saying what was wrong."""
    if result.documents == 0:
        common.stderr(
            "error: no evidence documents found (a folder is read for .xlsx, .json and .jsonl)"
        )
        return common.PROBLEM
    if fail_on_change and result.changed:
        names = ", ".join(d.display for d in result.changed)
        common.stderr(f"error: {len(result.changed)} document(s) change level: {names}")
        return common.PROBLEM
    return common.PROBLEM if result.has_errors else common.OK
