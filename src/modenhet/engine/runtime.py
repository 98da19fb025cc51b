"""The helpers that generated fast-path code calls (see `codegen.py`).

Fast-path values are plain Python values with None for unknown. A helper returns the value,
or None for unknown, and raises on anything unusual; the caller then asks the exact evaluator.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from modenhet import values as v
from modenhet.limits import EvaluationLimit, process_limits

LIST_LENGTH = process_limits().list_length
_DATES = v.DATES


class Fallback(Exception):
    """The fast path cannot decide; the exact evaluator will."""


def nfc_get(obj: Any, key: str, budget: list[int]) -> Any:
    """A key present only in another Unicode form (the fast path tried `obj.get` already)."""
    if obj.__class__ is not dict or key in obj:
        return None  # not an object, or present and null
    if len(obj) == 1 and v.partial_kind(obj) is not None:
        raise Fallback  # a key of a partial value: an error, and `exists` is false (spec 9.3a)
    budget[0] -= len(obj)  # as `nfc_get_root`, written out: absent keys are common
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")
    try:
        for candidate in obj:
            if not candidate.isascii():
                break
        else:
            return None  # only ASCII keys: none is another form of the key
    except AttributeError:  # a key that is not a string
        pass
    return _other_form(obj, key, budget)


def nfc_get_root(obj: Any, key: str, budget: list[int]) -> Any:
    """`nfc_get` on the document itself, which is always an object (spec 9.3a). Scanning the
    keys is taken from the budget: one step a key, and the length of each one normalised."""
    if obj.__class__ is not dict or key in obj:
        return None
    budget[0] -= len(obj)  # `spend`, inlined: absent keys are common
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")
    try:
        for candidate in obj:
            if not candidate.isascii():
                break
        else:
            return None  # only ASCII keys: none is another form of the key
    except AttributeError:  # a key that is not a string
        pass
    return _other_form(obj, key, budget)


def _other_form(obj: dict[Any, Any], key: str, budget: list[int]) -> Any:
    """The value of a key of `obj` that is `key` in NFC (its keys' steps taken already)."""
    for candidate in obj:
        if candidate.__class__ is str and not candidate.isascii():
            if len(candidate) >= v.STRING_STEP:
                spend(budget, len(candidate) // v.STRING_STEP)
            if v.nfc(candidate) == key:
                return obj[candidate]
    return None


NO_KEYS: Mapping[str, Any] = MappingProxyType({})


def as_object(value: Any) -> Mapping[str, Any]:
    """An object read from in the levels function that is not a dict: null has no keys (each
    read from it is unknown), anything else is unusual."""
    if value is None:
        return NO_KEYS  # not a dict: `nfc_get` finds nothing in it either
    raise Fallback


def fallback() -> Any:
    """Stands for an expression the fast path could not compile."""
    raise Fallback


def not_object(value: Any) -> None:
    """A key read from something that is not an object: unknown from null, else unusual."""
    if value is None:
        return None
    raise Fallback


def key(obj: Any, name: str, budget: list[int]) -> Any:
    if obj is None:
        return None
    if obj.__class__ is not dict:
        raise Fallback
    found = obj.get(name)
    return nfc_get(obj, name, budget) if found is None else found


def partial_key(obj: Any, name: str, budget: list[int]) -> Any:
    """`key` for a key named `at_least`: a partial value holds one, but a rule cannot read it."""
    if v.partial_kind(obj) is not None:
        raise Fallback
    return key(obj, name, budget)


def number_equal(value: Any) -> bool:
    """`value == NUMBER` was false: also right when `value` is not a partial number."""
    if value.__class__ is dict and v.partial_kind(value) == "number":
        raise Fallback
    return False


def exists(obj: Any, names: tuple[str, ...], budget: list[int]) -> bool:
    for name in names:
        if obj.__class__ is not dict or (len(obj) == 1 and v.partial_kind(obj) is not None):
            return False  # a key of a partial value is a key of a list or number (spec 9.3a)
        obj = key(obj, name, budget)
    return obj is not None


def not_boolean(value: Any) -> Any:
    """A value where true or false is needed: unknown stays unknown, anything else is an error."""
    if value is None:
        return None
    raise Fallback


def all_of(results: Iterable[Any]) -> bool | None:
    """Kleene `and` over an iterable of fast-path booleans."""
    unknown = False
    for result in results:
        if result is False:
            return False
        if result is None:
            unknown = True
        elif result is not True:
            raise Fallback
    return None if unknown else True


def any_of(results: Iterable[Any]) -> bool | None:
    """Kleene `or` over an iterable of fast-path booleans."""
    unknown = False
    for result in results:
        if result is True:
            return True
        if result is None:
            unknown = True
        elif result is not False:
            raise Fallback
    return None if unknown else False


def spend(budget: list[int], steps: int) -> None:
    """Take steps from the document's budget (a one-element list: cheap to make per call).
    Running out raises, and the exact evaluator, with its own budget, reports the error."""
    budget[0] -= steps
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")


def equal(left: Any, right: Any, budget: list[int]) -> bool:
    """`==`, its cost beyond one step taken from the budget (long strings, lists, objects)."""
    steps = v.comparison_steps(left, right)
    if steps:
        spend(budget, steps)
    return v.equal(left, right)


def order(op: str, left: Any, right: Any, budget: list[int]) -> bool:
    """`< <= > >=`, its cost beyond one step taken from the budget (long strings)."""
    steps = v.comparison_steps(left, right)
    if steps:
        spend(budget, steps)
    return v.order(op, left, right)


def nfc(text: str, budget: list[int]) -> str:
    """A string that is not ASCII in NFC (its length taken from the budget)."""
    spend(budget, len(text) // v.STRING_STEP)
    return v.nfc(text)


def walkable(value: Any, budget: list[int]) -> list[Any]:
    """A list a rule walks: within the length limit, its length taken from the budget."""
    if value.__class__ is not list or len(value) > LIST_LENGTH:
        raise Fallback
    spend(budget, len(value))
    return value


def has_string(item: str, items: Any, budget: list[int]) -> bool | None:
    """`member` for a string of the rule (`"nav" in evidence.x`): never null, so one `in`
    settles every list that holds it."""
    if items.__class__ is not list:
        if items is None:
            return None
        raise Fallback
    if len(items) > LIST_LENGTH:
        raise Fallback
    budget[0] -= len(items)  # `spend`, inlined
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")
    if item in items:
        return True
    return _member_of_walked(item, items, budget)


def member(item: Any, items: Any, budget: list[int]) -> bool | None:
    """`item in items` as `item == e1 or ... or item == en`."""
    if items is None:
        return None
    if items.__class__ is not list or len(items) > LIST_LENGTH:
        raise Fallback
    budget[0] -= len(items)  # `spend`, inlined: this is the hottest helper
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")
    return _member_of_walked(item, items, budget)


def out_of_steps() -> bool:
    """The levels function's own count of steps (`spent`) has gone past the budget."""
    raise EvaluationLimit("out of steps")


def _member_of_walked(item: Any, items: list[Any], budget: list[int]) -> bool | None:
    """`item in items`, the list's steps taken already."""
    if item is None:
        return None if items else False
    if item.__class__ is str:
        if item in items:  # a string equals only an equal string
            return True
        if item.isascii():
            try:  # only ASCII strings, and no null: no other form can match
                if "".join(items).isascii():
                    return False
            except TypeError:
                pass
    unknown = False
    for element in items:
        if element is None:
            unknown = True
        elif equal(item, element, budget):
            return True
    return None if unknown else False


def contains(haystack: Any, needles: Any, every: bool, budget: list[int]) -> bool | None:
    """contains_all / contains_any: each needle `in` the haystack, under Kleene and / or."""
    if haystack is None or needles is None:
        return None
    if (
        haystack.__class__ is not list
        or needles.__class__ is not list
        or len(haystack) > LIST_LENGTH
        or len(needles) > LIST_LENGTH
    ):
        raise Fallback
    budget[0] -= (len(needles) + 1) * (len(haystack) + 1)  # `spend`, inlined
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")
    return _contains_walked(haystack, needles, every, budget)


def contains_strings(
    haystack: Any, needles: tuple[str, ...], every: bool, budget: list[int]
) -> bool | None:
    """`contains` with the rule's own list of ASCII strings as the needles (codegen checks
    that it is): the same steps taken, and `in` alone decides whenever the haystack holds the
    needles, or holds only ASCII strings (where no other Unicode form, and no null, is)."""
    if haystack.__class__ is not list:
        if haystack is None:
            return None
        raise Fallback
    if len(haystack) > LIST_LENGTH:
        raise Fallback
    budget[0] -= (len(needles) + 1) * (len(haystack) + 1)  # `spend`, inlined
    if budget[0] < 0:
        raise EvaluationLimit("out of steps")
    if every:
        for needle in needles:
            if needle not in haystack:
                break
        else:
            return True
    else:
        for needle in needles:
            if needle in haystack:
                return True
    return contains_rest(haystack, needles, every, budget)


def contains_rest(
    haystack: list[Any], needles: tuple[str, ...], every: bool, budget: list[int]
) -> bool | None:
    """`contains_strings` once `in` has not decided (its steps taken already): a needle the
    haystack lacks (every), or none of them (any)."""
    try:
        if "".join(haystack).isascii():
            return False  # no other Unicode form of a needle in it, and no null
    except TypeError:  # an element that is not a string
        pass
    return _contains_walked(haystack, needles, every, budget)


def _contains_walked(
    haystack: list[Any], needles: Iterable[Any], every: bool, budget: list[int]
) -> bool | None:
    unknown = False
    for needle in needles:
        if needle.__class__ is str and needle in haystack:
            found: bool | None = True
        else:
            found = _member_of_walked(needle, haystack, budget)
        if found is (not every):
            return found
        if found is None:
            unknown = True
    return None if unknown else every


def aggregate(function: str, items: Any, budget: list[int]) -> Any:
    for item in walkable(items, budget):
        if item is None:
            return None
    if function == "sum":
        return v.total(items)
    return v.extreme(function, items)


def items_or_none(*items: Any) -> list[Any] | None:
    """A list literal: unknown when an item is."""
    if any(item is None for item in items):
        return None
    return list(items)


# Whole years from each date already read to `as_of`, by `as_of` and the date's text: evidence
# repeats a few dates and a batch has one `as_of`. Bounded, like the table of dates read.
_YEARS: dict[datetime.date, dict[str, int]] = {}
_YEARS_LIMIT = 65536


def years_since(value: Any, as_of: datetime.date) -> int:
    if value.__class__ is not str:
        return v.years_since(v.as_date(value), as_of)
    table = _YEARS.get(as_of)
    if table is not None:
        years = table.get(value)
        if years is not None:
            return years
    years = v.years_since(v.parse_date(value), as_of)  # not a date: raises, nothing kept
    if table is None:
        if len(_YEARS) >= 16:
            _YEARS.clear()
        table = _YEARS[as_of] = {}
    elif len(table) >= _YEARS_LIMIT:
        table.clear()
    table[value] = years
    return years


def as_date(value: Any) -> datetime.date:
    """`values.as_date`, a date already read found without a further call."""
    if value.__class__ is str:
        found = _DATES.get(value)
        if found is not None:
            return found
    return v.as_date(value)


def missing_tree(tree: tuple[Any, ...], values: tuple[Any, ...], budget: list[int]) -> list[str]:
    """The missing paths of an unknown criterion built with and, or and not from conditions
    that can each only be unknown for one path (codegen's `missing_tree`): the paths of the
    unknown conditions that decide it, in order, each once — what the exact evaluator's
    conjunction and disjunction give (exactcore `_combine`, `merge_missing`)."""
    seen: dict[str, None] = {}
    _unknown_paths(tree, values, seen, budget)
    return list(seen)


def _unknown_paths(
    tree: tuple[Any, ...], values: tuple[Any, ...], seen: dict[str, None], budget: list[int]
) -> Any:
    """The three-valued value of `tree`, adding its missing paths to `seen` when unknown."""
    kind = tree[0]
    if kind == "leaf":
        value = values[tree[1]]
        if value is None:
            seen[tree[2]] = None
        return value
    if kind == "quantifier":  # ("quantifier", value, dominant, collection, body path, lets)
        members, results = values[tree[1]]
        collection = tree[3]
        if members is None:
            seen[v.render_path(collection, tree[5])] = None
            return None
        dominant = tree[2]
        unknown = []
        for position, result in enumerate(results):
            if result is dominant:
                return dominant
            if result is None:
                unknown.append(position)
        keys = tree[4]
        for position in unknown:
            at: Any = members[position]
            for key in keys:  # unknown only because the path is absent or null: else exact
                read = at.get(key) if at.__class__ is dict else None
                at = nfc_get(at, key, budget) if read is None else read
                if at is None:
                    break
            if at is not None:
                raise Fallback
            seen[v.render_path((*collection, position, *keys), tree[5])] = None
        return None if unknown else not dominant
    if kind == "list":  # ("list", value, the list's value, its path): `"nav" in x`
        value = values[tree[1]]
        if value is None:
            if values[tree[2]] is not None:
                raise Fallback  # a null in the list: the exact evaluator names it
            seen[tree[3]] = None
        return value
    if kind == "not":
        value = _unknown_paths(tree[1], values, seen, budget)
        return None if value is None else not value
    dominant = kind == "or"
    paths: dict[str, None] = {}
    for child in tree[1]:
        if _unknown_paths(child, values, paths, budget) is dominant:
            return dominant  # decided: no operand's missing path counts
    if paths:
        seen.update(paths)
        return None
    return not dominant


def quantified(
    members: Any, body: Any, budget: list[int]
) -> tuple[list[Any] | None, list[Any] | None]:
    """A quantifier's list and its body's value for each member, for `missing_tree`; a member
    that is not an object leaves the criterion to the exact evaluator."""
    if members is None:
        return None, None
    results = []
    for member in walkable(members, budget):
        if member.__class__ is not dict:
            raise Fallback
        results.append(body(member))
    return members, results


NAMESPACE: dict[str, Any] = {
    "_quantified": quantified,
    "_missing_tree": missing_tree,
    "_nfc_get": nfc_get,
    "_nfc_get_root": nfc_get_root,
    "_not_object": not_object,
    "_as_object": as_object,
    "_fallback": fallback,
    "_key": key,
    "_partial_key": partial_key,
    "_number_equal": number_equal,
    "_exists": exists,
    "_not_boolean": not_boolean,
    "_all": all_of,
    "_any": any_of,
    "_walkable": walkable,
    "_member": member,
    "_has_string": has_string,
    "_contains": contains,
    "_contains_strings": contains_strings,
    "_contains_rest": contains_rest,
    "_member_walked": _member_of_walked,
    "_out_of_steps": out_of_steps,
    "_aggregate": aggregate,
    "_items": items_or_none,
    "_years_since": years_since,
    "_floor_level": v.floor_level,
    "_as_date": as_date,
    "_DATES": _DATES,
    "_YEARS": _YEARS,
    "_NO_YEARS": NO_KEYS,  # no table yet for this as_of
    "_equal": equal,
    "_order": order,
    "_arith": v.arithmetic,
    "_negate": v.negate,
    "_count": v.count,
    "_nfc": nfc,
    "_Fallback": Fallback,
}
