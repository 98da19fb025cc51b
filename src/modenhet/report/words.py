"""The report's own small words, shared by every renderer for people: a criterion's status, the
arrows of a level then and now. Longer sentences live with the renderer that says them; all go
through the gettext catalogues (`modenhet.i18n`)."""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]

# A level then and now (compare, impact); "bounds": the proven level stayed, level_max moved.
ARROWS = {"up": "↑", "down": "↓", "same": "=", "bounds": "↕"}


def status_word(status: str, _: Translate) -> str:
    words = {"met": _("met"), "not_met": _("not met"), "unknown": _("unknown"), "error": _("error")}
    return words[status]
