"""What the two-sided tables (`compare_table`, `impact_table`) say the same way: a level with
its label, a status or a dash for a side without the criterion, and the overall line."""

from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate

from modenhet.analyses.diff import LevelChange
from modenhet.report.words import Translate, status_word


def level_text(level: int | None, label: str | None) -> str:
    if level is None:
        return "—"
    return f"{level} {label}" if label else str(level)


def status_text(status: str | None, _: Translate) -> str:
    return "—" if status is None else status_word(status, _)


def status_move(old: str | None, new: str | None, _: Translate) -> str:
    return f"{status_text(old, _)} → {status_text(new, _)}"


def overall_line(overall: LevelChange, arrow: str, _: Translate) -> str:
    levels = {
        "old": level_text(overall.old, overall.old_label),
        "new": level_text(overall.new, overall.new_label),
    }
    return (_("Overall level: %(old)s → %(new)s") % levels + f" {arrow}").rstrip()


def criteria_table(
    rows: Sequence[Sequence[str]], moves: str, title_width: int, _: Translate
) -> str:
    """The criteria that changed: key, title, level and the status move (headed `moves`)."""
    return tabulate(
        rows,
        headers=[_("Criterion"), _("Title"), _("Level"), moves],
        disable_numparse=True,
        maxcolwidths=[None, title_width, None, None],
    )
