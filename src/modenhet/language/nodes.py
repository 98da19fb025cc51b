"""The abstract syntax tree of a rule file: frozen, slotted dataclasses, each with its span.

The parser builds these from Lark's tree; everything after the parser (checker, compilers,
formatter) works on them alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from modenhet.source import Source, Span

# ---------------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Number:
    value: int | float
    span: Span


@dataclass(frozen=True, slots=True)
class String:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class DateLiteral:
    """A valid `YYYY-MM-DD` literal (an invalid one is a diagnostic and an `Invalid` node)."""

    value: datetime.date
    span: Span


@dataclass(frozen=True, slots=True)
class Boolean:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Null:
    """`null`, which is reserved but not a value: the checker reports it."""

    span: Span


@dataclass(frozen=True, slots=True)
class Invalid:
    """A literal the parser already reported (a bad date); it keeps the tree whole."""

    span: Span


@dataclass(frozen=True, slots=True)
class AsOf:
    span: Span


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Path:
    """`root.key.key`: a let, a quantifier variable or an evidence root key, then keys.

    A back-ticked root (`` `a`.b ``) is always an evidence key, never a let.
    """

    root: str
    keys: tuple[str, ...]
    root_is_key: bool
    span: Span


@dataclass(frozen=True, slots=True)
class KeyRead:
    """`EXPR.key` where EXPR is not a path (a call, parentheses, `as_of`, a literal)."""

    base: Expr
    key: str
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    name_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str  # + - * /
    left: Expr
    right: Expr
    op_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str  # == != < <= > >=
    left: Expr
    right: Expr
    op_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Membership:
    """`item in collection`, or `item not in collection` when `negated`."""

    item: Expr
    collection: Expr
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Quantifier:
    kind: str  # any | all
    variable: str
    variable_span: Span
    collection: Expr
    body: Expr
    span: Span


Expr = (
    Number
    | String
    | DateLiteral
    | Boolean
    | Null
    | Invalid
    | AsOf
    | ListLiteral
    | Path
    | KeyRead
    | Call
    | Negate
    | Not
    | Arithmetic
    | Comparison
    | Membership
    | And
    | Or
    | Quantifier
)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions, in source order."""
    match expr:
        case ListLiteral(items=items) | Call(args=items):
            return items
        case KeyRead(base=base):
            return (base,)
        case Negate(operand=operand) | Not(operand=operand):
            return (operand,)
        case Arithmetic(left=left, right=right) | Comparison(left=left, right=right):
            return (left, right)
        case Membership(item=item, collection=collection):
            return (item, collection)
        case And(operands=operands) | Or(operands=operands):
            return operands
        case Quantifier(collection=collection, body=body):
            return (collection, body)
        case _:
            return ()


# ----------------------------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Text:
    """A quoted string in a statement (a title, a label, a path) and where it stands."""

    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    """An identifier in a statement (an ID, a let name) and where it stands."""

    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class RulesetStmt:
    name: Text
    version: Text | None
    span: Span


@dataclass(frozen=True, slots=True)
class SchemaStmt:
    path: Text
    span: Span


@dataclass(frozen=True, slots=True)
class OverallStmt:
    mode: Name
    span: Span


@dataclass(frozen=True, slots=True)
class LevelDecl:
    number: Number
    label: Text
    span: Span


@dataclass(frozen=True, slots=True)
class LevelsStmt:
    levels: tuple[LevelDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class LetStmt:
    name: Name
    expr: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class IncludeStmt:
    path: Text
    span: Span


@dataclass(frozen=True, slots=True)
class CriterionOption:
    """`advice "..."`, `ref "..."` or `legal` after a criterion's condition."""

    keyword: str
    text: Text | None  # None for the flag `legal`
    span: Span


@dataclass(frozen=True, slots=True)
class Criterion:
    id: Name
    title: Text
    when: Expr
    options: tuple[CriterionOption, ...]
    span: Span

    def option(self, keyword: str) -> str | None:
        for option in self.options:
            if option.keyword == keyword:
                return option.text.value if option.text is not None else keyword
        return None


@dataclass(frozen=True, slots=True)
class LevelBlock:
    number: Number
    criteria: tuple[Criterion, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FactorStmt:
    id: Name
    title: Text
    weight: Number | None
    levels: tuple[LevelBlock, ...]
    span: Span


Statement = RulesetStmt | SchemaStmt | OverallStmt | LevelsStmt | LetStmt | IncludeStmt | FactorStmt


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One parsed file: its source and its statements in order."""

    source: Source
    statements: tuple[Statement, ...]
