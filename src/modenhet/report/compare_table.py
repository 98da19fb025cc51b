"""`modenhet compare -f table`: for people, in their language, each municipality's factors then
and now and the criteria whose status changed, then the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from tabulate import tabulate

from modenhet.analyses.compare import Comparison, MunicipalityChange, Side
from modenhet.analyses.diff import display_name
from modenhet.i18n import DEFAULT_LANGUAGE, people_date, translator
from modenhet.report.difftext import (
    criteria_table,
    new_level,
    old_level,
    overall_line,
    status_move,
)
from modenhet.report.words import ARROWS, Translate, side_word

if TYPE_CHECKING:
    from gettext import NullTranslations


def write_table(
    comparison: Comparison, out: TextIO, *, lang: str = DEFAULT_LANGUAGE, tool_version: str = ""
) -> None:
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
        out.write("\n" + _summary(comparison, translations, lang))


def _side_line(side: Side, translations: NullTranslations) -> str:
    """`Før: samples/ · 9 dokument · per 30.06.2025 · regelsett ...`."""
    _ = translations.gettext
    label = side_word(side.label, _, capital=True)
    if not side.usable:
        return f"{label}: {side.path} · " + _("could not be read")
    parts = [f"{label}: {side.path}", side.describe(translations)]
    if side.as_of is not None:
        parts.append(_("as of %(date)s") % {"date": people_date(side.as_of)})
    if side.ruleset is not None:
        parts.append(_("rule set %(name)s") % {"name": side.ruleset})
    return " · ".join(parts)


def _municipality(change: MunicipalityChange, _: Translate) -> str:
    overall = change.overall
    arrow = ARROWS.get(overall.moved or "", "")
    lines = [
        f"{change.display} · {change.old.source} → {change.new.source}",
        overall_line(overall, arrow, _),
        "",
    ]
    rows = [
        [
            factor.title,
            old_level(factor.levels),
            new_level(factor.levels),
            ARROWS.get(factor.levels.moved or "", "—"),
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
                status_move(c.old, c.new, _),
            ]
            for c in change.criteria
        ]
        lines.append(criteria_table(rows, _("Status then → now"), 50, _))
    return "\n".join(lines) + "\n"


def _summary(comparison: Comparison, translations: NullTranslations, lang: str) -> str:
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
    if overall["bounds_changed"]:
        lines[0] += " · " + _(
            "%(count)s with the same proven level and another highest possible level (↕)"
        ) % {"count": overall["bounds_changed"]}
    if comparison.municipalities:
        columns = ("improved", "regressed", "unchanged", "bounds_changed")
        titles = {f.id: f.title for m in comparison.municipalities for f in m.factors}
        rows = [
            [titles.get(factor_id, factor_id), *(str(c[column]) for column in columns)]
            for factor_id, c in summary["factors"].items()
        ]
        rows.append([_("overall"), *(str(overall[column]) for column in columns)])
        headers = [
            _("Level change"),
            _("improved"),
            _("regressed"),
            _("unchanged"),
            _("bounds changed"),
        ]
        lines += ["", tabulate(rows, headers=headers, disable_numparse=True)]
    lines.append("")
    none = _("none")
    only_old = ", ".join(e.display for e in comparison.only_old) or none
    only_new = ", ".join(e.display for e in comparison.only_new) or none
    lines.append(_("Only in old: %(names)s") % {"names": only_old})
    lines.append(_("Only in new: %(names)s") % {"names": only_new})
    if comparison.not_compared:
        lines.append(_("Not compared:"))
        nameless = _("(no municipality)")
        for u in comparison.not_compared:
            reason = u.reason.render(lang)
            lines.append(f"  {display_name(u.number, u.name, nameless)} — {reason}")
    else:
        lines.append(_("Not compared: none"))
    return "\n".join(lines) + "\n"
