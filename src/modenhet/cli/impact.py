"""`modenhet impact OLD NEW EVIDENCE...`: what a revision of the rules would do to real
submissions, before it is adopted.

The assessment itself is `modenhet.impact`; this module loads the two rule sets, reads the
evidence, reports the problems and writes the table or the JSON.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import TextIO

import click
from tabulate import tabulate

from modenhet import __version__
from modenhet.cli.common import (
    AS_OF,
    MAX_BYTES,
    OK,
    PROBLEM,
    RECURSIVE,
    evidence_files,
    fail,
    load_rules,
    output,
    stderr,
)
from modenhet.impact import NEW, OLD, DocumentImpact, Impact, LevelPair, Rules, assess

ARROWS = {"up": "↑", "down": "↓", "same": "=", "added": "added", "removed": "removed"}


@click.command()
@click.argument("old_rules", metavar="OLD")
@click.argument("new_rules", metavar="NEW")
@click.argument("evidence", nargs=-1, metavar="EVIDENCE...")
@AS_OF
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
    "--fail-on-change",
    is_flag=True,
    help="Exit with status 1 when any document's overall or factor level changes.",
)
@RECURSIVE
@MAX_BYTES
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
) -> None:
    """What a revision of the rules would do: evaluate every document under the OLD and the
    NEW rule set and list the municipalities whose levels change, with the criteria that
    caused it.

    OLD and NEW are .rules files. EVIDENCE is as for `modenhet evaluate`: .json and .jsonl
    files, folders, or - for standard input. Each document is validated against each rule
    set's own schema.

    \b
    Examples:
        modenhet impact rules/bustadsosialt.rules revised.rules samples/ --as-of 2025-06-30
        modenhet impact old.rules new.rules submissions/ -f json -o impact.json
    """
    from modenhet.errors import RuleFileError
    from modenhet.evidence import iter_evidence
    from modenhet.loader import load_rule_files

    if not evidence:
        raise click.UsageError("name the evidence: files, folders or - for standard input")
    files = evidence_files(evidence, recursive=recursive)
    for path in (old_rules, new_rules):  # both readable before anything is reported
        try:
            load_rule_files(path)
        except RuleFileError as error:
            fail(error.render())
    sides: list[Rules] = []
    for label, path in ((OLD, old_rules), (NEW, new_rules)):
        try:  # load_rules prints the diagnostics and exits 1: report both sides first
            sides.append(Rules(label, path, load_rules(path)))
        except SystemExit as stop:
            if stop.code != PROBLEM:
                raise
            stderr(f"error: {label} ({path}) does not check (see `modenhet check {path}`)")
    if len(sides) < 2:
        stderr("error: nothing was evaluated")
        sys.exit(PROBLEM)
    old, new = sides

    result = assess(old, new, iter_evidence(files, limit=max_bytes), as_of)
    for problem in result.problems:
        stderr(problem.render())
    with output(output_path) as out:
        if format_ == "json":
            text = json.dumps(result.to_dict(__version__), ensure_ascii=False, indent=2)
            out.write(text + "\n")
        else:
            write_table(result, out)
    sys.exit(_status(result, fail_on_change))


def _status(result: Impact, fail_on_change: bool) -> int:
    """The exit status, after saying what was wrong."""
    if result.documents == 0:
        stderr("error: no evidence documents found (a folder is read for .json and .jsonl)")
        return PROBLEM
    if fail_on_change and result.changed:
        names = ", ".join(d.display for d in result.changed)
        stderr(f"error: {len(result.changed)} document(s) change level: {names}")
        return PROBLEM
    return PROBLEM if result.has_errors else OK


# ----------------------------------------------------------------------------------- table


def write_table(result: Impact, out: TextIO) -> None:
    """For people: the two rule sets, each document that changes level with the factors and
    criteria that changed, then the summary."""
    lines = [
        f"OLD: {result.old.path} · rule set {result.old.info}",
        f"NEW: {result.new.path} · rule set {result.new.info}",
        f"Evidence: {_documents(result.documents)} · as of {result.as_of.isoformat()}",
    ]
    out.write("\n".join(lines) + "\n")
    for document in result.changed:
        out.write("\n" + _document(document))
    if not result.changed and result.compared:
        out.write("\nNo document changes level.\n")
    out.write("\n" + _summary(result))


def _documents(count: int) -> str:
    return f"{count} document{'' if count == 1 else 's'}"


def _level(level: int | None, label: str | None) -> str:
    if level is None:
        return "—"
    return f"{level} {label}" if label else str(level)


def _arrow(levels: LevelPair) -> str:
    return ARROWS[levels.change]


def _document(document: DocumentImpact) -> str:
    overall = document.overall
    lines = [
        f"{document.display} · {document.source}",
        f"Overall level: {_level(overall.old, overall.old_label)} → "
        f"{_level(overall.new, overall.new_label)} {_arrow(overall)}",
        "",
    ]
    rows = [
        [
            factor.title,
            _level(factor.levels.old, factor.levels.old_label),
            _level(factor.levels.new, factor.levels.new_label),
            _arrow(factor.levels),
        ]
        for factor in document.changed_factors
    ]
    if rows:
        headers = ["Factor", "OLD", "NEW", "Change"]
        lines += [tabulate(rows, headers=headers, disable_numparse=True), ""]
    if not document.criteria:
        if any(f.levels.change in ("added", "removed") for f in document.factors):
            lines.append(
                "No criterion of a factor both rule sets have changed: the factors added or "
                "removed make the difference."
            )
        else:
            lines.append(
                "No criterion changed: the rule sets differ in their levels, level blocks, "
                "weights or overall method."
            )
    else:
        rows = [
            [
                criterion.key,
                criterion.title,
                _criterion_level(criterion.old_level, criterion.new_level),
                f"{criterion.old or '—'} → {criterion.new or '—'}"
                + ("" if criterion.change == "changed" else f" ({criterion.change})"),
            ]
            for criterion in document.criteria
        ]
        lines.append(
            tabulate(
                rows,
                headers=["Criterion", "Title", "Level", "Status OLD → NEW"],
                disable_numparse=True,
                maxcolwidths=[None, 45, None, None],
            )
        )
    return "\n".join(lines) + "\n"


def _criterion_level(old: int | None, new: int | None) -> str:
    if old is None or new is None or old == new:
        return str(new if old is None else old)
    return f"{old} → {new}"


def _summary(result: Impact) -> str:
    summary = result.summary()
    overall = summary["overall"]
    lines = [
        f"Summary: {_documents(summary['documents'])}, {summary['compared']} compared: "
        f"{summary['changed']} change level, {summary['unchanged']} unchanged; "
        f"overall level {overall['up']} up, {overall['down']} down",
    ]
    if summary["compared"]:
        rows = []
        for factor_id, counts in summary["factors"].items():
            if counts["added"] or counts["removed"]:
                side = "NEW" if counts["added"] else "OLD"
                rows.append([f"{factor_id} (only in {side})", "—", "—", "—"])
            else:
                rows.append(
                    [factor_id, str(counts["up"]), str(counts["down"]), str(counts["same"])]
                )
        rows.append(["overall", str(overall["up"]), str(overall["down"]), str(overall["same"])])
        headers = ["Level change", "up", "down", "unchanged"]
        lines += ["", tabulate(rows, headers=headers, disable_numparse=True)]
        lines += ["", *_criteria_summary(result)]
    lines.append("")
    if result.not_compared:
        lines.append("Not compared:")
        lines += [f"  {u.display} — {u.reason()}" for u in result.not_compared]
    else:
        lines.append("Not compared: none")
    return "\n".join(lines) + "\n"


def _criteria_summary(result: Impact) -> list[str]:
    tallies = result.criteria_changed
    if not tallies:
        return ["No criterion changes its status for any document."]
    rows = []
    for tally in tallies:
        if tally.change == "added":
            rules = f"only in NEW (level {tally.new_level})"
        elif tally.change == "removed":
            rules = f"only in OLD (level {tally.old_level})"
        else:
            rules = f"level {_criterion_level(tally.old_level, tally.new_level)}"
        moves = "\n".join(
            f"{old or '—'} → {new or '—'}: {count}" for old, new, count in tally.sorted_moves()
        )
        rows.append([tally.key, rules, str(sum(tally.moves.values())), moves])
    headers = ["Criterion", "In the rules", "Documents", "Status OLD → NEW"]
    title = "Criteria that differ, over every compared document:"
    return [title, "", tabulate(rows, headers=headers, disable_numparse=True)]
