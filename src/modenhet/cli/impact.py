"""`modenhet impact OLD NEW EVIDENCE...`: what a revision of the rules would do to real
submissions, before it is adopted.

The assessment itself is `modenhet.impact`; this module loads the two rule sets, reads the
evidence, reports the problems and writes the table or the JSON.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import TYPE_CHECKING, TextIO

import click
from tabulate import tabulate

from modenhet import __version__
from modenhet.cli.common import (
    AS_OF,
    LANG,
    MAX_BYTES,
    OK,
    OUTPUT,
    PROBLEM,
    RECURSIVE,
    check_output,
    evidence_files,
    fail,
    load_rules,
    output,
    report_format,
    rule_set_files,
    stderr,
)
from modenhet.i18n import DEFAULT_LANGUAGE, translator
from modenhet.impact import NEW, OLD, Change, DocumentImpact, Impact, Rules, assess
from modenhet.report.table import ARROWS, Translate, status_word

if TYPE_CHECKING:
    from gettext import NullTranslations


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
@OUTPUT
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="Exit with status 1 when any document's overall or factor level changes.",
)
@RECURSIVE
@MAX_BYTES
@LANG
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
    from modenhet.evidence import iter_evidence
    from modenhet.loader import load_rule_files

    if not evidence:
        raise click.UsageError("name the evidence: files, folders or - for standard input")
    format_ = report_format(format_, output_path, ("table", "json"))
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
    check_output(output_path, [*files, *rule_set_files(old.ruleset), *rule_set_files(new.ruleset)])

    result = assess(old, new, iter_evidence(files, limit=max_bytes), as_of)
    for problem in result.problems:
        stderr(problem.render())
    with output(output_path) as out:
        if format_ == "json":
            text = json.dumps(result.to_dict(__version__), ensure_ascii=False, indent=2)
            out.write(text + "\n")
        else:
            write_table(result, out, lang)
    sys.exit(_status(result, fail_on_change))


def _status(result: Impact, fail_on_change: bool) -> int:
    """The exit status, after saying what was wrong."""
    if result.documents == 0:
        stderr("error: no evidence documents found (a folder is read for .xlsx, .json and .jsonl)")
        return PROBLEM
    if fail_on_change and result.changed:
        names = ", ".join(d.display for d in result.changed)
        stderr(f"error: {len(result.changed)} document(s) change level: {names}")
        return PROBLEM
    return PROBLEM if result.has_errors else OK


# ----------------------------------------------------------------------------------- table


def write_table(result: Impact, out: TextIO, lang: str = DEFAULT_LANGUAGE) -> None:
    """For people, in their language: the two rule sets, each document that changes level with
    the factors and criteria that changed, then the summary. Titles and labels are the rule
    sets'; diagnostics quoted as reasons stay as they are."""
    translations = translator(lang)
    _, ngettext = translations.gettext, translations.ngettext
    evidence = ngettext(
        "Evidence: %(count)s document", "Evidence: %(count)s documents", result.documents
    )
    lines = [
        f"OLD: {result.old.path} · " + _("rule set %(name)s") % {"name": result.old.info},
        f"NEW: {result.new.path} · " + _("rule set %(name)s") % {"name": result.new.info},
        evidence % {"count": result.documents}
        + " · "
        + _("as of %(date)s") % {"date": result.as_of.isoformat()},
    ]
    out.write("\n".join(lines) + "\n")
    for document in result.changed:
        out.write("\n" + _document(document, _))
    if not result.changed and result.compared:
        out.write("\n" + _("No document changes level.") + "\n")
    out.write("\n" + _summary(result, translations))


def _level(level: int | None, label: str | None) -> str:
    if level is None:
        return "—"
    return f"{level} {label}" if label else str(level)


def _arrow(change: Change, _: Translate) -> str:
    """A symbol for a level that moved or stayed, a word for a factor only one side has."""
    words = {"added": _("added"), "removed": _("removed")}
    return words.get(change) or ARROWS[change]


def _status_word(status: str | None, _: Translate) -> str:
    return "—" if status is None else status_word(status, _)


def _document(document: DocumentImpact, _: Translate) -> str:
    overall = document.overall
    levels = {
        "old": _level(overall.old, overall.old_label),
        "new": _level(overall.new, overall.new_label),
    }
    lines = [
        f"{document.display} · {document.source}",
        _("Overall level: %(old)s → %(new)s") % levels + f" {_arrow(overall.change, _)}",
        "",
    ]
    rows = [
        [
            factor.title,
            _level(factor.levels.old, factor.levels.old_label),
            _level(factor.levels.new, factor.levels.new_label),
            _arrow(factor.levels.change, _),
        ]
        for factor in document.changed_factors
    ]
    if rows:
        headers = [_("Factor"), "OLD", "NEW", _("Change")]
        lines += [tabulate(rows, headers=headers, disable_numparse=True), ""]
    if not document.criteria:
        if any(f.levels.change in ("added", "removed") for f in document.factors):
            lines.append(
                _(
                    "No criterion of a factor both rule sets have changed: the factors added or "
                    "removed make the difference."
                )
            )
        else:
            lines.append(
                _(
                    "No criterion changed: the rule sets differ in their levels, level blocks, "
                    "weights or overall method."
                )
            )
    else:
        rows = [
            [
                criterion.key,
                criterion.title,
                _criterion_level(criterion.old_level, criterion.new_level),
                f"{_status_word(criterion.old, _)} → {_status_word(criterion.new, _)}"
                + ("" if criterion.change == "changed" else f" ({_arrow(criterion.change, _)})"),
            ]
            for criterion in document.criteria
        ]
        lines.append(
            tabulate(
                rows,
                headers=[_("Criterion"), _("Title"), _("Level"), _("Status OLD → NEW")],
                disable_numparse=True,
                maxcolwidths=[None, 45, None, None],
            )
        )
    return "\n".join(lines) + "\n"


def _criterion_level(old: int | None, new: int | None) -> str:
    if old is None or new is None or old == new:
        return str(new if old is None else old)
    return f"{old} → {new}"


def _summary(result: Impact, translations: NullTranslations) -> str:
    _, ngettext = translations.gettext, translations.ngettext
    summary = result.summary()
    overall = summary["overall"]
    headline = ngettext(
        "Summary: %(count)s document, %(compared)s compared: %(changed)s change level, "
        "%(unchanged)s unchanged; overall level %(up)s up, %(down)s down",
        "Summary: %(count)s documents, %(compared)s compared: %(changed)s change level, "
        "%(unchanged)s unchanged; overall level %(up)s up, %(down)s down",
        summary["documents"],
    )
    figures = {key: summary[key] for key in ("compared", "changed", "unchanged")}
    lines = [headline % {"count": summary["documents"], **figures, **overall}]
    if summary["compared"]:
        rows = []
        for factor_id, counts in summary["factors"].items():
            if counts["added"] or counts["removed"]:
                side = "NEW" if counts["added"] else "OLD"
                only = _("%(factor)s (only in %(side)s)") % {"factor": factor_id, "side": side}
                rows.append([only, "—", "—", "—"])
            else:
                rows.append(
                    [factor_id, str(counts["up"]), str(counts["down"]), str(counts["same"])]
                )
        rows.append([_("overall"), str(overall["up"]), str(overall["down"]), str(overall["same"])])
        headers = [_("Level change"), _("up"), _("down"), _("unchanged")]
        lines += ["", tabulate(rows, headers=headers, disable_numparse=True)]
        lines += ["", *_criteria_summary(result, _)]
    lines.append("")
    if result.not_compared:
        lines.append(_("Not compared:"))
        lines += [f"  {u.display} — {u.reason()}" for u in result.not_compared]
    else:
        lines.append(_("Not compared: none"))
    return "\n".join(lines) + "\n"


def _criteria_summary(result: Impact, _: Translate) -> list[str]:
    tallies = result.criteria_changed
    if not tallies:
        return [_("No criterion changes its status for any document.")]
    rows = []
    for tally in tallies:
        if tally.change in ("added", "removed"):
            side, level = (
                ("NEW", tally.new_level) if tally.change == "added" else ("OLD", tally.old_level)
            )
            rules = _("only in %(side)s (level %(level)s)") % {"side": side, "level": level}
        else:
            levels = _criterion_level(tally.old_level, tally.new_level)
            rules = _("level %(level)s") % {"level": levels}
        moves = "\n".join(
            f"{_status_word(old, _)} → {_status_word(new, _)}: {count}"
            for old, new, count in tally.sorted_moves()
        )
        rows.append([tally.key, rules, str(sum(tally.moves.values())), moves])
    headers = [_("Criterion"), _("In the rules"), _("Documents"), _("Status OLD → NEW")]
    title = _("Criteria that differ, over every compared document:")
    return [title, "", tabulate(rows, headers=headers, disable_numparse=True)]
