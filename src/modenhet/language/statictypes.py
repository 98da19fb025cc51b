"""Static types: the set of value kinds an expression can have before any evidence is seen.

Evidence without a schema may be anything (`ANY`); literals, `as_of` and operators narrow it.
A mismatch is a static error only when no kind in the set can work.
"""

from __future__ import annotations

from modenhet.i18n import N_, Text
from modenhet.language.wording import either

Kinds = frozenset[str]

BOOLEAN: Kinds = frozenset({"boolean"})
NUMBER: Kinds = frozenset({"number"})
STRING: Kinds = frozenset({"string"})
DATE: Kinds = frozenset({"date"})
LIST: Kinds = frozenset({"list"})
OBJECT: Kinds = frozenset({"object"})
ANY: Kinds = BOOLEAN | NUMBER | STRING | DATE | LIST | OBJECT
DATE_LIKE: Kinds = DATE | STRING  # a string is read as a date where a date is expected
ORDERABLE: Kinds = NUMBER | STRING | DATE

_WORDS = {
    "boolean": N_("a boolean"),
    "number": N_("a number"),
    "string": N_("a string"),
    "date": N_("a date"),
    "list": N_("a list"),
    "object": N_("an object"),
}


def kinds_text(kinds: Kinds) -> str | Text:
    """`a number`, `a string or a date`..., in the reader's language when it is shown."""
    if kinds == ANY:
        return Text(N_("any value"))
    return either([Text(_WORDS[k]) for k in sorted(kinds)])


def describe_kinds(kinds: Kinds) -> str:
    """`a number`, `a string or a date`... in English (the editor's hover and completion)."""
    return str(kinds_text(kinds))
