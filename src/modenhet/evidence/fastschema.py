"""Schema validation's fast path: is a document valid, yes or no, in a few microseconds.

jsonschema-rs, compiled once per schema, answers; jsonschema is needed only to list a failing
document's errors (`validation.py`). The fast path must never accept what jsonschema rejects, so
every `format` and `pattern` is decided by the same Python code jsonschema runs, and a schema
using anything this module cannot mirror exactly gets no fast path (`compile_fast` is None).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

# The drafts whose keywords jsonschema-rs and jsonschema both implement in full, by `$schema`
# (with or without a final `#`). A schema without `$schema` is 2020-12 for both (validation.py's
# default); another `$schema` is left to jsonschema.
_DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema": "Draft202012Validator",
    "http://json-schema.org/draft-07/schema": "Draft7Validator",
}
# Values of these keywords are data, not schemas: a "pattern" or "format" inside is not one.
_DATA = frozenset({"enum", "const", "default", "examples"})
# Numbers in a document beyond this are left to jsonschema (exact for every size of integer).
_SAFE_INTEGER = 2**53
_PATTERN_FORMAT = "modenhet-pattern-{}"  # the name each rewritten `pattern` gets as a format

Format = Callable[[str], bool]


class Unsupported(Exception):
    """The schema uses something the fast path cannot decide exactly as jsonschema does."""


class FastSchema:
    """A compiled schema that says whether a plain JSON document is valid."""

    def __init__(self, validator: Any) -> None:
        self._is_valid: Callable[[Any], bool] = validator.is_valid

    def accepts(self, document: Any) -> bool:
        """True only when jsonschema, too, finds no error; False means "ask jsonschema"."""
        if not is_plain(document):
            return False
        try:
            return self._is_valid(document)
        except Exception:  # a lone surrogate, a key that is not a string: jsonschema decides
            return False


def compile_fast(schema: Any) -> FastSchema | None:
    """The fast path for `schema`, or None when there is none (an unsupported feature, a schema
    jsonschema-rs does not compile, or no jsonschema-rs)."""
    try:
        draft, rewritten, formats = _prepare(schema)
        import jsonschema_rs

        validator = getattr(jsonschema_rs, draft)(
            rewritten,
            formats=formats,
            validate_formats=True,
            ignore_unknown_formats=False,
            offline=True,  # jsonschema resolves no remote reference either
        )
    except Exception:  # Unsupported, ImportError, a schema it rejects, an older jsonschema-rs
        return None
    return FastSchema(validator)


def unsupported(schema: Any) -> str | None:
    """Why `schema` gets no fast path from what it uses, or None (for messages and tests)."""
    try:
        _prepare(schema)
    except Unsupported as reason:
        return str(reason)
    return None


def _prepare(schema: Any) -> tuple[str, Any, dict[str, Format]]:
    """The jsonschema-rs validator class, the rewritten schema and its formats."""
    if not isinstance(schema, dict):
        raise Unsupported("a schema that is not an object")
    dialect = schema.get("$schema")
    if dialect is None:
        draft: str | None = "Draft202012Validator"
    else:
        draft = _DRAFTS.get(dialect.rstrip("#")) if isinstance(dialect, str) else None
    if draft is None:
        raise Unsupported(f"$schema {dialect!r}")
    formats: dict[str, Format] = {}
    return draft, _rewrite(schema, formats), formats


# ----------------------------------------------------------------------------- the rewrite


def _rewrite(node: Any, formats: dict[str, Format]) -> Any:
    """A copy of the schema in which each `pattern` is a format run by Python's `re` (as
    jsonschema does), each `format` is jsonschema's own check, and nothing else is changed."""
    if isinstance(node, list):
        return [_rewrite(item, formats) for item in node]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    checks: list[dict[str, str]] = []
    for key, value in node.items():
        if key in _DATA:
            copy[key] = value
        elif key == "format" and isinstance(value, str):
            formats[value] = _format(value)
            copy[key] = value
        elif key == "pattern" and isinstance(value, str):
            name = _PATTERN_FORMAT.format(len(formats))
            formats[name] = _pattern(value)
            checks.append({"format": name})
        elif key == "patternProperties" and isinstance(value, dict):
            for expression in value:
                _plain_expression(expression)
            copy[key] = _rewrite(value, formats)
        elif key == "multipleOf" and isinstance(value, int | float):
            raise Unsupported("multipleOf (jsonschema-rs divides otherwise than Python)")
        else:
            copy[key] = _rewrite(value, formats)
    if checks:
        existing = copy.get("allOf", [])
        if not isinstance(existing, list):
            raise Unsupported("allOf that is not a list")
        copy["allOf"] = [*existing, *checks]
    return copy


def _format(name: str) -> Format:
    check = _FORMATS.get(name)
    if check is None:
        raise Unsupported(f"the format {name!r}")
    return check


def _pattern(expression: str) -> Format:
    try:
        search = re.compile(expression).search
    except re.error as error:
        raise Unsupported(f"the pattern {expression!r}: {error}") from None
    return lambda text: search(text) is not None


# ASCII letters, digits, `_`, `-`, `^`, `.*`, `.+` and `.?`, where Rust's regex and Python's `re`
# match the same property names (no `$`: Python's matches before a final newline).
_PLAIN_EXPRESSION = re.compile(r"\^?(?:[A-Za-z0-9_-]|\.[*+?]?)*")


def _plain_expression(expression: str) -> None:
    if not _PLAIN_EXPRESSION.fullmatch(expression):
        raise Unsupported(f"the patternProperties expression {expression!r}")


# ------------------------------------------------------------------------------- formats
# Each is what jsonschema's FORMAT_CHECKER does for drafts 7 and 2020-12 (jsonschema/_format.py).

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_uri(text: str) -> bool:
    """jsonschema checks `uri` with rfc3987, else rfc3986-validator, else not at all."""
    try:
        import rfc3987  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        try:
            from rfc3986_validator import (  # type: ignore[import-not-found, unused-ignore]
                validate_rfc3986,
            )
        except ImportError:
            return True
        return bool(validate_rfc3986(text, rule="URI"))
    try:
        rfc3987.parse(text, rule="URI")
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Format] = {"date": is_date, "uri": is_uri}


# ---------------------------------------------------------------------- plain documents

_LEAVES = frozenset({str, bool, type(None)})


def is_plain(document: Any) -> bool:
    """Only JSON's own types (exactly dict, list, str, bool, None, int, finite float), with
    integers jsonschema-rs holds exactly; anything else is left to jsonschema."""
    try:
        return _plain_values((document,))
    except RecursionError:
        return False


def _plain_values(values: Any) -> bool:
    for value in values:
        kind = value.__class__
        if kind in _LEAVES:
            continue
        if kind is dict:
            if not _plain_values(value.values()):
                return False
        elif kind is list:
            if not _plain_values(value):
                return False
        elif kind is int:
            if value > _SAFE_INTEGER or value < -_SAFE_INTEGER:
                return False
        elif kind is float:
            if value - value:  # NaN and the infinities (inf - inf is NaN, and NaN is true)
                return False
        else:  # a tuple, a subclass, a Decimal: jsonschema-rs would read it otherwise
            return False
    return True
