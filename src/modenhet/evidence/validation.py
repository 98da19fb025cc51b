"""Evidence against its JSON Schema: every violation, each at its JSON pointer, in words a
municipal clerk understands ("`strategy.action_plan.status` must be one of none, outdated,
current; got "gjeldande"").

A valid document is recognised on the compiled fast path (`fastschema.py`); jsonschema, imported
only then, lists the errors of a document the fast path does not accept.
"""

from __future__ import annotations

import datetime
import difflib
import json
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from modenhet.errors import Severity, Violation
from modenhet.evidence.fastschema import FastSchema, compile_fast
from modenhet.evidence.messages import TYPE_WORDS, Codes, Day, field_name, or_list, problem
from modenhet.evidence.municipalities import check_municipality
from modenhet.evidence.positions import escape_pointer
from modenhet.i18n import N_, Text

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

_DATE_PROBLEM = "must be a date written YYYY-MM-DD"  # (how `errors` recognises the message)
PARTIAL_MARK = "x-modenhet-partial"  # a `$defs` entry for a partial value's form (spec 9.2)
_PARTIAL_FORMS = {
    "number": Text(N_('a number known only to be at least N is written {"at_least": N}')),
    "list": Text(N_('a list known only to hold some elements is written {"at_least": [...]}')),
}
_LATER = Text(N_(" (an error from schema_version 1.1)"))


class SchemaValidator:
    """One schema, compiled once, that lists every violation of a document.

    With a fast path, jsonschema is imported and the schema checked against its metaschema only
    when a document fails there (jsonschema-rs has checked the schema already); without one,
    at once, raising jsonschema's `SchemaError` for a schema that is not valid.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.fast: FastSchema | None = compile_fast(schema)
        self._full: Validator | None = None
        if self.fast is None:
            self._full = self.full_validator()
        # Evidence schemas with a municipality number are also checked against SSB's list.
        root = schema.get("properties", {})
        self.checks_municipality = "number" in root.get("municipality", {}).get("properties", {})

    def full_validator(self) -> Validator:
        """jsonschema's validator, which lists every error; built on first need."""
        if self._full is None:
            from jsonschema import Draft202012Validator
            from jsonschema.validators import extend, validator_for
            from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]

            cls = validator_for(self.schema, default=Draft202012Validator)
            cls.check_schema(self.schema)
            cls = extend(cls, {"uniqueItems": _unique_items})  # type: ignore[no-untyped-call]
            # Only the metaschemas besides the schema itself: without a registry, jsonschema
            # fetches any `$ref` URL from the network (deprecated, but still its default).
            self._full = cls(self.schema, format_checker=cls.FORMAT_CHECKER, registry=REGISTRY)
        return self._full

    def violations(self, document: Any) -> list[Violation]:
        """Every error and warning, sorted by pointer."""
        if self.fast is not None and self.fast.accepts(document):
            found: list[Violation] = []  # plain JSON, so no number is NaN or infinite either
        else:
            found = self.errors(document)
        if self.checks_municipality:
            taken = {v.pointer for v in found}
            found.extend(
                v for v in check_municipality(document, self.schema) if v.pointer not in taken
            )
            found.extend(v for v in check_sources(document, self.schema) if v.pointer not in taken)
        unique = {(v.pointer, v.message): v for v in found}
        return sorted(unique.values(), key=lambda v: (_pointer_key(v.pointer), v.message))

    def errors(self, document: Any) -> list[Violation]:
        """Every schema error (and non-finite number), found by jsonschema: the slow path."""
        found = list(_non_finite(document, (), self.schema))
        try:
            for error in self.full_validator().iter_errors(document):
                found.extend(_translate(error, self.schema))
        except RecursionError:
            found.append(problem("", Text(N_("the document is nested too deeply to validate"))))
        dates = {v.pointer for v in found if _DATE_PROBLEM in v.message}
        return [
            v for v in found if v.pointer not in dates or "must match the pattern" not in v.message
        ]

    def is_valid(self, document: Any) -> bool:
        return not any(v.severity == "error" for v in self.violations(document))


def check_sources(document: Any, schema: Any = None) -> list[Violation]:
    """Referential integrity of an evidence document: the ids in `sources` are unique, every
    `source_ids` entry (and `action_plan.source_id`) names one of them, and a date after
    `submitted` is a warning (it cannot be evidence of anything yet). Fields are named with
    the titles `schema` gives them.

    Schema 1.1 made the references binding: in a document of schema 1.0 (or one that does not
    say), a broken reference is a warning, so that every document valid under 1.0 stays valid."""
    if not isinstance(document, dict):
        return []
    found: list[Violation] = []
    binding = document.get("schema_version") not in ("1.0", None)
    severity: Severity = "error" if binding else "warning"
    later = "" if binding else _LATER
    sources = document.get("sources")
    ids: dict[str, int] = {}
    if isinstance(sources, list):
        for index, source in enumerate(sources):
            ident = source.get("id") if isinstance(source, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in ids:
                text = Text(
                    N_(
                        '%(name)s "%(id)s" is also the id of %(other)s: every source needs its '
                        "own id%(later)s"
                    ),
                    name=field_name(("sources", index, "id"), schema),
                    id=ident,
                    other=field_name(("sources", ids[ident]), schema),
                    later=later,
                )
                found.append(problem(pointer_of(("sources", index, "id")), text, severity=severity))
            else:
                ids[ident] = index
    for path, ident in _source_references(document.get("evidence"), ("evidence",)):
        if ident in ids:
            continue
        close = difflib.get_close_matches(ident, list(ids), n=1)
        hint = Text(N_(' (did you mean "%(close)s"?)'), close=close[0]) if close else ""
        if ids:
            message = N_(
                '%(name)s is "%(id)s", but `sources` has no source with that id%(hint)s%(later)s'
            )
        else:
            message = N_('%(name)s is "%(id)s", but `sources` is empty%(hint)s%(later)s')
        text = Text(message, name=field_name(path, schema), id=ident, hint=hint, later=later)
        found.append(problem(pointer_of(path), text, severity=severity))
    submitted = _day(document.get("submitted"))
    if submitted is not None:
        for path, written in _dates(document, ()):
            day = _day(written)
            if day is not None and day > submitted:
                text = Text(
                    N_(
                        "%(name)s is %(date)s, after the document was submitted (%(submitted)s): "
                        "a date in the future is not evidence yet"
                    ),
                    name=field_name(path, schema),
                    date=Day(written),
                    submitted=Day(str(document["submitted"])),
                )
                found.append(problem(pointer_of(path), text, severity="warning"))
    return found


def _source_references(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a `source_ids` list or a `source_id`, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "source_ids" and isinstance(item, list):
                for index, ident in enumerate(item):
                    if isinstance(ident, str):
                        yield (*path, key, index), ident
            elif key == "source_id" and isinstance(item, str):
                yield (*path, key), item
            else:
                yield from _source_references(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _source_references(item, (*path, index))


def _dates(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every date under `evidence` and `sources` that records when something happened: keys
    named `date` or ending in `_date` (not `period_end`, which is meant to lie ahead)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not path and key not in ("evidence", "sources"):
                continue
            if isinstance(item, str) and (key == "date" or str(key).endswith("_date")):
                yield (*path, key), item
            else:
                yield from _dates(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _dates(item, (*path, index))


def _day(value: Any) -> datetime.date | None:
    """A YYYY-MM-DD date (or the first day of a YYYY-MM or YYYY one), None for anything else."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value):
        return None
    padded = value + "-01" * (2 - value.count("-"))
    try:
        return datetime.date.fromisoformat(padded)
    except ValueError:
        return None


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """`uniqueItems` in one pass over hashable keys. jsonschema compares values it cannot
    sort (mixed kinds, objects) pair by pair: a document with a list of 20,000 of them took
    minutes to validate, 16 MiB of them hours (found by tests/test_hostile.py)."""
    from jsonschema.exceptions import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for item in instance:
        key = _equality_key(item)
        if key in seen:
            yield ValidationError(f"{instance!r:.200} has non-unique elements")
            return
        seen.add(key)


def _equality_key(value: Any) -> Any:
    """A key equal for JSON values JSON Schema calls equal: 1 and 1.0 alike, true and 1 not,
    objects whatever their order. (Evidence nests at most 64 levels: recursion is safe.)"""
    if value is True or value is False:
        return ("boolean", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, _equality_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_equality_key(item) for item in value))
    if isinstance(value, int | float):
        return ("number", value)
    return (type(value).__name__, value)


def validator_for(schema: dict[str, Any]) -> SchemaValidator:
    return SchemaValidator(schema)


def _pointer_key(pointer: str) -> tuple[tuple[int, int | str], ...]:
    parts = pointer.split("/")[1:] if pointer else []
    return tuple((0, int(p)) if p.isdecimal() else (1, p) for p in parts)


def pointer_of(path: Any) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in path)


def describe(value: Any) -> str:
    """A value of the document as a message quotes it: JSON, cut at 60 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON: a set, bytes or a date from the Python API
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _non_finite(value: Any, path: tuple[Any, ...], schema: Any) -> Iterator[Violation]:
    if isinstance(value, float) and not math.isfinite(value):
        text = Text(
            N_("%(name)s is %(value)s, which is not a valid JSON number"),
            name=field_name(path, schema),
            value=value,
        )
        yield problem(pointer_of(path), text)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, (*path, key), schema)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, (*path, index), schema)


def _translate(error: ValidationError, schema: Any) -> list[Violation]:
    """One jsonschema error in words, per keyword, naming the field with its title."""
    path = tuple(error.absolute_path)
    name = field_name(path, schema)
    keyword = error.validator
    instance = error.instance
    node: Any = error.schema
    if keyword in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        if isinstance(instance, str) and any(
            isinstance(e.schema, dict) and e.schema.get(PARTIAL_MARK) == "date"
            for e in error.context
        ):
            text = Text(
                N_(
                    "%(name)s is not a date: a date is written YYYY-MM-DD, or YYYY or YYYY-MM "
                    "when only the year or the month is known; got %(value)s"
                ),
                name=name,
                value=describe(instance),
            )
            return [problem(pointer_of(path), text)]
        best = best_match([error])  # jsonschema's own choice of the branch that came closest
        if best is not None and best is not error:
            return _translate(best, schema)
    partial = node.get(PARTIAL_MARK) if isinstance(node, dict) else None
    if partial in _PARTIAL_FORMS and keyword in ("required", "additionalProperties"):
        text = Text(
            N_("%(name)s is an object that does not fit: %(form)s and nothing else; got %(value)s"),
            name=name,
            form=_PARTIAL_FORMS[partial],
            value=describe(instance),
        )
        return [problem(pointer_of(path), text)]
    if keyword == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        key = missing.group(1) if missing else str(error.validator_value)
        text = Text(N_("%(name)s is required but missing"), name=field_name((*path, key), schema))
        return [problem(pointer_of((*path, key)), text)]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        found = _unknown_keys(path, instance, node, schema)
        if found:
            return found
    return [problem(pointer_of(path), _keyword_text(error, name))]


def _unknown_keys(
    path: tuple[Any, ...], instance: dict[Any, Any], node: Any, schema: Any
) -> list[Violation]:
    """Each key the schema does not know, with the key it was probably meant to be."""
    known = list(node.get("properties", {}))
    patterns = list(node.get("patternProperties", {}))
    extras = [  # as text: a document from the Python API may have other keys than strings
        str(k)
        for k in instance
        if k not in known and not any(re.search(p, str(k)) for p in patterns)
    ]
    found = []
    for key in extras:
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            hint: Any = Text(N_(" (did you mean '%(close)s'?)"), close=close[0])
        elif known:
            hint = Text(N_("; known keys: %(keys)s"), keys=Codes(known[:12]))
        else:
            hint = ""
        text = Text(
            N_("%(name)s is not a known key%(hint)s"),
            name=field_name((*path, key), schema),
            hint=hint,
        )
        found.append(problem(pointer_of((*path, key)), text, at_key=True))
    return found


def _keyword_text(error: ValidationError, name: Text) -> Text:
    """The message of a keyword that judges the value itself (type, enum, bounds, form)."""
    keyword = error.validator
    expected: Any = error.validator_value
    instance = error.instance
    value = describe(instance)
    match keyword:
        case "type":
            types = [expected] if isinstance(expected, str) else list(expected)
            words = or_list([TYPE_WORDS.get(t, t) for t in types])
            return Text(
                N_("%(name)s must be %(types)s; got %(value)s"), name=name, types=words, value=value
            )
        case "enum":
            allowed = Codes(
                [str(v) if isinstance(v, str) else describe(v) for v in expected if v is not None]
            )
            close = (
                difflib.get_close_matches(instance, [str(v) for v in expected], n=1)
                if isinstance(instance, str)
                else []
            )
            hint = Text(N_(' (did you mean "%(close)s"?)'), close=close[0]) if close else ""
            return Text(
                N_("%(name)s must be one of %(allowed)s; got %(value)s%(hint)s"),
                name=name,
                allowed=allowed,
                value=value,
                hint=hint,
            )
        case "const":
            return Text(
                N_("%(name)s must be %(expected)s; got %(value)s"),
                name=name,
                expected=describe(expected),
                value=value,
            )
        case "format" if expected == "date":
            return Text(
                N_("%(name)s must be a date written YYYY-MM-DD; got %(value)s"),
                name=name,
                value=value,
            )
        case "format":
            return Text(
                N_("%(name)s must be a valid %(format)s; got %(value)s"),
                name=name,
                format=expected,
                value=value,
            )
        case "pattern":
            return Text(
                N_("%(name)s must match the pattern %(pattern)s; got %(value)s"),
                name=name,
                pattern=expected,
                value=value,
            )
        case "minLength" if expected == 1:
            return Text(N_("%(name)s must not be empty; got %(value)s"), name=name, value=value)
        case "minItems" if expected == 1:
            return Text(N_("%(name)s must not be an empty list"), name=name)
        case _ if keyword in _BOUNDS:
            return Text(_BOUNDS[keyword], name=name, limit=expected, value=value)
        case "maxItems" if expected == 0:
            return Text(N_("%(name)s must be an empty list; got %(value)s"), name=name, value=value)
        case "maxItems":
            return Text(
                N_("%(name)s must hold at most %(limit)s of them; it holds %(count)s"),
                name=name,
                limit=expected,
                count=len(instance) if isinstance(instance, list) else value,
            )
        case "uniqueItems":
            return Text(
                N_("%(name)s must hold each value once; got %(value)s"), name=name, value=value
            )
        case "multipleOf":
            return Text(
                N_("%(name)s must be a multiple of %(factor)s; got %(value)s"),
                name=name,
                factor=expected,
                value=value,
            )
        case "anyOf":
            return Text(
                N_("%(name)s has none of the forms the schema allows; got %(value)s"),
                name=name,
                value=value,
            )
        case "oneOf":
            return Text(
                N_("%(name)s must have exactly one of the forms the schema allows; got %(value)s"),
                name=name,
                value=value,
            )
        case "not":
            return Text(
                N_("%(name)s has a form the schema does not allow; got %(value)s"),
                name=name,
                value=value,
            )
    # Any other keyword: jsonschema's own words, after the field's name.
    return Text(N_("%(name)s: %(problem)s"), name=name, problem=error.message)


# A keyword that sets a limit, and what a value beyond it is told.
_BOUNDS = {
    "minLength": N_("%(name)s must be at least %(limit)s characters long; got %(value)s"),
    "maxLength": N_("%(name)s must be at most %(limit)s characters long; got %(value)s"),
    "minItems": N_("%(name)s must hold at least %(limit)s elements; got %(value)s"),
    "minimum": N_("%(name)s must be at least %(limit)s; got %(value)s"),
    "maximum": N_("%(name)s must be at most %(limit)s; got %(value)s"),
    "exclusiveMinimum": N_("%(name)s must be more than %(limit)s; got %(value)s"),
    "exclusiveMaximum": N_("%(name)s must be less than %(limit)s; got %(value)s"),
}
