"""Bounded numbers and dates: what the exact evaluator computes from partial evidence (spec 9.3).

A partial value in evidence (`{"at_least": N}`, `{"at_least": [...]}`, `"YYYY"`, `"YYYY-MM"`)
stands for every completion of it. Numbers known only within bounds are `Bounded` (closed
bounds, either end may be unbounded, interval arithmetic without outward rounding); a partial
date is a `BoundedDate`, the range of its days. Each carries the evidence paths it came from, so
an unknown it causes can name them as missing.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from modenhet import values as v

PathKey = tuple[str | int, ...]
INF = math.inf


@dataclass(frozen=True, slots=True)
class Bounded:
    """A number known to lie in `[lo, hi]` (closed; `-inf`/`inf` for an unbounded end)."""

    lo: int | float
    hi: int | float
    sources: tuple[PathKey, ...] = ()
    kind_name = "a number (known within bounds)"

    def describe(self) -> str:
        return describe(self)


@dataclass(frozen=True, slots=True)
class BoundedDate:
    """A date known to lie in `[lo, hi]`: the days of a partial date."""

    lo: datetime.date
    hi: datetime.date
    sources: tuple[PathKey, ...] = ()
    kind_name = "a date (known within bounds)"

    def describe(self) -> str:
        return describe(self)


class Undecided(Exception):  # noqa: N818 - a result, like EvalError
    """The completions of a partial operand disagree: the result is unknown, and `paths` are
    the partial values that leave it open."""

    def __init__(self, paths: tuple[PathKey, ...] = ()) -> None:
        super().__init__("undecided")
        self.paths = paths


def is_partial_operand(value: Any) -> bool:
    """A partial value, or a bounded number or date computed from one."""
    cls = value.__class__
    if cls is Bounded or cls is BoundedDate:
        return True
    if cls is dict:
        return v.partial_kind(value) is not None
    return cls is str and v.partial_date(value) is not None


def may_be_partial(value: Any) -> bool:
    """`involves_partial`, quick for the plain values most comparisons meet."""
    cls = value.__class__
    if cls is int or cls is float or cls is bool or cls is datetime.date:
        return False
    if cls is str:
        return len(value) in (4, 7) and v.partial_date(value) is not None
    return involves_partial(value)


def involves_partial(value: Any) -> bool:
    """`is_partial_operand` for the value or anything inside it (lists, objects)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if is_partial_operand(item):
            return True
        if item.__class__ is list:
            stack.extend(item)
        elif item.__class__ is dict:
            stack.extend(item.values())
    return False


def sources_of(origin: PathKey | None) -> tuple[PathKey, ...]:
    return (origin,) if origin is not None else ()


def join(*groups: Sequence[PathKey]) -> tuple[PathKey, ...]:
    """Paths in order, without repeats."""
    return tuple(dict.fromkeys(path for group in groups for path in group))


def number_of(value: Any, origin: PathKey | None = None) -> Bounded | int | float | None:
    """A number or bounded number from a value, or None when it is neither."""
    if v.is_number(value) or value.__class__ is Bounded:
        return value  # type: ignore[no-any-return]
    if v.partial_kind(value) == "number":
        return Bounded(value["at_least"], INF, sources_of(origin))
    return None


def date_of(value: Any, origin: PathKey | None = None) -> BoundedDate | datetime.date:
    """A date or bounded date where a date is needed; raises `EvalError` for anything else."""
    if value.__class__ is datetime.date or value.__class__ is BoundedDate:
        return value
    if value.__class__ is str:
        days = v.partial_date(value)
        if days is not None:
            return BoundedDate(days[0], days[1], sources_of(origin))
    return v.as_date(value)


def sources(*values: Any) -> tuple[PathKey, ...]:
    return join(*(getattr(value, "sources", ()) for value in values))


def bounded(lo: int | float, hi: int | float, paths: tuple[PathKey, ...]) -> Any:
    """A bounded number; one whose bounds meet is that number."""
    if lo == hi and math.isfinite(lo):
        return lo if lo.__class__ is hi.__class__ or lo.__class__ is float else hi
    return Bounded(lo, hi, paths)


def ends(value: Any) -> tuple[Any, Any]:
    if value.__class__ is Bounded or value.__class__ is BoundedDate:
        return value.lo, value.hi
    return value, value


# ------------------------------------------------------------------------- arithmetic


def _end(op: str, a: int | float, b: int | float, *, low: bool) -> int | float:
    """One candidate bound: the operation on two ends, with ∞·0 = 0 and an undefined result
    (∞ − ∞, ∞ / ∞) unbounded on the side being computed."""
    if op == "*" and (a == 0 or b == 0) and not (math.isfinite(a) and math.isfinite(b)):
        return a if a == 0 else b  # an unbounded end times 0 is 0
    if math.isfinite(a) and math.isfinite(b):
        try:
            return v.arithmetic(op, a, b)
        except v.EvalError:
            raise Undecided from None  # a bound too large for a number: not every completion
    with_inf = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b != 0 else math.nan}[op]
    if math.isnan(with_inf):
        return -INF if low else INF
    return with_inf


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """`+ - * /` where an operand is a bounded number: the bounds of the result."""
    (a_lo, a_hi), (b_lo, b_hi) = ends(left), ends(right)
    paths = sources(left, right)
    if op == "+":
        return bounded(_end(op, a_lo, b_lo, low=True), _end(op, a_hi, b_hi, low=False), paths)
    if op == "-":
        return bounded(_end(op, a_lo, b_hi, low=True), _end(op, a_hi, b_lo, low=False), paths)
    if op == "/":
        if b_lo == 0 and b_hi == 0:
            raise v.EvalError(f"division by zero: {describe(left)} / {describe(right)}")
        if b_lo <= 0 <= b_hi:
            raise Undecided
    pairs = [(a, b) for a in (a_lo, a_hi) for b in (b_lo, b_hi)]
    lows = [_end(op, a, b, low=True) for a, b in pairs]
    highs = [_end(op, a, b, low=False) for a, b in pairs]
    return bounded(min(lows), max(highs), paths)


def negate(value: Any) -> Any:
    return bounded(-value.hi, -value.lo, value.sources)


# ------------------------------------------------------------------------- comparisons

_TRUE_WHEN = {  # (a's ends, b's ends) -> true for every value within the bounds
    "<": lambda a, b: a[1] < b[0],
    "<=": lambda a, b: a[1] <= b[0],
    ">": lambda a, b: a[0] > b[1],
    ">=": lambda a, b: a[0] >= b[1],
}
_FALSE_WHEN = {
    "<": lambda a, b: a[0] >= b[1],
    "<=": lambda a, b: a[0] > b[1],
    ">": lambda a, b: a[1] <= b[0],
    ">=": lambda a, b: a[1] < b[0],
}


def order(op: str, left: Any, right: Any) -> bool:
    """`< <= > >=` over bounds: true (false) when it is for every value within them."""
    a, b = ends(left), ends(right)
    if _TRUE_WHEN[op](a, b):
        return True
    if _FALSE_WHEN[op](a, b):
        return False
    raise Undecided


def overlap(left: Any, right: Any) -> bool | None:
    """`==` of two numbers or two dates, one bounded: false when the ranges are apart."""
    (a_lo, a_hi), (b_lo, b_hi) = ends(left), ends(right)
    if a_hi < b_lo or b_hi < a_lo:
        return False
    if a_lo == a_hi == b_lo == b_hi:
        return True
    return None


# ------------------------------------------------------------------------- dates


def days_since(date: Any, as_of: datetime.date) -> Any:
    lo, hi = ends(date)
    return bounded((as_of - hi).days, (as_of - lo).days, sources(date))


def years_since(date: Any, as_of: datetime.date) -> Any:
    lo, hi = ends(date)
    return bounded(v.years_since(hi, as_of), v.years_since(lo, as_of), sources(date))


def year(date: Any) -> Any:
    lo, hi = ends(date)
    return bounded(lo.year, hi.year, sources(date))


def describe(value: Any) -> str:
    if value.__class__ is Bounded:
        if value.hi == INF:
            return f"at least {v.describe(value.lo)}" if value.lo != -INF else "any number"
        if value.lo == -INF:
            return f"at most {v.describe(value.hi)}"
        return f"{v.describe(value.lo)} to {v.describe(value.hi)}"
    if value.__class__ is BoundedDate:
        return f"a day from {value.lo.isoformat()} to {value.hi.isoformat()}"
    return v.describe(value)


# ------------------------------------------------------------- operators on known results
# Each takes the exact evaluator's known results (`.value`, `.origin`) and gives a value, or
# raises `Undecided` (naming the partial values' paths) or `EvalError`.


def _number(result: Any) -> Any:
    return number_of(result.value, result.origin)


def negate_result(result: Any) -> Any:
    number = _number(result)
    if number.__class__ is not Bounded:
        return v.negate(result.value)
    return negate(number)


def arithmetic_result(op: str, left: Any, right: Any) -> Any:
    a, b = _number(left), _number(right)
    if a is None or b is None or (a.__class__ is not Bounded and b.__class__ is not Bounded):
        return v.arithmetic(op, left.value, right.value)  # a type error, or plain numbers
    try:
        return arithmetic(op, a, b)
    except Undecided:
        raise Undecided(sources(a, b)) from None


def _as_dates(left: Any, right: Any) -> tuple[Any, Any] | None:
    """Both operands as dates where an ordering reads them so (spec 5 and 9.3a), else None."""
    a, b = left.value, right.value
    date_like = (datetime.date, BoundedDate)
    if a.__class__ in date_like or b.__class__ in date_like:
        if a.__class__ in (*date_like, str) and b.__class__ in (*date_like, str):
            return date_of(a, left.origin), date_of(b, right.origin)
        return None
    if a.__class__ is str and b.__class__ is str and v._partial_dates(a, b):
        return date_of(a, left.origin), date_of(b, right.origin)
    return None


def order_result(op: str, left: Any, right: Any) -> bool:
    dates = _as_dates(left, right)
    if dates is not None:
        a, b = dates
    else:
        a, b = _number(left), _number(right)
        if a is None or b is None:
            if left.value.__class__ is Bounded or right.value.__class__ is Bounded:
                raise v.EvalError(
                    f"cannot order {v.described(left.value)} {op} {v.described(right.value)}: "
                    "'<', '<=', '>' and '>=' compare two numbers, two strings or two dates"
                )
            return v.order(op, left.value, right.value)  # partial values of the wrong kind
    if a.__class__ is not Bounded and a.__class__ is not BoundedDate:
        if b.__class__ is not Bounded and b.__class__ is not BoundedDate:
            return v.order(op, a, b)
    try:
        return order(op, a, b)
    except Undecided:
        raise Undecided(sources(a, b)) from None


def count_result(result: Any) -> Any:
    value = result.value
    if v.partial_kind(value) == "list":
        return Bounded(len(value["at_least"]), INF, sources_of(result.origin))
    return v.count(value)


def dated(name: str, result: Any, as_of: datetime.date) -> Any:
    """`days_since`, `years_since` or `year` of a date, partial date or bounded date."""
    date = date_of(result.value, result.origin)
    if not isinstance(date, BoundedDate):
        if name == "days_since":
            return (as_of - date).days
        if name == "years_since":
            return v.years_since(date, as_of)
        return date.year
    if name == "days_since":
        return days_since(date, as_of)
    if name == "years_since":
        return years_since(date, as_of)
    return year(date)


def aggregate(name: str, items: Sequence[Any]) -> Any:
    """`sum`, `min` or `max` of a (complete) list holding a partial or bounded element."""
    values = [item.value for item in items]
    if name != "sum" and any(value.__class__ in (datetime.date, BoundedDate) for value in values):
        dates = [date_of(item.value, item.origin) for item in items]
        return _extreme(name, dates, BoundedDate)
    numbers = [_number(item) for item in items]
    for number in numbers:
        if number is None:
            if name == "sum":
                return v.total(values)  # raises: not a number
            return v.extreme(name, values)  # raises: mixed kinds
    if name == "sum":
        lo: Any = 0
        hi: Any = 0
        for number in numbers:
            lo = _end("+", lo, ends(number)[0], low=True)
            hi = _end("+", hi, ends(number)[1], low=False)
        return bounded(lo, hi, sources(*numbers))
    return _extreme(name, numbers, Bounded)


def _extreme(name: str, items: Sequence[Any], kind: type) -> Any:
    pick = min if name == "min" else max
    lo = pick(ends(item)[0] for item in items)
    hi = pick(ends(item)[1] for item in items)
    if kind is BoundedDate:
        return lo if lo == hi else BoundedDate(lo, hi, sources(*items))
    return bounded(lo, hi, sources(*items))


def open_extreme(name: str, numbers: Sequence[Any], paths: tuple[PathKey, ...]) -> Bounded:
    """`max` (`min`) of a partial list of numbers: at least the largest (at most the smallest)
    of the known elements (spec 9.3)."""
    joined = join(paths, sources(*numbers))
    if name == "max":
        return Bounded(max(ends(number)[0] for number in numbers), INF, joined)
    return Bounded(-INF, min(ends(number)[1] for number in numbers), joined)


# ------------------------------------------------------------------------- equality


def _kind(value: Any) -> str:
    cls = value.__class__
    if cls is bool:
        return "bool"
    if cls is int or cls is float or cls is Bounded:
        return "number"
    if cls is datetime.date or cls is BoundedDate:
        return "date"
    if cls is str:
        return "string"
    if cls is list:
        return "list"
    if cls is dict:
        partial = v.partial_kind(value)
        return partial if partial is not None else "object"
    return "null" if value is None else cls.__name__


def _at(origin: PathKey | None, segment: str | int) -> PathKey | None:
    return (*origin, segment) if origin is not None else None


def equal(
    left: Any, right: Any, left_at: PathKey | None, right_at: PathKey | None, found: list[PathKey]
) -> bool | None:
    """`==` where either side is or holds a partial or bounded value: true (false) when every
    completion agrees, else None, with the partial values that leave it open added to `found`."""
    left_kind, right_kind = _kind(left), _kind(right)
    if left_kind == "date" or right_kind == "date":
        if {left_kind, right_kind} <= {"date", "string"}:
            a, b = date_of(left, left_at), date_of(right, right_at)
            result = overlap(a, b)
            if result is None:
                found.extend(sources(a, b))
            return result
        return False
    if left_kind != right_kind:
        return False
    if left_kind == "number":
        x, y = number_of(left, left_at), number_of(right, right_at)
        result = overlap(x, y)
        if result is None:
            found.extend(sources(x, y))
        return result
    if left_kind == "list":
        left_partial, right_partial = v.partial_kind(left), v.partial_kind(right)
        if left_partial and right_partial:
            found.extend((*sources_of(left_at), *sources_of(right_at)))
            return None
        if left_partial or right_partial:
            if right_partial:
                left, right, left_at, right_at = right, left, right_at, left_at
            return _embeds(left["at_least"], right, left_at, right_at, found)
        if len(left) != len(right):
            return False
        pairs = [
            (a, b, _at(left_at, i), _at(right_at, i))
            for i, (a, b) in enumerate(zip(left, right, strict=True))
        ]
        return _all_equal(pairs, found)
    if left_kind == "object":
        a_keys = {v.nfc(key): key for key in left}
        b_keys = {v.nfc(key): key for key in right}
        if a_keys.keys() != b_keys.keys():
            return False
        pairs = [
            (left[a_keys[k]], right[b_keys[k]], _at(left_at, k), _at(right_at, k)) for k in a_keys
        ]
        return _all_equal(pairs, found)
    return v.equal(left, right)


def _all_equal(pairs: Sequence[tuple[Any, Any, Any, Any]], found: list[PathKey]) -> bool | None:
    """Element by element, in order as `values.equal` goes: false or an error at once."""
    open_paths: list[PathKey] = []
    undecided = False
    for a, b, a_at, b_at in pairs:
        result = equal(a, b, a_at, b_at, open_paths)
        if result is False:
            return False
        undecided = undecided or result is None
    if undecided:
        found.extend(open_paths)
        return None
    return True


def _embeds(
    known: list[Any],
    target: list[Any],
    partial_at: PathKey | None,
    target_at: PathKey | None,
    found: list[PathKey],
) -> bool | None:
    """A partial list against a complete one: never true (a completion may add elements);
    false when its known elements cannot each be matched to a different element of the list."""
    if len(known) > len(target):
        return False
    scratch: list[PathKey] = []
    possible = [
        [
            equal(a, b, _at(partial_at, i), _at(target_at, j), scratch) is not False
            for j, b in enumerate(target)
        ]
        for i, a in enumerate(known)
    ]
    matched: dict[int, int] = {}  # target index -> known index

    def assign(i: int, seen: set[int]) -> bool:
        for j, ok in enumerate(possible[i]):
            if ok and j not in seen:
                seen.add(j)
                if j not in matched or assign(matched[j], seen):
                    matched[j] = i
                    return True
        return False

    if not all(assign(i, set()) for i in range(len(known))):
        return False
    found.extend((*sources_of(partial_at), *scratch))
    return None
