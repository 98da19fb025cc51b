"""The exact evaluator's values and the rules that combine them (spec section 5): known,
unknown (with its missing paths) and error results, the evaluation frame, the strict and
commutative logic, lists walked element by element, equality and membership — with partial
values (spec 9.3). `exact.py` compiles expressions to closures over these; the built-in
functions (`functions.py`) use them too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from modenhet import values as v
from modenhet.engine import bounds as b
from modenhet.limits import Budget, process_limits

LIST_LENGTH = process_limits().list_length

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Known:
    value: Any
    origin: PathKey | None = None  # where in the document the value was read


@dataclass(frozen=True, slots=True)
class Unknown:
    missing: tuple[PathKey, ...]
    origin: PathKey | None = None  # the absent or null path, so key reads can extend it


@dataclass(frozen=True, slots=True)
class Failure:
    message: str


Result = Known | Unknown | Failure
TRUE = Known(True)
FALSE = Known(False)


class Frame:
    """One document's evaluation: the document, `as_of`, let values (computed once) and the
    values of the quantifier variables in scope."""

    __slots__ = ("doc", "as_of", "lets", "let_code", "bindings", "budget")

    def __init__(
        self, doc: Any, as_of: datetime.date, let_code: dict[str, Callable[[Frame], Result]]
    ) -> None:
        self.doc = doc
        self.as_of = as_of
        self.lets: dict[str, Result] = {}
        self.let_code = let_code
        self.bindings: dict[str, Result] = {}
        self.budget = Budget(process_limits().evaluation_steps)

    def let(self, name: str) -> Result:
        if name not in self.lets:
            outer, self.bindings = self.bindings, {}  # a let never sees quantifier variables
            try:
                self.lets[name] = self.let_code[name](self)
            finally:  # out of steps inside a let: explain goes on with the next criterion
                self.bindings = outer
        return self.lets[name]


Code = Callable[[Frame], Result]
MISSING = object()


def read_key(obj: dict[str, Any], key: str, budget: Budget | None = None) -> Any:
    """`obj[key]`, matching keys in NFC; `MISSING` when absent. Scanning the keys for one in
    another Unicode form is taken from the budget when there is one (as in the fast path)."""
    if key in obj:
        return obj[key]
    if budget is not None:
        budget.spend(len(obj))
    for candidate in obj:
        if candidate.__class__ is str and not candidate.isascii():
            if budget is not None and len(candidate) >= v.STRING_STEP:
                budget.spend(len(candidate) // v.STRING_STEP)
            if v.nfc(candidate) == key:
                return obj[candidate]
    return MISSING


def value_at(doc: Any, path: PathKey) -> Any:
    """The value at a missing path in the document, or None when it is absent or null; an
    index reads the known elements of a partial list as it reads a list."""
    value = doc
    for segment in path:
        if isinstance(segment, int):
            if v.partial_kind(value) == "list":
                value = value["at_least"]
            if value.__class__ is not list or segment >= len(value):
                return None
            value = value[segment]
        else:
            if value.__class__ is not dict:
                return None
            value = read_key(value, segment)
            if value is MISSING:
                return None
    return value


def key_of(result: Result, key: str, budget: Budget | None = None) -> Result:
    """Read `key` from a result, keeping track of where in the document it was."""
    match result:
        case Known(value=value, origin=origin):
            path = (*origin, key) if origin is not None else None
            if value.__class__ is not dict or (
                len(value) == 1 and origin != () and v.partial_kind(value)  # () is the document
            ):
                return Failure(f"cannot read key '{key}' from {v.described(value)}")
            found = read_key(value, key, budget)
            if found is MISSING or found is None:
                return Unknown((path,) if path is not None else (), path)
            return Known(found, path)
        case Unknown(origin=origin) if origin is not None:
            path = (*origin, key)
            return Unknown((path,), path)
    return result


def merge_missing(results: Sequence[Result]) -> tuple[PathKey, ...]:
    seen: dict[PathKey, None] = {}
    for result in results:
        if isinstance(result, Unknown):
            seen.update(dict.fromkeys(result.missing))
    return tuple(seen)


def strict(results: Sequence[Result]) -> Result | None:
    """The outcome of an operator before it is attempted: unknown wins over error."""
    if any(isinstance(r, Unknown) for r in results):
        return Unknown(merge_missing(results))
    for result in results:
        if isinstance(result, Failure):
            return result
    return None


def conjunction(results: Sequence[Result], what: str) -> Result:
    """`and` over results: any false; else any error; else any unknown; else true."""
    return _combine(results, what, dominant=False)


def disjunction(results: Sequence[Result], what: str) -> Result:
    """`or` over results: any true; else any error; else any unknown; else false."""
    return _combine(results, what, dominant=True)


def _combine(results: Sequence[Result], what: str, *, dominant: bool) -> Result:
    failure: Failure | None = None
    unknown: list[Result] = []
    for result in results:
        if isinstance(result, Known):
            if result.value.__class__ is not bool:
                failure = failure or Failure(
                    f"{what} must be true or false, but is {v.described(result.value)}"
                )
            elif result.value is dominant:
                return Known(dominant)
        elif isinstance(result, Failure):
            failure = failure or result
        else:
            unknown.append(result)
    if failure is not None:
        return failure
    if unknown:
        return Unknown(merge_missing(unknown))
    return Known(not dominant)


def attempt(text: str, compute: Callable[[], Any]) -> Result:
    try:
        return Known(compute())
    except v.EvalError as error:
        return Failure(f"{error} (in '{text}')")


def bounded(text: str, compute: Callable[[], Any]) -> Result:
    """`_attempt` for a computation on partial or bounded values: it may be undecided."""
    try:
        return Known(compute())
    except b.Undecided as undecided:
        return Unknown(undecided.paths)
    except v.EvalError as error:
        return Failure(f"{error} (in '{text}')")


class PartialMembers(list[Result]):
    """The known elements of a partial list (spec 9.2): the list holds these and perhaps more.
    `sources` is where the partial list was read, for the missing paths of what it leaves open."""

    sources: tuple[PathKey, ...] = ()


def elements(result: Result, text: str, budget: Budget | None = None) -> list[Result] | Result:
    """The element results of a list, or the result itself when it is not a known list. A list
    longer than the limit is an error; walking it is taken from the document's budget. A
    partial list gives its known elements as `PartialMembers`."""
    if not isinstance(result, Known):
        return result
    items = result.value
    partial = v.partial_kind(items) == "list"
    if partial:
        items = items["at_least"]
    elif items.__class__ is not list:
        return Failure(f"expected a list, got {v.described(result.value)} (in '{text}')")
    if len(items) > LIST_LENGTH:
        return Failure(
            f"the list has {len(items):,} elements; the limit is "
            f"{LIST_LENGTH:,} (raise it with MODENHET_MAX_LIST_LENGTH) (in '{text}')"
        )
    if budget is not None:
        budget.spend(len(items))
    origin = result.origin
    out: list[Result] = PartialMembers() if partial else []
    if partial:
        out.sources = b.sources_of(origin)  # type: ignore[attr-defined]
    for index, item in enumerate(items):
        path = (*origin, index) if origin is not None else None
        if item is None:
            out.append(Unknown((path,) if path is not None else (), path))
        else:
            out.append(Known(item, path))
    return out


def equality(left: Result, right: Result, text: str, budget: Budget) -> Result:
    early = strict((left, right))
    if early is not None:
        return early
    assert isinstance(left, Known) and isinstance(right, Known)
    budget.spend(v.comparison_steps(left.value, right.value))
    if not (b.may_be_partial(left.value) or b.may_be_partial(right.value)):
        return attempt(text, lambda: v.equal(left.value, right.value))
    found: list[PathKey] = []
    try:
        equal = b.equal(left.value, right.value, left.origin, right.origin, found)
    except v.EvalError as error:
        return Failure(f"{error} (in '{text}')")
    return Unknown(b.join(found)) if equal is None else Known(equal)


def membership(item: Result, members: list[Result] | Result, text: str, budget: Budget) -> Result:
    """`item in LIST` as `item == e1 or ... or item == en` (spec section 4); over a partial
    list, true when a known element equals the item, else unknown (spec 9.3)."""
    if not isinstance(members, list):
        return members
    results = [equality(item, member, text, budget) for member in members]
    if isinstance(members, PartialMembers):
        return open_ended(results, True, members.sources, item)
    return disjunction(results, text)


def partial_aggregate(name: str, items: PartialMembers) -> Result:
    """`sum`, `min`, `max` of a partial list: unknown, but for `max` (`min`) of known elements
    that are all numbers, which is at least the largest (at most the smallest) (spec 9.3)."""
    numbers = [b.number_of(i.value, i.origin) if isinstance(i, Known) else None for i in items]
    if name == "sum" or not numbers or any(number is None for number in numbers):
        return Unknown(b.join(items.sources, merge_missing(items)))
    return Known(b.open_extreme(name, numbers, items.sources))


def open_ended(
    results: Sequence[Result], dominant: bool, sources: tuple[PathKey, ...], *first: Result
) -> Result:
    """`or` (dominant True) or `and` over the known elements of a partial list: decided only by
    a dominant result, since an element not yet known could decide it (spec 9.3)."""
    for result in results:
        if isinstance(result, Known) and result.value is dominant:
            return Known(dominant)
    return Unknown(b.join(merge_missing(first), sources, merge_missing(results)))
