"""Every word modenhet itself shows a person, in the reader's language: nynorsk (the default,
like the rule set), bokmål or English, from gettext catalogs in `modenhet/locale/` (messages in
English are the msgids; `pybabel` extracts and compiles them, see docs/translating.md).

Rule titles, labels and advice are never translated: they come from the rule set as written.
A message made far from where it is shown (a diagnostic of `check`, a problem in an evidence
document) is a `Text`: its msgid and its values, rendered in the reader's language only when
it is shown, and in English (`str()`) where machines read it (JSON, SARIF, logs).
"""

from __future__ import annotations

import datetime
import functools
import gettext
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LANGUAGES = ("nn", "nb", "en")
DEFAULT_LANGUAGE = "nn"
DOMAIN = "modenhet"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The environment variable that sets `--lang` for every command (an option on the command line
# beats it; a configuration file's `lang` comes between, see `modenhet config`).
LANGUAGE_VARIABLE = "MODENHET_LANG"


@functools.cache
def translator(language: str = DEFAULT_LANGUAGE) -> gettext.NullTranslations:
    """The catalog for a language; English (the msgids themselves) when there is none."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def N_(message: str) -> str:
    """Mark a message for `pybabel extract` where it is kept to be translated later: a warning
    whose English goes to stderr and JSON, and whose translation goes into a report."""
    return message


class Text:
    """A message for a person, translated when it is shown: a msgid (English, marked with `N_`
    so that `pybabel extract` finds it) with named placeholders (`%(path)s`) and their values.
    A value that is itself a `Text` is rendered in the same language; any other value as
    `str()`. Two Texts are equal when their msgid and values are.

    >>> message = Text(N_("`%(path)s` is not a known key"), path="evidence.x")
    >>> str(message)
    '`evidence.x` is not a known key'
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params: Mapping[str, Any] = params

    def render(self, language: str = "en") -> str:
        """The message in `language` (one of `LANGUAGES`), its values filled in."""
        template = translator(language).gettext(self.msgid)
        if not self.params:
            return template
        values = {
            name: value.render(language) if isinstance(value, Text) else value
            for name, value in self.params.items()
        }
        return template % values

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, **{dict(self.params)!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Text)
            and other.msgid == self.msgid
            and dict(other.params) == dict(self.params)
        )

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, for `--jobs` and notebooks
        return (_text, (self.msgid, dict(self.params)))


def _text(msgid: str, params: dict[str, Any]) -> Text:
    return Text(msgid, **params)


def in_language(message: str | Text, language: str) -> str:
    """A message in `language`: a `Text` rendered, a fixed English string looked up in the
    catalog (a string that is no msgid, such as a name, comes back as it is)."""
    if isinstance(message, Text):
        return message.render(language)
    return translator(language).gettext(message) if message else message


def people_date(day: datetime.date) -> str:
    """A date as Norwegians write it for people, `30.06.2025` (machine formats keep ISO)."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
