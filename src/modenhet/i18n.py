"""The report's own words in the reader's language: nynorsk (the default, like the rule set),
bokmål or English, from gettext catalogs in `modenhet/locale/` (messages in English are the
msgids; `pybabel` extracts and compiles them, see docs/translating.md).

Rule titles, labels and advice are never translated: they come from the rule set as written.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

LANGUAGES = ("nn", "nb", "en")
DEFAULT_LANGUAGE = "nn"
DOMAIN = "modenhet"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


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
