"""Evidence paths resolved against the JSON Schema a rule set names.

`check` uses this to catch a misspelt key (`economy.budget_nkk`), a type that cannot fit, and
a comparison with a value the schema's `enum` never allows. It follows local `$ref`s,
`properties`, `items`, `allOf`, `anyOf` and `oneOf`; anything it cannot follow counts as open.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from modenhet.evidence.schemacheck import resolve_local
from modenhet.language.statictypes import ANY, Kinds

_TYPE_KINDS = {
    "boolean": "boolean",
    "number": "number",
    "integer": "number",
    "string": "string",
    "array": "list",
    "object": "object",
}


@dataclass(frozen=True, slots=True)
class SchemaNode:
    """What the schema says about one position: possible kinds, allowed values, sub-schemas."""

    schemas: tuple[dict[str, Any], ...]  # the alternatives/conjuncts that apply here; () = open

    @property
    def is_open(self) -> bool:
        return not self.schemas

    def kinds(self) -> Kinds:
        result: set[str] = set()
        for schema in self.schemas:
            declared = schema.get("type")
            if declared is None:
                if "enum" in schema or "const" in schema:
                    values = schema.get("enum", [schema.get("const")])
                    result.update(_kind_of(v) for v in values if v is not None)
                    continue
                if "properties" in schema:
                    result.add("object")
                    continue
                if "items" in schema:
                    result.add("list")
                    continue
                return ANY
            for name in [declared] if isinstance(declared, str) else declared:
                if name in _TYPE_KINDS:
                    result.add(_TYPE_KINDS[name])
        return frozenset(result) if result else ANY

    def enum(self) -> list[Any] | None:
        """The allowed values when every schema here lists them, else None."""
        values: list[Any] = []
        for schema in self.schemas:
            if "enum" in schema:
                values.extend(schema["enum"])
            elif "const" in schema:
                values.append(schema["const"])
            else:
                return None
        return values if self.schemas else None

    def is_date(self) -> bool:
        return bool(self.schemas) and all(s.get("format") == "date" for s in self.schemas)


@dataclass(frozen=True, slots=True)
class UnknownKey:
    key: str
    known: tuple[str, ...]


OPEN = SchemaNode(())
_EXPANSION_LIMIT = 10_000  # schemas one lookup may expand (the shipped schema needs a few)
_COMBINATORS = ("$ref", "allOf", "anyOf", "oneOf")
_CONSTRAINTS = {
    "type",
    "enum",
    "const",
    "properties",
    "items",
    "additionalProperties",
    "patternProperties",
    "unevaluatedProperties",
    "format",
}


class SchemaIndex:
    """Look up evidence paths in one schema document."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def root(self) -> SchemaNode:
        return SchemaNode(tuple(self._expand(self.schema)))

    def child(self, node: SchemaNode, key: str) -> SchemaNode | UnknownKey:
        """The schema of key `key` inside `node`, or the reason it cannot be there."""
        if node.is_open:
            return OPEN
        found: list[dict[str, Any]] = []
        known: list[str] = []
        closed = True
        for schema in node.schemas:
            properties = schema.get("properties", {})
            known.extend(properties)
            if key in properties:
                found.extend(self._expand(properties[key]))
                continue
            extra = schema.get("additionalProperties", True)
            if schema.get("patternProperties") or schema.get("unevaluatedProperties") is not None:
                closed = False
            elif extra is not False and _may_be_object(schema):
                closed = False
                if isinstance(extra, dict):
                    found.extend(self._expand(extra))
        if found:
            return SchemaNode(tuple(found))
        if closed and known:
            return UnknownKey(key, tuple(dict.fromkeys(known)))
        return OPEN

    def items(self, node: SchemaNode) -> SchemaNode:
        """The schema of the elements of a list at `node`."""
        found: list[dict[str, Any]] = []
        for schema in node.schemas:
            items = schema.get("items")
            if not isinstance(items, dict):
                return OPEN
            found.extend(self._expand(items))
        return SchemaNode(tuple(found))

    def _expand(self, schema: Any) -> Iterator[dict[str, Any]]:
        """The schema itself and what its `$ref`, `allOf`, `anyOf` and `oneOf` bring in.

        A hostile schema can make this walk endless (`a: {allOf: [a, a, a, a]}`) or
        exponential without a cycle (each of 16 definitions naming the next four times): a
        reference already being expanded, or more than `_EXPANSION_LIMIT` schemas, count as
        open (`{}`), so `check` stays quick and never calls a path missing that may be there.
        """
        return self._walk(schema, 0, frozenset(), [_EXPANSION_LIMIT])

    def _walk(
        self, schema: Any, depth: int, active: frozenset[str], budget: list[int]
    ) -> Iterator[dict[str, Any]]:
        if not isinstance(schema, dict) or depth > 32:
            return
        budget[0] -= 1
        if budget[0] < 0:
            yield {}
            return
        partial = False
        if "$ref" in schema:
            reference = schema["$ref"]
            usable = isinstance(reference, str) and reference not in active
            target = resolve_local(self.schema, reference) if usable else None
            if target is None:
                yield {}  # an external or circular reference: open
                return
            # A partial value's form stands for the kind the field has anyway (spec 9.3a).
            partial = isinstance(target, dict) and PARTIAL_MARK in target
            if not partial:
                yield from self._walk(target, depth + 1, active | {reference}, budget)
        combined = any(k in schema for k in _COMBINATORS)
        own = {k: v for k, v in schema.items() if k not in _COMBINATORS}
        if partial:  # the object keywords beside it describe the partial form, not the field
            own = _without_partial_form(own)
        if not combined or own.keys() & _CONSTRAINTS:
            yield own
        for keyword in ("allOf", "anyOf", "oneOf"):
            for branch in schema.get(keyword, []):
                yield from self._walk(branch, depth + 1, active, budget)


PARTIAL_MARK = "x-modenhet-partial"  # a `$defs` entry for a partial value's form (spec 9.2)


def _without_partial_form(schema: dict[str, Any]) -> dict[str, Any]:
    out = {
        k: v
        for k, v in schema.items()
        if k not in ("properties", "required", "additionalProperties")
    }
    declared = out.get("type")
    if isinstance(declared, list):
        out["type"] = [t for t in declared if t != "object"]
    elif declared == "object":
        del out["type"]
    return out


def _may_be_object(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    if declared is None:
        return "properties" in schema or not schema
    names = [declared] if isinstance(declared, str) else declared
    return "object" in names


def _kind_of(value: Any) -> str:
    match value:
        case bool():
            return "boolean"
        case int() | float():
            return "number"
        case str():
            return "string"
        case list():
            return "list"
        case dict():
            return "object"
    return "string"
