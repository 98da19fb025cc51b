"""What the two-sided tables (`compare_table`, `impact_table`) say the same way: a side's level
with its bounds and label, a status or a dash for a side without the criterion, the overall
line and the table of criteria that changed."""

from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate

from modenhet.analyses.diff import LevelChange
from modenhet.report.table import level_then_or_now
from modenhet.report.words import Translate, status_word


def old_level(levels: LevelChange) -> str:
    return level_then_or_now(levels.old, levels.old_label, levels.old_max, levels.old_label_max)


def new_level(levels: LevelChange) -> str:
    return level_then_or_now(levels.new, levels.new_label, levels.new_max, levels.new_label_max)


def status_text(status: str | None, _: Translate) -> str:
    return "—" if status is None else status_word(status, _)


def status_move(old: str | None, new: str | None, _: Translate) -> str:
    return f"{status_text(old, _)} → {status_text(new, _)}"


def overall_line(overall: LevelChange, arrow: str, _: Translate) -> str:
    levels = {"old": old_level(overall), "new": new_level(overall)}
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
