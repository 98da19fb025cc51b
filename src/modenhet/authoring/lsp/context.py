"""What a rule file says that completion needs, read from text that may be half typed: paths
and their segments, strings and comments blanked out, the lets (from the last good parse and
line by line since) and the schema a rule set names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from modenhet.language import nodes as n

NAME = r"[^\W\d]\w*"
SEGMENT = rf"(?:{NAME}|`[^`\n]*`)"
PATH = rf"{SEGMENT}(?:\s*\.\s*{SEGMENT})*"
_LET_LINE = re.compile(rf"^\s*let\s+(?P<name>{NAME})\s*=\s*(?P<expr>[^#\n]*?)\s*(?:#.*)?$", re.M)
SCHEMA_LINE = re.compile(r'^\s*schema\s+"(?P<path>[^"\\\n]*)"', re.M)
STARTS_WITH_RULESET = re.compile(r"^(?:\s|#[^\n]*)*ruleset\b")


def segments(path: str) -> tuple[tuple[str, bool], ...]:
    """A path's segments, each with whether it was back-ticked."""
    return tuple(
        (part[1:-1], True) if part.startswith("`") else (part, False)
        for part in re.findall(SEGMENT, path)
    )


def blank(text: str) -> tuple[str, str | None]:
    """`text` with the insides of strings, back-ticks and comments turned into spaces (so that
    a title never looks like code), and what the end of the text is inside, if anything:
    "string", "backtick" or "comment"."""
    out: list[str] = []
    state: str | None = None
    escaped = False
    for char in text:
        if char == "\n":  # neither strings nor back-ticked keys go past the end of a line
            state = None
            out.append(char)
            continue
        if state == "comment":
            out.append(" ")
        elif state == "string":
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                state = None
                out.append(char)
                continue
            out.append(" ")
        elif state == "backtick":
            if char == "`":
                state = None
                out.append(char)
            else:
                out.append(" " if char in "{}" else char)  # keep the key for path matching
        else:
            if char == "#":
                state = "comment"
                out.append(" ")
                continue
            if char == '"':
                state = "string"
            elif char == "`":
                state = "backtick"
            out.append(char)
    return "".join(out), state


@dataclass(frozen=True, slots=True)
class LetInfo:
    """A let as completion needs it: the path it stands for (when it is one) and its text."""

    path: tuple[tuple[str, bool], ...] | None
    text: str


@dataclass
class RuleContext:
    """What a rule file's rule set said, at its last check: the schema and the lets."""

    schema: Path | None = None
    lets: dict[str, LetInfo] = field(default_factory=dict)


def lets_of(statements: Iterable[n.Statement]) -> dict[str, LetInfo]:
    found: dict[str, LetInfo] = {}
    for statement in statements:
        if isinstance(statement, n.LetStmt):
            expr = statement.expr
            path = None
            if isinstance(expr, n.Path):
                path = ((expr.root, expr.root_is_key), *((key, False) for key in expr.keys))
            found.setdefault(statement.name.value, LetInfo(path, expr.span.text()))
    return found


def lets_in_text(text: str) -> dict[str, LetInfo]:
    """The lets a half-typed file declares, read line by line without the parser."""
    found: dict[str, LetInfo] = {}
    for match in _LET_LINE.finditer(text):
        expr = match["expr"]
        path = segments(expr) if re.fullmatch(PATH, expr) else None
        found.setdefault(match["name"], LetInfo(path, expr))
    return found
