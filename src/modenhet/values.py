"""What the operators and functions of the language do to known values (spec section 5).

Values are plain Python: bool, int, float, str, list, dict (from JSON) and datetime.date (from
date literals and `as_of`). Unknown and error are the evaluators' business; here every function
either returns a value or raises `EvalError` with a message that names the values.
"""

from __future__ import annotations

import calendar
import datetime
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from modenhet.limits import process_limits

Value = Any  # bool | int | float | str | list | dict | datetime.date


class EvalError(Exception):
    """An error value: a type mismatch, division by zero, a bad date..."""


class PartialValue(Exception):  # noqa: N818 - a signal, not a failure
    """A partial value (spec 9.2) where a plain one decides differently: the fast path leaves
    the criterion to the exact evaluator, which knows the semantics of section 9.3."""


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WORD = re.compile(r"\w+")

# Reserved everywhere (spec section 2): also as let names, IDs and quantifier variables.
RESERVED = frozenset({"and", "or", "not", "in", "any", "all", "true", "false", "null", "as_of"})


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?")
_NOTHING = object()


def partial_kind(value: Value) -> str | None:
    """ "list" or "number" for a partial value (an object whose only key is `at_least`, holding
    a list or a number: spec 9.2), else None."""
    if value.__class__ is not dict or len(value) != 1:
        return None
    inner = value.get("at_least", _NOTHING)
    if inner.__class__ is list:
        return "list"
    if inner.__class__ is int or inner.__class__ is float:
        return "number"
    return None


def partial_date(text: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of a `YYYY` or `YYYY-MM` date (a real month, not year 0000)."""
    if len(text) not in (4, 7):
        return None
    found = _PARTIAL_DATE.fullmatch(text)
    if found is None or found[1] == "0000":
        return None
    year_number = int(found[1])
    if found[2] is None:
        return datetime.date(year_number, 1, 1), datetime.date(year_number, 12, 31)
    month = int(found[2])
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year_number, month)[1]
    return datetime.date(year_number, month, 1), datetime.date(year_number, month, last)


def is_date_text(text: str) -> bool:
    """In `YYYY-MM-DD` form (a real day or not)."""
    return bool(_DATE.fullmatch(text))


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def is_number(value: Value) -> bool:
    return value.__class__ is int or value.__class__ is float


def kind(value: Value) -> str:
    """The value's kind in the words of the messages."""
    match value:
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case datetime.date():
            return "a date"
        case list():
            return "a list"
        case dict():
            partial = partial_kind(value)
            return f"a partly known {partial}" if partial else "an object"
        case None:
            return "null"
    named = getattr(value, "kind_name", None)  # a bounded number or date (modenhet.engine.bounds)
    if named is not None:
        return str(named)
    return f"an unsupported value ({type(value).__name__})"


def describe(value: Value, limit: int = 40) -> str:
    """A short rendering of a value in the language's own notation."""
    match value:
        case bool():
            return "true" if value else "false"
        case int():
            text = number_text(value)
        case LongNumber():
            text = str(value)
        case float():
            text = repr(value)
        case str():
            text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
            if len(text) > limit:
                text = text[: limit - 4] + '..."'
            return text
        case datetime.date():
            return value.isoformat()
        case list():
            text = "[" + ", ".join(describe(item, 24) for item in value[:5])
            text += ", ...]" if len(value) > 5 else "]"
            if len(text) > limit:
                text = f"[{len(value)} items]"
        case dict():
            text = "{" + ", ".join(
                f"{key}: {describe(item, 12)}" for key, item in list(value.items())[:3]
            )
            text += ", ...}" if len(value) > 3 else "}"
            if len(text) > limit:
                text = "{" + ", ".join(str(key) for key in list(value)[:3])
                text += ", ...}" if len(value) > 3 else "}"
                if len(text) > limit:
                    text = f"{{{len(value)} keys}}"
        case None:
            return "null"
        case _:
            text = value.describe() if hasattr(value, "describe") else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Below Python's limit of 4,300 digits for converting a whole number to text, with room.
_SHOWN_BITS = 13_000


class LongNumber(str):
    """A whole number too long to write out, as `number_text` shows it: JSON writes it as a
    string, and `describe` shows it as the number it stands for, without quotes."""

    __slots__ = ()


def number_text(value: int) -> str:
    """A whole number as text; one too long for Python to write out (evidence may hold 4,300
    digits, and arithmetic makes longer ones) as its first digits and its length, found
    without converting the whole number."""
    if value.bit_length() <= _SHOWN_BITS:
        return str(value)
    magnitude = abs(value)
    digits = int(magnitude.bit_length() * math.log10(2))  # the true count or one less
    if magnitude >= 10**digits:
        digits += 1
    head = str(magnitude // 10 ** (digits - 20))
    return f"{'-' if value < 0 else ''}{head}... ({digits:,} digits)"


def described(value: Value) -> str:
    """`describe` with the kind: `"ti" (a string)`."""
    return f"{describe(value)} ({kind(value)})"


# ------------------------------------------------------------------------------------- dates


# Dates already read, by their text: evidence repeats the same few dates, and the fast path
# looks them up here directly. Bounded, so hostile input cannot grow it without end.
DATES: dict[str, datetime.date] = {}
_DATES_LIMIT = 65536


def parse_date(text: str) -> datetime.date:
    """A strict `YYYY-MM-DD` date; `date.fromisoformat` alone accepts other ISO forms."""
    found = DATES.get(text)
    if found is not None:
        return found
    if not _DATE.fullmatch(text):
        raise EvalError(f'"{text[:40]}" is not a date: a date is written YYYY-MM-DD')
    try:
        date = datetime.date.fromisoformat(text)
    except ValueError:
        raise EvalError(f'"{text}" is not a date: there is no such day') from None
    if len(DATES) >= _DATES_LIMIT:
        DATES.clear()
    DATES[text] = date
    return date


def as_date(value: Value) -> datetime.date:
    if value.__class__ is datetime.date:
        return value
    if value.__class__ is str:
        return parse_date(value)
    raise EvalError(f"expected a date, got {described(value)}")


def add_years(date: datetime.date, years: int) -> datetime.date:
    """`date` plus whole years; 29 February becomes 28 February in other years."""
    year = date.year + years
    if not 1 <= year <= 9999:
        raise EvalError(f"the date {date.isoformat()} plus {years} years is out of range")
    try:
        return date.replace(year=year)
    except ValueError:
        return date.replace(year=year, day=28)


def years_since(date: datetime.date, as_of: datetime.date) -> int:
    """The largest n such that `date` plus n years is not after `as_of` (29 February plus n
    years is 28 February in a year that has no 29th)."""
    years = as_of.year - date.year
    month_day = (date.month, date.day)
    if month_day == (2, 29) and not calendar.isleap(as_of.year):
        month_day = (2, 28)
    if (as_of.month, as_of.day) < month_day:
        years -= 1
    return years


# ---------------------------------------------------------------------------------- equality


def equal(left: Value, right: Value) -> bool:
    """`==` on JSON values: different kinds are unequal; a date meets a string as a date."""
    left_class, right_class = left.__class__, right.__class__
    if left_class is datetime.date or right_class is datetime.date:
        if left_class is str:
            return bool(parse_date(left) == right)
        if right_class is str:
            return bool(left == parse_date(right))
        return bool(left_class is right_class and left == right)
    if left_class is bool or right_class is bool:
        return bool(left_class is right_class and left == right)
    if is_number(left):
        if is_number(right):
            return bool(left == right)
        if right_class is dict and partial_kind(right) == "number":
            raise PartialValue
        return False
    if left_class is str:
        return right_class is str and nfc(left) == nfc(right)
    if left_class is list:
        if right_class is not list:
            if right_class is dict and partial_kind(right) == "list":
                raise PartialValue
            return False
        return len(left) == len(right) and all(
            equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if left_class is dict:
        if partial_kind(left) is not None or partial_kind(right) is not None:
            raise PartialValue
        if right_class is not dict or len(left) != len(right):
            return False
        normalised = {nfc(key): item for key, item in right.items()}
        return all(
            nfc(key) in normalised and equal(item, normalised[nfc(key)])
            for key, item in left.items()
        )
    if left is None or right is None:  # null inside a list or object compares as JSON
        return left is right
    raise EvalError(f"cannot compare {described(left)} with {described(right)}")


# ---------------------------------------------------------------------------------- ordering

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


# Comparing values is one step of a document's evaluation budget (modenhet.limits) when they
# are small. Long strings (normalised to NFC, then compared) and lists and objects (walked
# element by element) cost more: a quantifier that compares a 10 MB string, or a list of a
# hundred thousand elements, on each of its turns must run into the step limit, not for hours.
STRING_STEP = 1024  # characters of a string compared per step


def comparison_steps(left: Value, right: Value) -> int:
    """The steps `==` or `<` between these values costs beyond the first: one per
    `STRING_STEP` characters of two strings, one per element and member, at every depth, of
    two lists or objects of the same size (others differ at once). 0 in the everyday case."""
    left_class = left.__class__
    if left_class is str:
        return (len(left) + len(right)) // STRING_STEP if right.__class__ is str else 0
    if (left_class is list or left_class is dict) and right.__class__ is left_class:
        return size(left) if len(left) == len(right) else 0
    return 0


def size(value: Value) -> int:
    """Elements of lists and members of objects, at every depth (without recursion)."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if item.__class__ is list:
            count += len(item)
            stack.extend(item)
        elif item.__class__ is dict:
            count += len(item)
            stack.extend(item.values())
        elif item.__class__ is str:
            count += len(item) // STRING_STEP
    return count


def order(op: str, left: Value, right: Value) -> bool:
    """`< <= > >=` between two numbers, two strings (code points of NFC) or two dates."""
    if left.__class__ is datetime.date or right.__class__ is datetime.date:
        if left.__class__ in (str, datetime.date) and right.__class__ in (str, datetime.date):
            return _ORDER[op](as_date(left), as_date(right))
    elif is_number(left) and is_number(right):
        return _ORDER[op](left, right)
    elif left.__class__ is str and right.__class__ is str:
        if (len(left) < 8 or len(right) < 8) and _partial_dates(left, right):
            raise PartialValue
        return _ORDER[op](nfc(left), nfc(right))
    raise EvalError(
        f"cannot order {described(left)} {op} {described(right)}: "
        "'<', '<=', '>' and '>=' compare two numbers, two strings or two dates"
    )


def _partial_dates(left: str, right: str) -> bool:
    """Two strings an ordering reads as dates (spec 9.3a): one in partial-date form, the other
    a `YYYY-MM-DD` date or in partial-date form."""
    left_partial, right_partial = partial_date(left) is not None, partial_date(right) is not None
    return (left_partial and (right_partial or is_date_text(right))) or (
        right_partial and is_date_text(left)
    )


# -------------------------------------------------------------------------------- arithmetic


def _finite(result: int | float, op: str, left: Value, right: Value) -> int | float:
    if result.__class__ is float and not math.isfinite(result):
        raise EvalError(f"{describe(left)} {op} {describe(right)} is too large a number")
    return result


def arithmetic(op: str, left: Value, right: Value) -> int | float:
    """`+ - * /` on numbers; integers stay exact except under `/`."""
    if not (is_number(left) and is_number(right)):
        raise EvalError(
            f"cannot compute {describe(left)} {op} {describe(right)}: '{op}' needs "
            f"two numbers, not {kind(left)} and {kind(right)}"
        )
    try:
        if op == "+":
            return _finite(left + right, op, left, right)
        if op == "-":
            return _finite(left - right, op, left, right)
        if op == "*":
            product = left * right
            if product.__class__ is int and product.bit_length() > process_limits().number_bits:
                raise EvalError(
                    f"{describe(left)} * {describe(right)} is too large a number "
                    "(raise the limit with MODENHET_MAX_NUMBER_BITS)"
                )
            return _finite(product, op, left, right)
        if right == 0:
            raise EvalError(f"division by zero: {describe(left)} / {describe(right)}")
        return _finite(left / right, op, left, right)
    except OverflowError:
        raise EvalError(f"{describe(left)} {op} {describe(right)} is too large a number") from None


def negate(value: Value) -> int | float:
    if not is_number(value):
        raise EvalError(f"cannot negate {described(value)}: '-' needs a number")
    return -value  # type: ignore[no-any-return]


def as_bool(value: Value, what: str) -> bool:
    if value.__class__ is bool:
        return value
    raise EvalError(f"{what} must be true or false, but is {described(value)}")


# --------------------------------------------------------------------------------- functions


def require_list(value: Value, function: str) -> list[Value]:
    if value.__class__ is not list:
        raise EvalError(f"{function} needs a list, not {described(value)}")
    return value


def count(value: Value) -> int:
    return len(require_list(value, "count()"))


def total(items: Sequence[Value]) -> int | float:
    """`sum` of a list without nulls (the evaluators handle those)."""
    result: int | float = 0
    for item in items:
        if not is_number(item):
            raise EvalError(f"sum() needs numbers, but the list holds {described(item)}")
        result += item
    if result.__class__ is float and not math.isfinite(result):
        raise EvalError("sum() is too large a number")
    return result


def extreme(function: str, items: Sequence[Value]) -> Value:
    """`min` or `max` of a list without nulls: numbers, strings, or dates."""
    if not items:
        raise EvalError(f"{function}() of an empty list")
    if any(item.__class__ is datetime.date for item in items):
        values: list[Any] = [as_date(item) for item in items]
    elif all(is_number(item) for item in items):
        values = list(items)
    elif all(item.__class__ is str for item in items):
        values = [nfc(item) for item in items]
    else:
        kinds = sorted({kind(item) for item in items})
        raise EvalError(
            f"{function}() needs numbers, strings or dates, but the list holds "
            + " and ".join(kinds)
        )
    return min(values) if function == "min" else max(values)


def days_since(value: Value, as_of: datetime.date) -> int:
    return (as_of - as_date(value)).days


def year(value: Value) -> int:
    return as_date(value).year


def floor_level(numerator: int, denominator: int, levels: tuple[int, ...]) -> int:
    """The highest declared level not above numerator/denominator (exactly)."""
    for level in reversed(levels):
        if level * denominator <= numerator:
            return level
    return levels[0]


def is_identifier(text: str) -> bool:
    """A letter or _, then letters, digits and _ (spec section 2)."""
    return bool(text) and (text[0].isalpha() or text[0] == "_") and bool(_WORD.fullmatch(text))


def render_path(segments: Sequence[str | int], hidden_roots: frozenset[str] = frozenset()) -> str:
    """A path as a rule would write it: `a.b[2].c`, back-ticks where a key is not a name."""
    out: list[str] = []
    for position, segment in enumerate(segments):
        if isinstance(segment, int):
            out.append(f"[{segment}]")
            continue
        plain = is_identifier(segment)
        if position == 0 and (segment in RESERVED or segment in hidden_roots):
            plain = False
        text = segment if plain else f"`{segment}`"
        out.append(text if position == 0 else "." + text)
    return "".join(out)


_RENDERED_SEGMENT = re.compile(r"`([^`\n]*)`|(\w+)|\[([0-9]+)\]")


def parse_path(text: str) -> tuple[str | int, ...] | None:
    """The segments of a path as `render_path` writes it (`a.b[2].`c-d``), or None for text
    that is not one."""
    segments: list[str | int] = []
    position = 0
    while position < len(text):
        dotted = bool(segments) and text[position] == "."
        if dotted:
            position += 1
        elif segments and text[position] != "[":
            return None
        match = _RENDERED_SEGMENT.match(text, position)
        if match is None:
            return None
        quoted, word, index = match.groups()
        if index is not None:
            if not segments or dotted:
                return None
            segments.append(int(index))
        elif segments and not dotted:
            return None
        else:
            segments.append(quoted if quoted is not None else word)
        position = match.end()
    return tuple(segments) if segments else None
