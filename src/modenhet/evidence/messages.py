"""The words of an evidence problem, made as `Text`s so that each is shown in the reader's
language (`modenhet.i18n`) and kept in English for machines (`Violation.message`).

A field is named by its path in English (`` `evidence.economy.budget_nok` ``), as machines and
the rule language know it, and in Norwegian by the schema's own title with the path beside it
(``Budsjett i kroner (`evidence.economy.budget_nok`)``): the clerk who fills in the document
knows the title, the expert looks for the path.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from modenhet.errors import Violation
from modenhet.i18n import N_, Text, people_date

# JSON Schema's types in words ("must be a number"): the English of `validation.py` as it was.
TYPE_WORDS = {
    "string": Text(N_("a string")),
    "number": Text(N_("a number")),
    "integer": Text(N_("a whole number")),
    "boolean": Text(N_("true or false")),
    "null": Text(N_("null")),
    "array": Text(N_("a list")),
    "object": Text(N_("an object")),
}
THE_DOCUMENT = Text(N_("the document"))


class FieldName(Text):
    """A field of a document as a message names it: its path alone in English, and the
    schema's title with the path beside it in the other languages."""

    __slots__ = ()

    def __init__(self, path: str, title: str | None = None) -> None:
        super().__init__(N_("%(title)s (%(path)s)"), title=title or "", path=path)

    @property
    def path(self) -> str:
        return str(self.params["path"])

    def render(self, language: str = "en") -> str:
        if language == "en" or not self.params["title"]:
            return self.path
        return super().render(language)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable as itself, for `--jobs`
        return (FieldName, (self.path, self.params["title"] or None))


class Day(Text):
    """A date in a message: ISO in English, as the document writes it (and as it always was),
    and as people write it (30.06.2025) in Norwegian."""

    __slots__ = ()

    def __init__(self, day: str) -> None:
        super().__init__("%(day)s", day=day)

    def render(self, language: str = "en") -> str:
        day = str(self.params["day"])
        if language == "en":
            return day
        try:
            return people_date(datetime.date.fromisoformat(day))
        except ValueError:
            return day

    def __reduce__(self) -> tuple[Any, ...]:
        return (Day, (self.params["day"],))


class Codes(Text):
    """Values or keys a message lists (`none, outdated, current`): as they are, comma-separated,
    in English (as it always was), and each in backticks in the other languages, where they
    are codes among Norwegian words."""

    __slots__ = ()

    def __init__(self, codes: Sequence[str]) -> None:
        super().__init__("%(codes)s", codes=tuple(codes))

    def render(self, language: str = "en") -> str:
        codes = self.params["codes"]
        return ", ".join(codes if language == "en" else (f"`{code}`" for code in codes))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Codes, (self.params["codes"],))


def dotted(path: Sequence[Any]) -> str:
    """`evidence.economy.instruments_used[2]` (in backticks); '' for the root."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"`{text}`" if text else ""


def field_name(path: Sequence[Any], schema: Any = None) -> Text:
    """The name of the field at `path` (list elements as integers), with the title `schema`
    gives it; "the document" for the root."""
    if not path:
        return THE_DOCUMENT
    return FieldName(dotted(path), title_of(schema, tuple(path)))


def title_of(schema: Any, path: tuple[Any, ...]) -> str | None:
    """The schema's title of a field, or None where the schema gives none (or is not one the
    walk follows: a title is a help, never a reason to fail)."""
    if not isinstance(schema, dict):
        return None
    from modenhet.evidence.schemawalk import field_title  # it imports the municipalities

    try:
        return field_title(schema, path)
    except (AttributeError, TypeError, KeyError, IndexError, RecursionError):
        return None


def untitled(text: Text) -> Text:
    """The same message with every field named by its path alone: in a workbook, where the
    message already begins with the field's title."""
    if isinstance(text, FieldName):
        return FieldName(text.path)
    if type(text) is not Text:
        return text
    params = {k: untitled(v) if isinstance(v, Text) else v for k, v in text.params.items()}
    return Text(text.msgid, **params)


def or_list(words: Sequence[Any]) -> Any:
    """ "a, b or c", each word rendered in the message's language."""
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return Text(N_("%(one)s or %(other)s"), one=words[0], other=words[1])
    return Text(N_("%(first)s, %(rest)s"), first=words[0], rest=or_list(words[1:]))


def and_list(words: Sequence[Any]) -> Any:
    """ "a and b and c" (the municipalities a number came from)."""
    if len(words) == 1:
        return words[0]
    return Text(N_("%(one)s and %(other)s"), one=words[0], other=and_list(words[1:]))


def joined(first: Text | str, then: Text | str) -> Text:
    """Two messages in one, separated by "; " (a problem and what to do about it)."""
    return Text(N_("%(problem)s; %(more)s"), problem=first, more=then)


def problem(pointer: str, text: Text, **details: Any) -> Violation:
    """A violation whose message is `text`: English in `message`, any language on demand."""
    return Violation(pointer, str(text), text=text, **details)


def too_large(size: int, limit: int) -> Text:
    """A file beyond `--max-bytes`."""
    return Text(
        N_("the file is %(size)s bytes; the limit is %(limit)s (raise it with --max-bytes)"),
        size=size,
        limit=limit,
    )


# What the operating system says when a file cannot be read (its English, to translate).
_OS_REASONS = {
    reason: Text(reason)
    for reason in (
        N_("No such file or directory"),
        N_("Permission denied"),
        N_("Is a directory"),
        N_("Not a directory"),
        N_("Too many levels of symbolic links"),
        N_("File name too long"),
        N_("Input/output error"),
    )
}


def unreadable(error: OSError) -> Text:
    """A file that cannot be read, with the system's reason."""
    reason = error.strerror or str(error)
    return Text(N_("cannot be read: %(reason)s"), reason=_OS_REASONS.get(reason, reason))
