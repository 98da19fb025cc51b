"""What the fast path's code generator and the built-in functions' fast emitters share: a
piece of generated Python with what is known about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    """A Python expression; `maybe_none` is False when it can never be unknown."""

    source: str
    maybe_none: bool = True
    simple: bool = False  # a name or a literal, cheap to repeat in generated code


def date_code(source: str) -> str:
    """A date from a value that may be a string; `as_of` always is a date."""
    return source if source == "as_of" else f"_as_date({source})"
