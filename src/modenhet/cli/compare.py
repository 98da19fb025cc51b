"""`modenhet compare OLD NEW`: what changed since last time, municipality by municipality.

The comparison itself is `modenhet.compare`; this module reads the options, decides which date
and rule set each side is evaluated with, and writes the table or the JSON.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import TYPE_CHECKING, TextIO

import click
from click.core import ParameterSource
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
    RULES,
    check_output,
    evidence_files,
    fail,
    load_rules,
    output,
    parse_date,
    report_format,
    rule_set_files,
    stderr,
)
from modenhet.compare import (
    NEW,
    OLD,
    Comparison,
    MunicipalityChange,
    Side,
    display_name,
    evaluate_side,
    mismatch,
    read_side,
)
from modenhet.compare import compare as compare_sides
from modenhet.i18n import DEFAULT_LANGUAGE, translator
from modenhet.report.table import ARROWS, Translate, status_word

if TYPE_CHECKING:
    from gettext import NullTranslations


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
    format_ = report_format(format_, output_path, ("table", "json"))
    if old == "-" and new == "-":
        fail("error: only one of OLD and NEW can be - (standard input)")
    inputs = evidence_files((old, new), recursive=recursive)  # exit 2 for a missing path
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
        if format_ == "json":
            text = json.dumps(comparison.to_dict(__version__), ensure_ascii=False, indent=2)
            out.write(text + "\n")
        else:
            write_table(comparison, out, lang)
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


# ----------------------------------------------------------------------------------- table


def write_table(comparison: Comparison, out: TextIO, lang: str = DEFAULT_LANGUAGE) -> None:
    """For people, in their language: the two sides, each municipality's factors then and now
    and the criteria that changed, then (unless one municipality is all there is) the summary.
    Titles and labels are the rule set's; diagnostics quoted as reasons stay as they are."""
    translations = translator(lang)
    _ = translations.gettext
    lines = [_side_line(comparison.old, translations), _side_line(comparison.new, translations)]
    lines += [
        _("Warning: %(message)s") % {"message": w.translated(translations)}
        for w in comparison.warnings
    ]
    out.write("\n".join(lines) + "\n")
    for change in comparison.municipalities:
        out.write("\n" + _municipality(change, _))
    single = (
        len(comparison.municipalities) == 1
        and not comparison.only_old
        and not comparison.only_new
        and not comparison.not_compared
    )
    if not single:
        out.write("\n" + _summary(comparison, translations))


def _side_line(side: Side, translations: NullTranslations) -> str:
    _ = translations.gettext
    if not side.usable:
        return f"{side.label}: {side.path} · " + _("could not be read")
    parts = [f"{side.label}: {side.path}", side.describe(translations)]
    if side.as_of is not None:
        parts.append(_("as of %(date)s") % {"date": side.as_of.isoformat()})
    if side.ruleset is not None:
        parts.append(_("rule set %(name)s") % {"name": side.ruleset})
    return " · ".join(parts)


def _level(level: int | None, label: str | None) -> str:
    if level is None:
        return "—"
    return f"{level} {label}" if label else str(level)


def _status_word(status: str | None, _: Translate) -> str:
    return "—" if status is None else status_word(status, _)


def _municipality(change: MunicipalityChange, _: Translate) -> str:
    overall = change.overall
    arrow = ARROWS.get(overall.change or "", "")
    levels = {
        "old": _level(overall.old, overall.old_label),
        "new": _level(overall.new, overall.new_label),
    }
    lines = [
        f"{change.display} · {change.old.source} → {change.new.source}",
        (_("Overall level: %(old)s → %(new)s") % levels + f" {arrow}").rstrip(),
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
    headers = [_("Factor"), _("Then"), _("Now"), _("Change")]
    lines.append(tabulate(rows, headers=headers, disable_numparse=True))
    lines.append("")
    if not change.criteria:
        lines.append(_("No criterion changed its status."))
    else:
        rows = [
            [
                f"{c.factor}.{c.id}",
                c.title,
                str(c.level),
                f"{_status_word(c.old, _)} → {_status_word(c.new, _)}",
            ]
            for c in change.criteria
        ]
        lines.append(
            tabulate(
                rows,
                headers=[_("Criterion"), _("Title"), _("Level"), _("Status then → now")],
                disable_numparse=True,
                maxcolwidths=[None, 50, None, None],
            )
        )
    return "\n".join(lines) + "\n"


def _summary(comparison: Comparison, translations: NullTranslations) -> str:
    _, ngettext = translations.gettext, translations.ngettext
    summary = comparison.summary()
    overall = summary["overall"]
    lines = [
        ngettext(
            "Summary: %(count)s municipality compared: %(improved)s improved, %(regressed)s "
            "regressed, %(unchanged)s unchanged (overall level)",
            "Summary: %(count)s municipalities compared: %(improved)s improved, %(regressed)s "
            "regressed, %(unchanged)s unchanged (overall level)",
            summary["compared"],
        )
        % {"count": summary["compared"], **overall},
    ]
    if comparison.municipalities:
        rows = [
            [factor_id, str(c["improved"]), str(c["regressed"]), str(c["unchanged"])]
            for factor_id, c in summary["factors"].items()
        ]
        rows.append(
            [
                _("overall"),
                str(overall["improved"]),
                str(overall["regressed"]),
                str(overall["unchanged"]),
            ]
        )
        headers = [_("Level change"), _("improved"), _("regressed"), _("unchanged")]
        lines += ["", tabulate(rows, headers=headers, disable_numparse=True)]
    lines.append("")
    none = _("none")
    only_old = ", ".join(e.display for e in comparison.only_old) or none
    only_new = ", ".join(e.display for e in comparison.only_new) or none
    lines.append(_("Only in OLD: %(names)s") % {"names": only_old})
    lines.append(_("Only in NEW: %(names)s") % {"names": only_new})
    if comparison.not_compared:
        lines.append(_("Not compared:"))
        nameless = _("(no municipality)")
        for u in comparison.not_compared:
            lines.append(f"  {display_name(u.number, u.name, nameless)} — {u.reason}")
    else:
        lines.append(_("Not compared: none"))
    return "\n".join(lines) + "\n"
