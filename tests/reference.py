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


# ------------------------------------------------------------- partial values (spec 9.2-9.3)

INF = float("inf")


@dataclass(frozen=True)
class Span:
    """A number (or, with `dates`, a date) known only to lie in [lo, hi], both ends included."""

    lo: Any
    hi: Any
    paths: frozenset[tuple[Segment, ...]] = frozenset()
    dates: bool = False


class Undecided(Exception):  # noqa: N818
    def __init__(self, paths: frozenset[tuple[Segment, ...]]) -> None:
        super().__init__()
        self.paths = paths


class Open(list):  # type: ignore[type-arg]
    """The known elements of a partial list."""

    paths: frozenset[tuple[Segment, ...]] = frozenset()


PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")


def at_least(value: Any) -> str | None:
    """ "list" or "number" when `value` is a partial value, else None."""
    if type(value) is dict and list(value) == ["at_least"]:
        inner = value["at_least"]
        if type(inner) is list:
            return "list"
        if is_number(inner):
            return "number"
    return None


def here(origin: Origin) -> frozenset[tuple[Segment, ...]]:
    return frozenset({origin}) if origin is not None else frozenset()


def partial_day_span(text: str, origin: Origin) -> Span | None:
    found = PARTIAL_DATE.fullmatch(text) if type(text) is str and text.isascii() else None
    if found is None or int(found[1]) == 0:
        return None
    y = int(found[1])
    if found[2] is None:
        return Span(datetime.date(y, 1, 1), datetime.date(y, 12, 31), here(origin), True)
    m = int(found[2])
    if not 1 <= m <= 12:
        return None
    nxt = datetime.date(y + 1, 1, 1) if m == 12 else datetime.date(y, m + 1, 1)
    return Span(datetime.date(y, m, 1), nxt - datetime.timedelta(days=1), here(origin), True)


def span_number(value: Any, origin: Origin) -> Any:
    """A number or a Span of numbers; None for anything else."""
    if isinstance(value, Span) and not value.dates:
        return value
    if at_least(value) == "number":
        return Span(value["at_least"], INF, here(origin))
    return value if is_number(value) else None


def span_date(value: Any, origin: Origin) -> Any:
    if isinstance(value, Span) and value.dates:
        return value
    if type(value) is str:
        found = partial_day_span(value, origin)
        if found is not None:
            return found
    return to_date(value)


def lohi(value: Any) -> tuple[Any, Any]:
    return (value.lo, value.hi) if isinstance(value, Span) else (value, value)


def paths_of(*values: Any) -> frozenset[tuple[Segment, ...]]:
    out: frozenset[tuple[Segment, ...]] = frozenset()
    for value in values:
        if isinstance(value, Span):
            out |= value.paths
    return out


def make_span(lo: Any, hi: Any, paths: frozenset[tuple[Segment, ...]], dates: bool = False) -> Any:
    if lo == hi and lo not in (INF, -INF):
        return lo
    return Span(lo, hi, paths, dates)


def bound_op(op: str, a: Any, b: Any, side: int) -> Any:
    """One end of an interval operation (side -1 low, +1 high): inf * 0 = 0, undefined
    results unbounded on that side."""
    finite = a not in (INF, -INF) and b not in (INF, -INF)
    if op == "*" and not finite and 0 in (a, b):
        return a if a == 0 else b
    if finite:
        try:
            result = arithmetic(op, a, b)
        except Problem:
            raise Undecided(frozenset()) from None
        if type(result) is float and result in (INF, -INF):
            raise Undecided(frozenset())
        return result
    try:
        result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                  "/": lambda: a / b}[op]()  # fmt: skip
    except ZeroDivisionError:
        result = float("nan")
    if result != result:  # NaN: undefined
        return INF * side
    return result


def span_arithmetic(op: str, a: Any, b: Any) -> Any:
    (al, ah), (bl, bh) = lohi(a), lohi(b)
    paths = paths_of(a, b)
    if op == "/" and bl == 0 and bh == 0:
        raise Problem("division by zero")
    if op == "/" and bl <= 0 <= bh:
        raise Undecided(paths)
    corners = [(x, y) for x in (al, ah) for y in (bl, bh)]
    try:
        if op == "+":
            lo, hi = bound_op(op, al, bl, -1), bound_op(op, ah, bh, 1)
        elif op == "-":
            lo, hi = bound_op(op, al, bh, -1), bound_op(op, ah, bl, 1)
        else:
            lo = min(bound_op(op, x, y, -1) for x, y in corners)
            hi = max(bound_op(op, x, y, 1) for x, y in corners)
    except Undecided:
        raise Undecided(paths) from None
    return make_span(lo, hi, paths)


def span_order(op: str, a: Any, b: Any) -> bool:
    (al, ah), (bl, bh) = lohi(a), lohi(b)
    every = {"<": ah < bl, "<=": ah <= bl, ">": al > bh, ">=": al >= bh}[op]
    never = {"<": al >= bh, "<=": al > bh, ">": ah <= bl, ">=": ah < bl}[op]
    if every:
        return True
    if never:
        return False
    raise Undecided(paths_of(a, b))


def is_partial(value: Any) -> bool:
    return (
        isinstance(value, Span)
        or at_least(value) is not None
        or (type(value) is str and partial_day_span(value, None) is not None)
    )


def holds_partial(value: Any) -> bool:
    if is_partial(value):
        return True
    if type(value) is list:
        return any(holds_partial(item) for item in value)
    if type(value) is dict:
        return any(holds_partial(item) for item in value.values())
    return False


def sub(origin: Origin, segment: Segment) -> Origin:
    return None if origin is None else (*origin, segment)


def equal3(a: Any, ao: Origin, b: Any, bo: Origin, paths: set[Any]) -> bool | None:
    """== for every completion: True, False, or None (undecided; `paths` gets why)."""
    a_date = type(a) is datetime.date or (isinstance(a, Span) and a.dates)
    b_date = type(b) is datetime.date or (isinstance(b, Span) and b.dates)
    if a_date or b_date:
        if all(type(x) in (str, datetime.date) or isinstance(x, Span) and x.dates for x in (a, b)):
            x, y = span_date(a, ao), span_date(b, bo)
            (xl, xh), (yl, yh) = lohi(x), lohi(y)
            if xh < yl or yh < xl:
                return False
            if xl == xh == yl == yh:
                return True
            paths.update(paths_of(x, y))
            return None
        return False
    na, nb = span_number(a, ao), span_number(b, bo)
    if na is not None and nb is not None and type(a) is not bool and type(b) is not bool:
        (xl, xh), (yl, yh) = lohi(na), lohi(nb)
        if xh < yl or yh < xl:
            return False
        if xl == xh == yl == yh:
            return True
        paths.update(paths_of(na, nb))
        return None
    if (na is None) != (nb is None) and (
        at_least(a) == "number"
        or at_least(b) == "number"
        or isinstance(a, Span)
        or isinstance(b, Span)
    ):
        return False
    pa, pb = at_least(a) == "list", at_least(b) == "list"
    if pa or pb:
        if pa and pb:
            paths.update(here(ao) | here(bo))
            return None
        if pb:
            a, ao, b, bo = b, bo, a, ao
        if type(b) is not list:
            return False
        known = a["at_least"]
        if len(known) > len(b):
            return False
        inner: set[Any] = set()
        options = [
            {j for j, y in enumerate(b) if equal3(x, sub(ao, i), y, sub(bo, j), inner) is not False}
            for i, x in enumerate(known)
        ]

        # a different element of b for each known element (small lists: try every assignment)
        def fits(i: int, used: frozenset[int]) -> bool:
            return i == len(options) or any(fits(i + 1, used | {j}) for j in options[i] - used)

        if not fits(0, frozenset()):
            return False
        paths.update(here(ao) | inner)
        return None
    if type(a) is list and type(b) is list:
        if len(a) != len(b):
            return False
        seen: set[Any] = set()
        undecided = False
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            r = equal3(x, sub(ao, i), y, sub(bo, i), seen)
            if r is False:
                return False
            undecided = undecided or r is None
        if undecided:
            paths.update(seen)
            return None
        return True
    if type(a) is dict and type(b) is dict:
        ka = {nfc(k): k for k in a}
        kb = {nfc(k): k for k in b}
        if ka.keys() != kb.keys():
            return False
        seen = set()
        undecided = False
        for k in ka:
            r = equal3(a[ka[k]], sub(ao, k), b[kb[k]], sub(bo, k), seen)
            if r is False:
                return False
            undecided = undecided or r is None
        if undecided:
            paths.update(seen)
            return None
        return True
    return equal(a, b)


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
        partial = at_least(base.value) is not None and base.origin != ()  # () is the document
        if type(base.value) is not dict or partial:
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
        if type(result.value) is not list and at_least(result.value) != "list":
            return Err(f"not a list: {result.value!r}")
        return self.elements_of(result)

    def equals(self, a: Result, b: Result) -> Result:
        early = strict([a, b])
        if early is not None:
            return early
        assert isinstance(a, Val) and isinstance(b, Val)
        if not (holds_partial(a.value) or holds_partial(b.value)):
            return apply([a, b], equal)
        why: set[Any] = set()
        try:
            found = equal3(a.value, a.origin, b.value, b.origin, why)
        except Problem as problem:
            return Err(str(problem))
        return Unk(frozenset(why)) if found is None else Val(found)

    def member(self, item: Result, members: list[Result] | Result) -> Result:
        if not isinstance(members, list):
            return members
        results = [self.equals(item, m) for m in members]
        if isinstance(members, Open):
            return self.open_kleene(results, True, members.paths, [item])
        return kleene(results, dominant=True)

    @staticmethod
    def open_kleene(
        results: list[Result], dominant: bool, paths: frozenset[Any], extra: list[Result]
    ) -> Result:
        """Over the known elements of a partial list: only the dominant value decides."""
        if any(isinstance(r, Val) and r.value is dominant for r in results):
            return Val(dominant)
        missing = frozenset(paths)
        for r in [*results, *extra]:
            if isinstance(r, Unk):
                missing |= r.missing
        return Unk(missing)

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
                value = self.eval(operand, env)
                if isinstance(value, Val):
                    number = span_number(value.value, value.origin)
                    if isinstance(number, Span):
                        return Val(make_span(-number.hi, -number.lo, number.paths))
                return apply([value], negate)
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
                return self.spanned(operands, lambda a, b: arithmetic(op, a, b),
                                    lambda a, b: self.span_arith(op, a, b))  # fmt: skip
            case n.Comparison(op=op, left=left, right=right):
                operands = [self.eval(left, env), self.eval(right, env)]
                if op in ("==", "!="):
                    found = self.equals(*operands)
                    if op == "!=" and isinstance(found, Val):
                        return Val(not found.value)
                    return found
                return self.spanned(operands, lambda a, b: order(op, a, b),
                                    lambda a, b: self.span_compare(op, a, b))  # fmt: skip
            case n.Membership(item=item, collection=collection, negated=negated):
                found = self.member(self.eval(item, env), self.elements(collection, env))
                return Val(not found.value) if negated and isinstance(found, Val) else found
            case n.Quantifier(kind=kind, variable=variable, collection=collection, body=body):
                members = self.elements(collection, env)
                if not isinstance(members, list):
                    return members
                results = [self.eval(body, {**env, variable: m}) for m in members]
                if isinstance(members, Open):
                    return self.open_kleene(results, kind == "any", members.paths, [])
                return kleene(results, dominant=kind == "any")
            case n.Call():
                return self.call(expr, env)
        raise AssertionError(expr)

    @staticmethod
    def spanned(
        operands: list[Result], plain: Callable[..., Any], partial: Callable[..., Any]
    ) -> Result:
        """A strict binary operator; `partial` takes the operand results when one is partial."""
        early = strict(operands)
        if early is not None:
            return early
        a, b = operands
        assert isinstance(a, Val) and isinstance(b, Val)
        try:
            if is_partial(a.value) or is_partial(b.value):
                return Val(partial(a, b))
            return Val(plain(a.value, b.value))
        except Undecided as undecided:
            return Unk(undecided.paths)
        except Problem as problem:
            return Err(str(problem))

    @staticmethod
    def span_arith(op: str, a: Val, b: Val) -> Any:
        x, y = span_number(a.value, a.origin), span_number(b.value, b.origin)
        if x is None or y is None or (type(a.value) is bool) or (type(b.value) is bool):
            raise Problem(f"{op} needs numbers")
        if not isinstance(x, Span) and not isinstance(y, Span):
            return arithmetic(op, x, y)
        return span_arithmetic(op, x, y)

    @staticmethod
    def span_compare(op: str, a: Val, b: Val) -> bool:
        x, y = a.value, b.value
        date_like = [type(z) is datetime.date or (isinstance(z, Span) and z.dates) for z in (x, y)]
        texts = [type(z) is str for z in (x, y)]
        dated = any(date_like) and all(d or t for d, t in zip(date_like, texts, strict=True))
        if all(texts):
            shapes = [partial_day_span(z, None) is not None for z in (x, y)]
            full = [DATE_TEXT.fullmatch(z) is not None for z in (x, y)]
            dated = (shapes[0] and (shapes[1] or full[1])) or (shapes[1] and full[0])
            if not dated:
                return order(op, x, y)
        if dated:
            p, q = span_date(x, a.origin), span_date(y, b.origin)
        elif any(date_like):
            raise Problem(f"cannot order {x!r} {op} {y!r}")
        else:
            p, q = span_number(x, a.origin), span_number(y, b.origin)
            if p is None or q is None or type(x) is bool or type(y) is bool:
                raise Problem(f"cannot order {x!r} {op} {y!r}")
        if isinstance(p, Span) or isinstance(q, Span):
            return span_order(op, p, q)
        return order(op, p, q)

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
                if type(value) is not dict or (
                    at_least(value) is not None and value is not self.doc
                ):
                    return Val(False)
                value = next((v for k, v in value.items() if nfc(k) == nfc(key)), None)
            return Val(value is not None)
        args = [self.eval(a, env) for a in expr.args]
        early = strict(args)
        if early is not None:
            return early
        values = [a.value for a in args]  # type: ignore[union-attr]
        as_of = self.as_of
        if name in ("days_since", "years_since", "year"):
            arg = args[0]
            assert isinstance(arg, Val)
            try:
                day = span_date(arg.value, arg.origin)
            except Problem as problem:
                return Err(str(problem))
            if not isinstance(day, Span):
                if name == "days_since":
                    return Val((as_of - day).days)
                return Val(years_since(day, as_of) if name == "years_since" else day.year)
            if name == "days_since":
                return Val(make_span((as_of - day.hi).days, (as_of - day.lo).days, day.paths))
            if name == "years_since":
                return Val(make_span(years_since(day.hi, as_of), years_since(day.lo, as_of),
                                     day.paths))  # fmt: skip
            return Val(make_span(day.lo.year, day.hi.year, day.paths))
        if any(type(v) is not list and at_least(v) != "list" for v in values):
            return Err(f"{name} needs a list")
        if name == "count":
            if at_least(values[0]) == "list":
                return Val(Span(len(values[0]["at_least"]), INF, here(args[0].origin)))  # type: ignore[union-attr]
            return Val(len(values[0]))
        lists = [self.elements_of(a) for a in args]
        if name in ("sum", "min", "max"):  # a null element makes them unknown
            return self.aggregate(name, lists[0])
        haystack, needles = lists
        results = [self.member(needle, haystack) for needle in needles]
        if isinstance(needles, Open):
            if name == "contains_any" and not haystack and not isinstance(haystack, Open):
                return Val(False)
            also = haystack.paths if isinstance(haystack, Open) else frozenset()
            return self.open_kleene(results, name == "contains_any", needles.paths | also, [])
        return kleene(results, dominant=name == "contains_any")

    @staticmethod
    def aggregate(name: str, items: list[Result]) -> Result:
        if isinstance(items, Open):
            missing = frozenset(items.paths)
            for item in items:
                if isinstance(item, Unk):
                    missing |= item.missing
            spans = [span_number(i.value, i.origin) if isinstance(i, Val) else None for i in items]
            if name == "sum" or not spans or any(x is None for x in spans):
                return Unk(missing)
            paths = frozenset(items.paths).union(*(paths_of(x) for x in spans))
            if name == "max":
                return Val(Span(max(lohi(x)[0] for x in spans), INF, paths))
            return Val(Span(-INF, min(lohi(x)[1] for x in spans), paths))
        early = strict(items)
        if early is not None:
            return early
        known = [i for i in items if isinstance(i, Val)]
        if not any(is_partial(i.value) for i in known):
            return apply(items, lambda *xs: total(xs) if name == "sum" else extreme(name, list(xs)))
        try:
            if name != "sum" and any(
                type(i.value) is datetime.date or (isinstance(i.value, Span) and i.value.dates)
                for i in known
            ):
                days = [span_date(i.value, i.origin) for i in known]
                pick = min if name == "min" else max
                lo, hi = pick(lohi(d)[0] for d in days), pick(lohi(d)[1] for d in days)
                return Val(lo if lo == hi else Span(lo, hi, paths_of(*days), True))
            spans = [span_number(i.value, i.origin) for i in known]
            if any(x is None for x in spans):
                if name == "sum":
                    return Err("sum of a non-number")
                return apply(items, lambda *xs: extreme(name, list(xs)))
            if name == "sum":
                lo = hi = 0
                for x in spans:
                    lo = bound_op("+", lo, lohi(x)[0], -1)
                    hi = bound_op("+", hi, lohi(x)[1], 1)
                return Val(make_span(lo, hi, paths_of(*spans)))
            pick = min if name == "min" else max
            return Val(make_span(pick(lohi(x)[0] for x in spans),
                                 pick(lohi(x)[1] for x in spans), paths_of(*spans)))  # fmt: skip
        except Undecided as undecided:
            return Unk(undecided.paths)
        except Problem as problem:
            return Err(str(problem))

    def elements_of(self, result: Result) -> list[Result]:
        """The elements of a known list; a null element is unknown, with its path `name[i]`."""
        assert isinstance(result, Val)
        origin = result.origin
        if at_least(result.value) == "list":
            known = Open(self.elements_of(Val(result.value["at_least"], origin)))
            known.paths = here(origin)
            return known
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
