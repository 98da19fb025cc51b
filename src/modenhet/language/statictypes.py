"""Static types: the set of value kinds an expression can have before any evidence is seen.

Evidence without a schema may be anything (`ANY`); literals, `as_of` and operators narrow it.
A mismatch is a static error only when no kind in the set can work.
"""

from __future__ import annotations

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
    "boolean": "a boolean",
    "number": "a number",
    "string": "a string",
    "date": "a date",
    "list": "a list",
    "object": "an object",
}


def describe_kinds(kinds: Kinds) -> str:
    """`a number`, `a string or a date`..."""
    if kinds == ANY:
        return "any value"
    words = [_WORDS[k] for k in sorted(kinds)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
