"""The report's own small words, shared by every renderer for people: a criterion's status, a
problem's severity, the arrows of a level then and now, a date and a number as people write
them. Longer sentences live with the renderer that says them; all go through the gettext
catalogues (`modenhet.i18n`)."""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]

# A level then and now (compare, impact); "bounds": the proven level stayed, level_max moved.
ARROWS = {"up": "↑", "down": "↓", "same": "=", "bounds": "↕"}


def status_word(status: str, _: Translate) -> str:
    words = {"met": _("met"), "not_met": _("not met"), "unknown": _("unknown"), "error": _("error")}
    return words[status]


def side_word(side: str, _: Translate, *, capital: bool = False) -> str:
    """The OLD or NEW side of `compare` and `impact` as people say it: before and now."""
    if side == "OLD":
        return _("Old") if capital else _("old")
    return _("New") if capital else _("new")


def count_text(number: float, lang: str) -> str:
    """A number as the reader writes it: `1 234` in Norwegian (a no-break space between the
    thousands), `1,234` in English; whole numbers only."""
    text = f"{round(number):,}"
    return text if lang == "en" else text.replace(",", "\u00a0")
