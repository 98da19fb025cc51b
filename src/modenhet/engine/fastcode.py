"""What the fast path's code generator, its expressions and the built-in functions' fast
emitters share: a piece of generated Python with what is known about it, the tree of evidence
reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Code:
    """A Python expression; `maybe_none` is False when it can never be unknown."""

    source: str
    maybe_none: bool = True
    simple: bool = False  # a name or a literal, cheap to repeat in generated code
    met: bool = False  # the condition that an expression is true (`ExpressionCompiler.met`)


@dataclass
class PathNode:
    """An evidence path the generated function reads into a variable, with the reads below it."""

    variable: str
    parent: PathNode | None = None
    key: str = ""
    children: dict[str, PathNode] = field(default_factory=dict)


def date_code(source: str) -> str:
    """A date from a value that may be a string; `as_of` always is a date. A date read before
    is found in the table of dates without a call (`values.DATES`; a value that is not a key
    raises, and the exact evaluator decides)."""
    return source if source == "as_of" else f"(_DATES.get({source}) or _as_date({source}))"


# The key of a partial value (spec 9.2): a path segment of that name is read by a helper that
# hands a partial value to the exact evaluator.
PARTIAL_KEY = "at_least"
