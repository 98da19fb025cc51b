"""A JSON Schema's own soundness, before any document meets it: a `$schema` jsonschema can read,
conformance to its draft's metaschema, and no `$ref`, `allOf`, `anyOf` or `oneOf` that loops or
multiplies without end. `check` runs it on a rule set's schema, `validate` on the one it is given.
Also the lookup of a local `$ref`, which `check.schemapaths` shares.
"""

from __future__ import annotations

from typing import Any

from modenhet.i18n import N_, Text

_NOT_A_STRING = N_("its '$schema' is not a string")
_TOO_DEEP = N_("it is nested too deeply")


def structural_problem(schema: dict[str, Any]) -> Text | None:
    """What makes a schema unusable, found without jsonschema: a `$schema` that is not a
    string (jsonschema would crash picking the draft), and loops or an explosion of `$ref`s."""
    if not isinstance(schema.get("$schema", ""), str):
        return Text(_NOT_A_STRING)
    return _expansion_problem(schema)


def schema_problem(schema: dict[str, Any]) -> Text | None:
    """`structural_problem`, and whether jsonschema can apply the schema (checked against its
    draft's metaschema); None when it can. Imported here: only this needs jsonschema."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    if not isinstance(schema.get("$schema", ""), str):
        return Text(_NOT_A_STRING)
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as error:
        where = "".join(f"/{part}" for part in error.absolute_path)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        return Text(N_("%(problem)s (at #%(where)s)"), problem=message, where=where)
    except RecursionError:
        return Text(_TOO_DEEP)
    return _expansion_problem(schema)


# Keywords whose schemas apply to the same place of the document as the schema holding them:
# validating one value walks all of them (a `$ref` included), however the document looks.
_SAME_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref")
_SAME_PLACE_MAPS = ("dependentSchemas", "dependencies")
SCHEMA_EXPANSION_LIMIT = 10_000


def _expansion_problem(schema: dict[str, Any]) -> Text | None:
    """A schema whose `$ref`s and `allOf`/`anyOf`/`oneOf` loop, or multiply, without reading
    deeper into the document would make validating each value endless or take minutes
    (sixteen definitions each naming the next four times: 4**16 schemas for every value).
    Count, for every sub-schema, the schemas that apply at its place; refuse a loop or more
    than `SCHEMA_EXPANSION_LIMIT`."""
    cost: dict[int, int] = {}
    active: set[int] = set()

    def same_place(node: dict[str, Any]) -> list[Any]:
        found: list[Any] = []
        for keyword in _SAME_PLACE:
            value = node.get(keyword)
            if keyword == "$ref":
                found.append(resolve_local(schema, value))
            elif isinstance(value, list):
                found.extend(value)
            else:
                found.append(value)
        for keyword in _SAME_PLACE_MAPS:
            value = node.get(keyword)
            if isinstance(value, dict):
                found.extend(value.values())
        return [item for item in found if isinstance(item, dict)]

    def count(node: dict[str, Any]) -> int:
        key = id(node)
        if key in cost:
            return cost[key]
        if key in active:
            raise _Loop
        active.add(key)
        total = 1 + sum(count(child) for child in same_place(node))
        active.discard(key)
        cost[key] = min(total, SCHEMA_EXPANSION_LIMIT + 1)
        return cost[key]

    stack: list[Any] = [schema]
    try:
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if count(node) > SCHEMA_EXPANSION_LIMIT:
                    return Text(
                        N_(
                            "its $ref, allOf, anyOf and oneOf bring more than %(limit)s schemas "
                            "to one place of the document"
                        ),
                        limit=f"{SCHEMA_EXPANSION_LIMIT:,}",
                    )
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    except _Loop:
        return Text(N_("its $ref, allOf, anyOf or oneOf lead back to themselves at the same place"))
    except RecursionError:
        return Text(_TOO_DEEP)
    return None


class _Loop(Exception):
    pass


def resolve_local(schema: Any, reference: Any) -> Any:
    """The part of `schema` a `$ref` such as `#/$defs/date` names, or None: a reference to
    another document (validation reports it per document) or to nothing."""
    if not isinstance(reference, str) or not reference.startswith("#"):
        return None
    target: Any = schema
    for part in reference[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdecimal() and int(part) < len(target):
            target = target[int(part)]
        else:
            return None
    return target
