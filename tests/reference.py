"""A small tree-walking evaluator written straight from spec/language.md, used only by the tests.

It shares nothing with the engine but the AST (`modenhet.language.nodes`) and the checked model:
values, the four-valued logic, missing paths and levels are implemented here again, plainly, so
that a test running the same case through both catches a bug in either.
"""

from __future__ import annotations

import datetime
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from modenhet.check.model import RuleSetModel
from modenhet.language import nodes as n

RESERVED = frozenset({"and", "or", "not", "in", "any", "all", "true", "false", "null", "as_of"})
DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip

Segment = str | int
Origin = tuple[Segment, ...] | None


# ------------------------------------------------------------------------ the four values


@dataclass(frozen=True)
class Val:
    """A known value; `origin` is where in the document it was read (None when computed)."""

    value: Any
    origin: Origin = None


@dataclass(frozen=True)
class Unk:
    """Unknown, with the document paths that make it so."""

    missing: frozenset[tuple[Segment, ...]]
    origin: Origin = None


@dataclass(frozen=True)
class Err:
    message: str


Result = Val | Unk | Err


class Problem(Exception):
    """An error value raised while computing on known values."""


def absent(origin: Origin) -> Unk:
    return Unk(frozenset({origin}) if origin is not None else frozenset(), origin)


def strict(results: list[Result]) -> Result | None:
    """Spec 5: an operator with an unknown operand is unknown (even beside an error)."""
    unknown = [r for r in results if isinstance(r, Unk)]
    if unknown:
        return Unk(frozenset().union(*(u.missing for u in unknown)))
    return next((r for r in results if isinstance(r, Err)), None)


def apply(results: list[Result], compute: Callable[..., Any]) -> Result:
    """A strict operator: unknown if an operand is, else an error if one is, else computed."""
    early = strict(results)
    if early is not None:
        return early
    try:
        return Val(compute(*(r.value for r in results)))  # type: ignore[union-attr]
    except Problem as problem:
        return Err(str(problem))


def kleene(results: list[Result], dominant: bool) -> Result:
    """`and` (dominant False) / `or` (dominant True) over results, in any order: the dominant
    value wins; else any error (a non-boolean is one); else any unknown; else the other."""
    results = [r if not isinstance(r, Val) or type(r.value) is bool else Err("not a boolean")
               for r in results]  # fmt: skip
    if any(isinstance(r, Val) and r.value is dominant for r in results):
        return Val(dominant)
    error = next((r for r in results if isinstance(r, Err)), None)
    if error is not None:
        return error
    unknown = [r for r in results if isinstance(r, Unk)]
    if unknown:
        return Unk(frozenset().union(*(u.missing for u in unknown)))
    return Val(not dominant)


# ------------------------------------------------------------------------ values (spec 5)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_number(value: Any) -> bool:
    return type(value) in (int, float)  # booleans are not numbers


def to_date(value: Any) -> datetime.date:
    if type(value) is datetime.date:
        return value
    if type(value) is str and DATE_TEXT.fullmatch(value):
        try:
            return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass
    raise Problem(f"{value!r} is not a date")


def equal(a: Any, b: Any) -> bool:
    if type(a) is datetime.date or type(b) is datetime.date:
        if type(a) in (str, datetime.date) and type(b) in (str, datetime.date):
            return to_date(a) == to_date(b)
        return False
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if type(a) is not type(b):
        return False
    if type(a) is str:
        return nfc(a) == nfc(b)
    if type(a) is list:
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        a = {nfc(k): v for k, v in a.items()}
        b = {nfc(k): v for k, v in b.items()}
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a is None and b is None


def order(op: str, a: Any, b: Any) -> bool:
    if type(a) is datetime.date or type(b) is datetime.date:
        if not (type(a) in (str, datetime.date) and type(b) in (str, datetime.date)):
            raise Problem(f"cannot order {a!r} {op} {b!r}")
        return ORDER[op](to_date(a), to_date(b))
    if is_number(a) and is_number(b):
        return ORDER[op](a, b)
    if type(a) is str and type(b) is str:
        return ORDER[op](nfc(a), nfc(b))  # code points of the NFC form
    raise Problem(f"cannot order {a!r} {op} {b!r}")


def arithmetic(op: str, a: Any, b: Any) -> Any:
    if not (is_number(a) and is_number(b)):
        raise Problem(f"{op} needs numbers")
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise Problem("division by zero")
    return a / b  # always a double


def negate(value: Any) -> Any:
    if not is_number(value):
        raise Problem("- needs a number")
    return -value


def add_years(date: datetime.date, years: int) -> datetime.date:
    year = date.year + years
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if (date.month, date.day) == (2, 29) and not leap:
        return datetime.date(year, 2, 28)
    return datetime.date(year, date.month, date.day)


def years_since(date: datetime.date, as_of: datetime.date) -> int:
    """The largest n with `date` plus n years not after `as_of`."""
    years = as_of.year - date.year + 1
    while add_years(date, years) > as_of:
        years -= 1
    return years


def extreme(name: str, items: list[Any]) -> Any:
    if not items:
        raise Problem(f"{name} of an empty list")
    if any(type(i) is datetime.date for i in items):
        keys = [to_date(i) for i in items]
    elif all(is_number(i) for i in items):
        keys = list(items)
    elif all(type(i) is str for i in items):
        keys = [nfc(i) for i in items]
    else:
        raise Problem(f"{name} of mixed or unorderable values")
    return min(keys) if name == "min" else max(keys)


def total(items: tuple[Any, ...]) -> Any:
    result: Any = 0
    for item in items:
        if not is_number(item):
            raise Problem("sum of a non-number")
        result = result + item
    return result


# --------------------------------------------------------------------- the tree walk (spec 4)


class Walker:
    def __init__(self, model: RuleSetModel, doc: dict[str, Any], as_of: datetime.date) -> None:
        self.model, self.doc, self.as_of = model, doc, as_of
        self.let_values: dict[str, Result] = {}

    def let(self, name: str) -> Result:
        if name not in self.let_values:
            # a let sees no quantifier variables
            self.let_values[name] = self.eval(self.model.lets[name].expr, {})
        return self.let_values[name]

    def read(self, base: Result, key: str) -> Result:
        if isinstance(base, Err):
            return base
        if isinstance(base, Unk):
            return absent((*base.origin, key)) if base.origin is not None else base
        origin = (*base.origin, key) if base.origin is not None else None
        if type(base.value) is not dict:
            return Err(f"cannot read key {key!r} from {base.value!r}")
        for candidate, value in base.value.items():
            if nfc(candidate) == nfc(key):
                return absent(origin) if value is None else Val(value, origin)
        return absent(origin)

    def start(self, path: n.Path, env: dict[str, Result]) -> tuple[Result, tuple[str, ...]]:
        """The value a path starts from, and the keys still to read."""
        if not path.root_is_key and path.root in env:
            return env[path.root], path.keys
        if not path.root_is_key and path.root in self.model.lets:
            return self.let(path.root), path.keys
        return Val(self.doc, ()), (path.root, *path.keys)

    def elements(self, expr: n.Expr, env: dict[str, Result]) -> list[Result] | Result:
        """The elements of a list: a literal item by item, a list value with nulls unknown."""
        if isinstance(expr, n.ListLiteral):
            return [self.eval(item, env) for item in expr.items]
        result = self.eval(expr, env)
        if not isinstance(result, Val):
            return result
        if type(result.value) is not list:
            return Err(f"not a list: {result.value!r}")
        return self.elements_of(result)

    def equals(self, a: Result, b: Result) -> Result:
        return apply([a, b], equal)

    def member(self, item: Result, members: list[Result] | Result) -> Result:
        if not isinstance(members, list):
            return members
        return kleene([self.equals(item, m) for m in members], dominant=True)

    def eval(self, expr: n.Expr, env: dict[str, Result]) -> Result:  # noqa: C901
        match expr:
            case n.Number(value=value) | n.String(value=value) | n.DateLiteral(value=value):
                return Val(value)
            case n.Boolean(value=value):
                return Val(value)
            case n.AsOf():
                return Val(self.as_of)
            case n.Null() | n.Invalid():
                return Err("not a value")
            case n.ListLiteral(items=items):
                return apply([self.eval(item, env) for item in items], lambda *values: list(values))
            case n.Path():
                result, keys = self.start(expr, env)
                for key in keys:
                    result = self.read(result, key)
                return result
            case n.KeyRead(base=base, key=key):
                return self.read(self.eval(base, env), key)
            case n.Negate(operand=operand):
                return apply([self.eval(operand, env)], negate)
            case n.Not(operand=operand):
                value = self.eval(operand, env)
                if isinstance(value, Val):
                    return Val(not value.value) if type(value.value) is bool else Err("not bool")
                return value
            case n.And(operands=operands) | n.Or(operands=operands):
                results = [self.eval(o, env) for o in operands]
                return kleene(results, dominant=isinstance(expr, n.Or))
            case n.Arithmetic(op=op, left=left, right=right):
                operands = [self.eval(left, env), self.eval(right, env)]
                return apply(operands, lambda a, b: arithmetic(op, a, b))
            case n.Comparison(op=op, left=left, right=right):
                operands = [self.eval(left, env), self.eval(right, env)]
                if op == "==":
                    return apply(operands, equal)
                if op == "!=":
                    return apply(operands, lambda a, b: not equal(a, b))
                return apply(operands, lambda a, b: order(op, a, b))
            case n.Membership(item=item, collection=collection, negated=negated):
                found = self.member(self.eval(item, env), self.elements(collection, env))
                return Val(not found.value) if negated and isinstance(found, Val) else found
            case n.Quantifier(kind=kind, variable=variable, collection=collection, body=body):
                members = self.elements(collection, env)
                if not isinstance(members, list):
                    return members
                results = [self.eval(body, {**env, variable: m}) for m in members]
                return kleene(results, dominant=kind == "any")
            case n.Call():
                return self.call(expr, env)
        raise AssertionError(expr)

    def call(self, expr: n.Call, env: dict[str, Result]) -> Result:  # noqa: C901
        name = expr.name
        if name == "exists":
            path = expr.args[0]
            assert isinstance(path, n.Path)
            result, keys = self.start(path, env)
            if isinstance(result, Err):
                return result  # exists through a let in error
            if isinstance(result, Unk):
                return Val(False)
            value = result.value
            for key in keys:
                if type(value) is not dict:
                    return Val(False)
                value = next((v for k, v in value.items() if nfc(k) == nfc(key)), None)
            return Val(value is not None)
        args = [self.eval(a, env) for a in expr.args]
        early = strict(args)
        if early is not None:
            return early
        values = [a.value for a in args]  # type: ignore[union-attr]
        as_of = self.as_of
        if name == "days_since":
            return apply(args, lambda d: (as_of - to_date(d)).days)
        if name == "years_since":
            return apply(args, lambda d: years_since(to_date(d), as_of))
        if name == "year":
            return apply(args, lambda d: to_date(d).year)
        if any(type(v) is not list for v in values):
            return Err(f"{name} needs a list")
        if name == "count":
            return Val(len(values[0]))
        lists = [self.elements_of(a) for a in args]
        if name in ("sum", "min", "max"):  # a null element makes them unknown
            return apply(lists[0], lambda *items: total(items) if name == "sum"
                         else extreme(name, list(items)))  # fmt: skip
        haystack, needles = lists
        results = [self.member(needle, haystack) for needle in needles]
        return kleene(results, dominant=name == "contains_any")

    def elements_of(self, result: Result) -> list[Result]:
        """The elements of a known list; a null element is unknown, with its path `name[i]`."""
        assert isinstance(result, Val)
        origin = result.origin
        return [
            absent((*origin, i) if origin is not None else None) if item is None
            else Val(item, (*origin, i) if origin is not None else None)
            for i, item in enumerate(result.value)
        ]  # fmt: skip


# ------------------------------------------------------------------- statuses and levels (6)


def is_identifier(text: str) -> bool:
    return (
        text != ""
        and (text[0].isalpha() or text[0] == "_")
        and all(ch.isalnum() or ch == "_" for ch in text)
    )


def render(path: tuple[Segment, ...], lets: frozenset[str]) -> str:
    out = ""
    for position, segment in enumerate(path):
        if isinstance(segment, int):
            out += f"[{segment}]"
            continue
        plain = is_identifier(segment) and not (
            position == 0 and (segment in RESERVED or segment in lets)
        )
        text = segment if plain else f"`{segment}`"
        out += text if position == 0 else "." + text
    return out


@dataclass
class Outcome:
    statuses: dict[int, str]
    missing: dict[int, frozenset[str]]
    levels: dict[str, int]
    overall: int
    gaps: dict[str, list[tuple[str, str, frozenset[str]]]]
    # Spec 9.1: the levels reached were every unknown criterion met, and the decided counts.
    levels_max: dict[str, int]
    overall_max: int
    decided: dict[str, tuple[int, int]]


def status_of(result: Result) -> str:
    if isinstance(result, Val):
        if type(result.value) is bool:
            return "met" if result.value else "not_met"
        return "error"  # no truthiness
    return "unknown" if isinstance(result, Unk) else "error"


def evaluate(model: RuleSetModel, doc: dict[str, Any], as_of: datetime.date) -> Outcome:
    walker = Walker(model, doc, as_of)
    lets = frozenset(model.lets)
    statuses: dict[int, str] = {}
    missing: dict[int, frozenset[str]] = {}
    for criterion in model.criteria:
        result = walker.eval(criterion.when, {})
        statuses[criterion.index] = status_of(result)
        paths = result.missing if isinstance(result, Unk) else frozenset()
        missing[criterion.index] = frozenset(render(p, lets) for p in paths)
    levels: dict[str, int] = {}
    levels_max: dict[str, int] = {}
    decided: dict[str, tuple[int, int]] = {}
    gaps: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
    for factor in model.factors:
        level = model.floor
        gaps[factor.id] = []
        for block in factor.blocks:  # cumulative: every block at or below must be met
            open_ = [c for c in block.criteria if statuses[c.index] != "met"]
            if open_:
                gaps[factor.id] = [(c.id, statuses[c.index], missing[c.index]) for c in open_]
                break
            level = block.number
        levels[factor.id] = level
        level_max = model.floor
        for block in factor.blocks:  # unknown counts as met; not met and error stay
            if any(statuses[c.index] in ("not_met", "error") for c in block.criteria):
                break
            level_max = block.number
        levels_max[factor.id] = level_max
        settled = [c for c in factor.criteria if statuses[c.index] in ("met", "not_met")]
        decided[factor.id] = (len(settled), len(factor.criteria))
    overall = overall_level(model, levels)
    overall_max = overall_level(model, levels_max)
    return Outcome(statuses, missing, levels, overall, gaps, levels_max, overall_max, decided)


def overall_level(model: RuleSetModel, levels: dict[str, int]) -> int:
    declared = [level.number for level in model.levels]
    values = list(levels.values())
    if not values:
        overall: Fraction = Fraction(model.floor)
    elif model.overall == "min":
        overall = Fraction(min(values))
    else:
        weights = [f.weight if model.overall == "weighted" else Fraction(1) for f in model.factors]
        overall = sum((w * v for w, v in zip(weights, values, strict=True)), Fraction(0))
        overall /= sum(weights)
    return max(level for level in declared if level <= overall)
