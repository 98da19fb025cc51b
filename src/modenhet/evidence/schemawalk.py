"""Walking the evidence schema for the people who fill it in: a template document with every
field present and null, and a field-by-field description (docs/evidence.md).

Only what these two need is followed: local `$ref`s, `properties`, `items` and the first
branch of `anyOf`/`oneOf` that is not null.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def resolve(schema: dict[str, Any], node: Any) -> dict[str, Any]:
    """`node` with its local `$ref` merged in (the node's own keywords win)."""
    if not isinstance(node, dict):
        return {}
    merged: dict[str, Any] = dict(node)
    node = merged
    seen = 0
    while "$ref" in node and seen < 32:
        target: Any = schema
        for part in str(node["$ref"]).lstrip("#").split("/")[1:]:
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = merged = {**dict(target), **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    partial = merged.pop(PARTIAL_MARK, None)
    for keyword in ("anyOf", "oneOf"):
        branches = [resolve(schema, b) for b in node.get(keyword, [])]
        partial = partial or next((b[PARTIAL] for b in branches if PARTIAL in b), None)
        useful = [b for b in branches if b.get("type") != "null" and PARTIAL not in b]
        if useful:
            rest = {k: v for k, v in node.items() if k != keyword}
            node = merged = {**useful[0], **rest}
            if any(b.get("type") == "null" for b in branches):
                merged["type"] = [*_types(merged), "null"]
    if partial is not None:  # the field stands for its kind; the partial form is noted apart
        for keyword in ("properties", "required", "additionalProperties"):
            merged.pop(keyword, None)
        if isinstance(merged.get("type"), list):
            merged["type"] = [t for t in merged["type"] if t != "object"]
        merged[PARTIAL] = partial
    return merged


PARTIAL_MARK = "x-modenhet-partial"  # the schema's mark on a partial value's form (spec 9.2)
PARTIAL = "partial"  # where `resolve` notes the partial form a field allows
PARTIAL_WORDS = {
    "list": '`{"at_least": [...]}` when only some elements are known',
    "number": '`{"at_least": N}` when only a lower bound is known',
    "date": "`YYYY` or `YYYY-MM` when only the year or the month is known",
}


def _types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def nullable(node: dict[str, Any]) -> bool:
    return "null" in _types(node) or None in node.get("enum", [])


def template(schema: dict[str, Any], municipality: tuple[str, str] | None = None) -> dict[str, Any]:
    """A document with every field of the schema present: objects opened, everything else null
    (or its constant), and the municipality's number and name if given (from SSB's list, by
    the caller: the municipalities' messages name fields by this module's titles)."""
    document = _skeleton(schema, resolve(schema, schema))
    if not isinstance(document, dict):
        return {}
    if municipality is not None and isinstance(document.get("municipality"), dict):
        document["municipality"]["number"], document["municipality"]["name"] = municipality
    return document


def _skeleton(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    if "const" in node:
        return node["const"]
    if "default" in node:  # `schema_version`: the version a new document is written in
        return node["default"]
    if "object" in _types(node) or "properties" in node:
        return {
            key: _skeleton(schema, resolve(schema, child))
            for key, child in node.get("properties", {}).items()
        }
    if "array" in _types(node) and not nullable(node):
        return []
    return None


@dataclass(frozen=True)
class Field:
    """One field of the schema: where it is, what it holds, and its Norwegian title and text."""

    path: str
    depth: int
    kind: str
    title: str
    description: str
    allowed: str


def fields(schema: dict[str, Any]) -> Iterator[Field]:
    """Every field, depth first, in the schema's order."""
    yield from _fields(schema, resolve(schema, schema), "", 0)


def _fields(schema: dict[str, Any], node: dict[str, Any], path: str, depth: int) -> Iterator[Field]:
    for key, child in node.get("properties", {}).items():
        resolved = resolve(schema, child)
        here = f"{path}.{key}" if path else key
        yield Field(
            here,
            depth,
            _kind(schema, resolved),
            resolved.get("title", ""),
            resolved.get("description", ""),
            _allowed(schema, resolved),
        )
        yield from _fields(schema, resolved, here, depth + 1)
        items = resolve(schema, resolved.get("items", {}))
        if items.get("properties"):
            yield from _fields(schema, items, f"{here}[]", depth + 1)


_KIND_WORDS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true/false",
    "array": "list",
    "object": "object",
}


def _kind(schema: dict[str, Any], node: dict[str, Any]) -> str:
    words = [_KIND_WORDS.get(t, t) for t in _types(node) if t != "null"]
    if node.get("format") == "date":
        words = ["date (YYYY-MM-DD)"]
    if "array" in _types(node):
        item = resolve(schema, node.get("items", {}))
        inner = _kind(schema, item) if item else "anything"
        words = [f"list of {inner}"]
    text = " or ".join(words) or ("one of the values" if "enum" in node else "anything")
    if node.get(PARTIAL) in PARTIAL_WORDS:
        text += ", or " + PARTIAL_WORDS[node[PARTIAL]]
    return f"{text}, or null" if nullable(node) else text


def _allowed(schema: dict[str, Any], node: dict[str, Any]) -> str:
    parts: list[str] = []
    source = node
    if "array" in _types(node):
        source = resolve(schema, node.get("items", {}))
    if "enum" in source:
        parts.append(", ".join(f"`{v}`" for v in source["enum"] if v is not None))
    if "const" in node:
        parts.append(f"always `{json.dumps(node['const'], ensure_ascii=False)}`")
    if "pattern" in node and node.get("format") != "date":
        parts.append(f"pattern `{node['pattern']}`")
    for keyword, word in (("minimum", "≥"), ("maximum", "≤")):
        if keyword in node:
            parts.append(f"{word} {node[keyword]}")
    return "; ".join(parts)


def markdown(schema: dict[str, Any]) -> str:
    """docs/evidence.md: the evidence format field by field, from the schema's own words."""
    lines = [
        "# The evidence format",
        "",
        "<!-- Generated by `modenhet schema --format markdown` from schemas/evidence.schema.json;"
        " tests/test_evidence_docs.py checks that it is current. Edit the schema, not this. -->",
        "",
        "## The first way for a municipality: a workbook to fill in",
        "",
        "Most people who gather the evidence work in Excel or LibreOffice. modenhet makes the"
        " workbook from this schema and reads it back as it reads JSON:",
        "",
        "```sh",
        "modenhet template --format xlsx -m 4601 -o 4601-bergen.xlsx   # the workbook to fill in",
        "modenhet validate 4601-bergen.xlsx                           # what is missing or wrong",
        "modenhet evaluate 4601-bergen.xlsx                           # the levels",
        "modenhet convert 4601-bergen.xlsx -o 4601-bergen.json        # the JSON, for the archive",
        "```",
        "",
        "- A **front sheet** (*Framside*) for the municipality, the year and who filled it in;"
        " **one sheet per success factor** with a row per field below: its title, its"
        " description (what document or statistic proves it), the answer cell (column C) and a"
        " column for your own notes; and a sheet for the **sources** (*Kjelder*). `--lang nb`"
        " gives the workbook's own words in bokmål.",
        "- Answer cells are typed and checked by Excel: drop-downs for yes/no (`ja`/`nei`) and"
        " for the choices, whole numbers and decimals within the schema's bounds, dates. A list"
        " of choices is a row per choice, answered `ja` or `nei`; another list (the source ids,"
        " the user organisations, the sources) is a status row (*Heile lista*, *Ingen*, or"
        " *Minst desse* where the schema has an «at least» form) and a row or block per item."
        " Where the schema allows a date of a year or a month alone, or a count given as"
        " `minst 3`, the cell takes it.",
        "- **An empty answer cell is *unknown*, never «nei».** Municipality numbers are text"
        " (`0301` keeps its zero). Labels are locked, answers open. Dates may be typed as Excel"
        " dates, as `30.06.2025` or as `2025-06-30`; `2025-6-1` is not a date.",
        "- Every problem is reported at its sheet and cell with the field's title, in nynorsk"
        " unless `--lang` (or `MODENHET_LANG`) says otherwise:"
        " `4601-bergen.xlsx:Økonomiske ressursar!C6: feil: «Budsjett i kroner»: «12 mill» er"
        " tekst, ikkje eit tal; skriv berre talet`; with `--lang en`"
        " `4601-bergen.xlsx:Økonomiske ressursar!C6: error: «Budsjett i kroner»: «12 mill» is"
        " text, not a number; type the number alone`. A workbook with macros, a password, a"
        " formula or a merged cell in it, a sheet that does not belong or a row that was moved,"
        " is refused with its reason; the other documents of a run are still evaluated.",
        "- A folder is read for `.xlsx`, `.json` and `.jsonl` files alike; from Python,"
        ' `modenhet.read_evidence("4601-bergen.xlsx")` gives the document.',
        "",
        "## The JSON document",
        "",
        f"An evidence document is one JSON object that follows `{schema.get('$id', '')}`"
        " (JSON Schema 2020-12). It says what one municipality can document for one year, per"
        " success factor. Keys are English; every title and description is the schema's own"
        " (nynorsk).",
        "",
        "- **Null means not known.** Every evidence field may be `null` or left out; the rule"
        " language treats both as *unknown*, which never counts as met, and reports the path so"
        " the municipality knows what to fill in.",
        "- **Dates** are written `YYYY-MM-DD`. **Lists** hold each value once.",
        "- **Partly known** (schema version 1.1): where only some of a list is known, write"
        ' `{"at_least": [...]}` — `"instruments_used": {"at_least": ["startlan"]}` says the'
        " municipality uses startlån and perhaps more; where a count or an amount is known only"
        ' to be at least some number, `{"at_least": N}` — `"forum_meetings_per_year":'
        ' {"at_least": 4}`; where a plan\'s year or month is known but not its day, `"2021"` or'
        ' `"2021-06"` — "sometime in 2021". Such a value never counts against the municipality:'
        " a criterion it cannot decide stays unknown (and names the field as partly known),"
        " where writing a plain list of only the known elements could make it *not met*.",
        "- **`municipality.number`** must be on SSB's list (KLASS 131, shipped with modenhet)"
        " of the year the document reports: the 356 municipalities of 2020–2023 when `year` is"
        " 2020–2023, the 357 of 2024 otherwise; a `name` that differs from the official one is a"
        " warning. A number that changed on 1 January 2024 is named with its successor or"
        " predecessor (data/README.md).",
        "- **Sources.** Every id in a `source_ids` list (and `action_plan.source_id`) must be the"
        " `id` of a document in `sources`, and those ids are unique (in a document of"
        " `schema_version` 1.0, or one without it, a broken reference is a warning, so that"
        " every document valid under 1.0 stays valid). A date after `submitted` is a warning: it"
        " cannot be evidence yet.",
        "- **What proves a field.** Each description of the fields added in schema 1.1 ends by"
        " naming the document or statistic that proves it (the plan, the case number, the KOSTRA"
        " form or accounts function).",
        "- Unknown keys are errors (a misspelt key would otherwise silently be unknown).",
        "- `validate` names each field by its title, with its path beside it, in the language"
        " of `--lang` (nynorsk by default): ``4601-bergen.json:48#/evidence/economy/"
        "housing_social_fte: feil: Årsverk (`evidence.economy.housing_social_fte`) må vere eit"
        ' tal, eit objekt eller `null`; fekk "mange"``. `--lang en` and `-f json` give the'
        " English message, which names the path alone: ``… error:"
        " `evidence.economy.housing_social_fte` must be a number, an object or null; got"
        ' "mange"``.',
        "",
        "Start from a template with every field present and null, and validate as you go:",
        "",
        "```sh",
        "modenhet template --municipality 4601 > 4601-bergen.json",
        "modenhet validate 4601-bergen.json",
        "```",
        "",
        "| Field | Kind | Title | Description | Allowed |",
        "|---|---|---|---|---|",
    ]
    for field in fields(schema):
        name = "&nbsp;&nbsp;" * field.depth + f"`{field.path}`"
        cells = [name, field.kind, field.title, field.description, field.allowed]
        lines.append(
            "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
        )
    return "\n".join(lines) + "\n"


def field_title(schema: dict[str, Any], segments: tuple[str | int, ...]) -> str | None:
    """The `title` the schema gives the field at a path (list elements as integers), or None
    where the schema does not reach or names no title. A field inside a list element is
    named with the list: `Brukarorganisasjonar: Med i`."""
    node = resolve(schema, schema)
    within: str | None = None  # the title of the last list the path went into
    for segment in segments:
        if isinstance(segment, int):
            within = _title(node)
            node = resolve(schema, node.get("items", {}))
        else:
            properties = node.get("properties", {})
            if not isinstance(properties, dict) or segment not in properties:
                return None
            node = resolve(schema, properties[segment])
    title = _title(node)
    if title is not None and within is not None and not isinstance(segments[-1], int):
        return f"{within}: {title}"
    return title


def _title(node: dict[str, Any]) -> str | None:
    title = node.get("title")
    return title if isinstance(title, str) and title else None
