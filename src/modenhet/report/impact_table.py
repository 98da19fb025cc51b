"""`modenhet impact -f table`: for people, in their language, the two rule sets, each document
that changes level with the factors and criteria that changed, then the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from tabulate import tabulate

from modenhet.analyses.diff import Change
from modenhet.analyses.impact import DocumentImpact, Impact
from modenhet.i18n import DEFAULT_LANGUAGE, people_date, translator
from modenhet.report import difftext as text
from modenhet.report.words import ARROWS, Translate, side_word

if TYPE_CHECKING:
    from gettext import NullTranslations

COUNTED = ("up", "down", "same", "bounds")  # the summary's columns of level changes


def write_table(
    result: Impact, out: TextIO, *, lang: str = DEFAULT_LANGUAGE, tool_version: str = ""
) -> None:
    """For people, in their language: the two rule sets, each document that changes level with
    the factors and criteria that changed, then the summary. Titles and labels are the rule
    sets'; diagnostics quoted as reasons stay as they are."""
    translations = translator(lang)
    _, ngettext = translations.gettext, translations.ngettext
    evidence = ngettext(
        "Evidence: %(count)s document", "Evidence: %(count)s documents", result.documents
    )
    lines = [
        f"{side_word(side.label, _, capital=True)}: {side.path} · "
        + _("rule set %(name)s") % {"name": side.info}
        for side in (result.old, result.new)
    ]
    lines.append(
        evidence % {"count": result.documents}
        + " · "
        + _("as of %(date)s") % {"date": people_date(result.as_of)}
    )
    out.write("\n".join(lines) + "\n")
    for document in result.changed:
        out.write("\n" + _document(document, _))
    if not result.changed and result.compared:
        out.write("\n" + _("No document changes level.") + "\n")
    out.write("\n" + _summary(result, translations, lang))


def _arrow(change: Change, _: Translate) -> str:
    """A symbol for a level that moved or stayed, a word for a factor only one side has."""
    words = {"added": _("added"), "removed": _("removed")}
    return words.get(change) or ARROWS[change]


def _document(document: DocumentImpact, _: Translate) -> str:
    overall = document.overall
    lines = [
        f"{document.display} · {document.source}",
        text.overall_line(overall, _arrow(overall.change, _), _),
        "",
    ]
    rows = [
        [
            factor.title,
            text.old_level(factor.levels),
            text.new_level(factor.levels),
            _arrow(factor.levels.change, _),
        ]
        for factor in document.changed_factors
    ]
    if rows:
        headers = [_("Factor"), _("Old"), _("New"), _("Change")]
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
                text.status_move(criterion.old, criterion.new, _)
                + ("" if criterion.change == "changed" else f" ({_arrow(criterion.change, _)})"),
            ]
            for criterion in document.criteria
        ]
        lines.append(text.criteria_table(rows, _("Status old → new"), 45, _))
    return "\n".join(lines) + "\n"


def _criterion_level(old: int | None, new: int | None) -> str:
    if old is None or new is None or old == new:
        return str(new if old is None else old)
    return f"{old} → {new}"


def _summary(result: Impact, translations: NullTranslations, lang: str) -> str:
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
            title = result.factors[factor_id].title if factor_id in result.factors else factor_id
            if counts["added"] or counts["removed"]:
                only = (
                    _("%(factor)s (only in the new rules)")
                    if counts["added"]
                    else _("%(factor)s (only in the old rules)")
                )
                rows.append([only % {"factor": title}, "—", "—", "—", "—"])
            else:
                rows.append([title, *(str(counts[column]) for column in COUNTED)])
        rows.append([_("overall"), *(str(overall[column]) for column in COUNTED)])
        headers = [_("Level change"), _("up"), _("down"), _("unchanged"), _("bounds changed")]
        lines += ["", tabulate(rows, headers=headers, disable_numparse=True)]
        lines += ["", *_criteria_summary(result, _)]
    lines.append("")
    if result.not_compared:
        lines.append(_("Not compared:"))
        lines += [f"  {u.display} — {u.reason_text().render(lang)}" for u in result.not_compared]
    else:
        lines.append(_("Not compared: none"))
    return "\n".join(lines) + "\n"


def _criteria_summary(result: Impact, _: Translate) -> list[str]:
    tallies = result.criteria_changed
    if not tallies:
        return [_("No criterion changes its status for any document.")]
    rows = []
    for tally in tallies:
        place = tally.criterion
        if place.change == "added":
            rules = _("only in the new rules (level %(level)s)") % {"level": place.new_level}
        elif place.change == "removed":
            rules = _("only in the old rules (level %(level)s)") % {"level": place.old_level}
        else:
            levels = _criterion_level(place.old_level, place.new_level)
            rules = _("level %(level)s") % {"level": levels}
        moves = "\n".join(
            f"{text.status_move(old, new, _)}: {count}" for old, new, count in tally.sorted_moves()
        )
        rows.append([place.key, rules, str(sum(tally.moves.values())), moves])
    headers = [_("Criterion"), _("In the rules"), _("Documents"), _("Status old → new")]
    title = _("Criteria that differ, over every compared document:")
    return [title, "", tabulate(rows, headers=headers, disable_numparse=True)]
