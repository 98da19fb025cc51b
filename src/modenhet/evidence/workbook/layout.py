"""The layout of an evidence workbook, computed from the evidence schema: which sheet and row
holds which field, of which kind, with which bounds and choices. The template writes it and
the reader reads by it, so the two never disagree, and a field added to the schema is a row
in the next template without any change here.

What becomes what:
- the root's scalars and small objects (the municipality, the year) are rows on the front sheet;
- an object whose members are all objects (`evidence`) gives one sheet per member (a factor);
- a list of objects at the root (`sources`) gives a sheet of its own, an item block per entry;
- a field is a row: text, whole number, decimal, yes/no, date or a choice from the schema's
  `enum`; a list of choices is a row per choice answered yes or no; another list is a status
  row and a row (or block of rows) per item;
- the partial forms are offered where the schema allows them: `{"at_least": ...}` (an `anyOf`
  branch that is an object with the one property `at_least`, or a `$ref` to a `$defs` entry
  marked `x-modenhet-partial`, as schemas/evidence.schema.json writes it) and dates of a year
  or a month (probed against the field's own schema).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "integer", "number", "boolean", "date", "choice"]
RowKind = Literal["heading", "value", "member", "list", "item", "note"]
Path = tuple[str | int, ...]

ITEMS_IN_A_LIST = 8  # rows for a list of text (source ids), blocks for a list of objects
ITEMS_ON_A_SHEET = 30  # blocks for a list of objects with a sheet of its own (the sources)
FIRST_ROW = 5  # the first field's row on a sheet of fields (title, text, blank, header first)
FORMAT = "modenhet-evidence-workbook 1"  # written on the hidden sheet: the layout's version

TITLE, TEXT, ANSWER, NOTE, KEY = 1, 2, 3, 4, 5  # the columns
ANSWER_LETTER, KEY_LETTER = "C", "E"

WORDS: dict[str, dict[str, str]] = {
    "nn": {
        "front": "Framside",
        "choices": "Val",
        "field": "Felt",
        "text": "Forklaring",
        "answer": "Svar",
        "note": "Kjelde eller merknad (til eige bruk)",
        "yes": "ja",
        "no": "nei",
        "complete": "Heile lista",
        "at_least": "Minst desse",
        "none": "Ingen",
        "item": "Nr.",
        "at_least_count": "minst",
        "or_at_least": "eller «minst N» når berre ei nedre grense er kjend",
        "filled_by": "Fylt ut av (namn og rolle)",
        "contact": "Kontakt (e-post eller telefon)",
        "filled_date": "Dato for utfylling",
        "title": "Dokumentasjon av bustadsosialt arbeid",
        "how": (
            "Slik fyller du ut: skriv svaret i kolonne C på kvart ark, éin rad per opplysning. "
            "Ei tom svarcelle tyder «ikkje kjent» – aldri «nei». Skriv ja eller nei, tal som tal, "
            "datoar som 30.06.2025 eller 2025-06-30. Under ei liste av val svarar du ja eller "
            "nei for kvart val. Dokumenta som opplysningane byggjer på, fører du på arket "
            "«{sources}» og viser til med id-en deira i radene «Kjelder». Ikkje flytt, set inn "
            "eller slett rader: modenhet les svara etter plassen deira. Kolonne D er til eige "
            "bruk og blir ikkje lesen."
        ),
        "then": (
            "Når arbeidsboka er fylt ut: modenhet validate {file} viser kva som manglar eller "
            "er feil (ark og celle), og modenhet evaluate {file} gir nivået per suksessfaktor."
        ),
        "status_prompt": (
            "Tom: ikkje kjent. «Heile lista»: radene under er alle. «Minst desse»: det finst "
            "kanskje fleire. «Ingen»: lista er tom."
        ),
        "bad_value": "Ugyldig svar",
        "bounds": "Eit tal",
        "from": "frå og med",
        "to": "til og med",
        "date_prompt": "Ein dato, t.d. 30.06.2025",
        "year_prompt": "eller berre året (2025)",
        "month_prompt": "eller året og månaden (06.2025)",
        "count_prompt": "eller «minst 3» når du berre veit at det er minst så mange",
    },
    "nb": {
        "front": "Forside",
        "choices": "Valg",
        "field": "Felt",
        "text": "Forklaring",
        "answer": "Svar",
        "note": "Kilde eller merknad (til eget bruk)",
        "yes": "ja",
        "no": "nei",
        "complete": "Hele listen",
        "at_least": "Minst disse",
        "none": "Ingen",
        "item": "Nr.",
        "at_least_count": "minst",
        "or_at_least": "eller «minst N» når bare en nedre grense er kjent",
        "filled_by": "Fylt ut av (navn og rolle)",
        "contact": "Kontakt (e-post eller telefon)",
        "filled_date": "Dato for utfylling",
        "title": "Dokumentasjon av boligsosialt arbeid",
        "how": (
            "Slik fyller du ut: skriv svaret i kolonne C på hvert ark, én rad per opplysning. "
            "En tom svarcelle betyr «ikke kjent» – aldri «nei». Skriv ja eller nei, tall som "
            "tall, datoer som 30.06.2025 eller 2025-06-30. Under en liste av valg svarer du ja "
            "eller nei for hvert valg. Dokumentene som opplysningene bygger på, fører du på "
            "arket «{sources}» og viser til med id-en deres i radene «Kjelder». Ikke flytt, sett "
            "inn eller slett rader: modenhet leser svarene etter plassen deres. Kolonne D er til "
            "eget bruk og blir ikke lest."
        ),
        "then": (
            "Når arbeidsboken er fylt ut: modenhet validate {file} viser hva som mangler eller "
            "er feil (ark og celle), og modenhet evaluate {file} gir nivået per suksessfaktor."
        ),
        "status_prompt": (
            "Tom: ikke kjent. «Hele listen»: radene under er alle. «Minst disse»: det finnes "
            "kanskje flere. «Ingen»: listen er tom."
        ),
        "bad_value": "Ugyldig svar",
        "bounds": "Et tall",
        "from": "fra og med",
        "to": "til og med",
        "date_prompt": "En dato, f.eks. 30.06.2025",
        "year_prompt": "eller bare året (2025)",
        "month_prompt": "eller året og måneden (06.2025)",
        "count_prompt": "eller «minst 3» når du bare vet at det er minst så mange",
    },
}

LANGUAGES = tuple(WORDS)
META_SHEET = "modenhet"  # hidden: the format, the language and the schema's $id


@dataclass(frozen=True)
class Field:
    """What one answer cell holds, from the field's schema."""

    kind: Kind
    choices: tuple[str, ...] = ()  # the enum's values (a choice, or a list of choices)
    labels: tuple[str, ...] = ()  # what the drop-down shows for each choice
    minimum: float | None = None
    maximum: float | None = None
    exclusive: bool = False  # a bound is exclusive (the cell's validation is then left loose)
    year_only: bool = False  # a date may be a year alone
    month_only: bool = False  # a date may be a year and a month
    at_least: bool = False  # a count may be {"at_least": N}


@dataclass(frozen=True)
class Row:
    """One row of a sheet: a heading, a field's answer, a choice of a list, a list's status
    row, an item of a list, or a note that is not evidence (who filled the workbook in)."""

    sheet: str
    number: int
    key: str  # written in the hidden key column; a row whose key differs has been moved
    kind: RowKind
    title: str
    description: str
    path: Path  # the JSON path of the value (of the list, for a member or a status row)
    depth: int = 0
    field: Field | None = None
    code: str | None = None  # a member row: the choice it says yes or no to

    @property
    def cell(self) -> str:
        return f"{ANSWER_LETTER}{self.number}"


@dataclass(frozen=True)
class ListInfo:
    """A list of the schema, and how the workbook holds it."""

    path: Path
    kind: Literal["members", "items", "objects"]
    title: str
    nullable: bool
    at_least: bool
    item: Field | None  # a list of text or numbers: what each item is
    count: int  # item rows (or blocks)
    item_keys: tuple[str, ...] = ()  # a list of objects: the properties of each item


@dataclass
class Sheet:
    name: str
    title: str
    description: str
    kind: Literal["front", "fields"]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Layout:
    lang: str
    schema_id: str
    sheets: list[Sheet]
    consts: dict[Path, Any]
    lists: dict[Path, ListInfo]
    objects: list[Path]  # every object the document holds, so converting opens each of them
    nullable: set[Path]  # the objects that may be null: null when nothing in them is known
    list_sheet: str  # the name of the sheet that holds the sources (for the instructions)

    @property
    def words(self) -> dict[str, str]:
        return WORDS[self.lang]

    @property
    def hidden_sheets(self) -> tuple[str, str]:
        return (self.words["choices"], META_SHEET)

    def rows(self) -> list[Row]:
        return [row for sheet in self.sheets for row in sheet.rows]

    def sheet(self, name: str) -> Sheet:
        return next(sheet for sheet in self.sheets if sheet.name == name)


# ------------------------------------------------------------------------- the schema's shape


def _deref(root: dict[str, Any], node: Any) -> dict[str, Any]:
    """`node` with its local `$ref`s merged in (the node's own keywords win)."""
    if not isinstance(node, dict):
        return {}
    merged: dict[str, Any] = dict(node)
    seen = 0
    while "$ref" in merged and seen < 32:
        target: Any = root
        for part in str(merged["$ref"]).lstrip("#").split("/")[1:]:
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
            if not isinstance(target, dict):
                target = {}
        merged = {**dict(target), **{k: v for k, v in merged.items() if k != "$ref"}}
        seen += 1
    return merged


def _fixed(main: dict[str, Any]) -> bool:
    """A field the workbook does not ask for but writes itself: a `const`, or a `readOnly`
    field with a `default` (the schema's version: the workbook is of the current one)."""
    return "const" in main or (main.get("readOnly") is True and "default" in main)


def _types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def _is_at_least(node: dict[str, Any]) -> bool:
    properties = node.get("properties")
    return isinstance(properties, dict) and set(properties) == {"at_least"}


@dataclass(frozen=True)
class Shape:
    """A node of the schema with its `anyOf`/`oneOf` taken apart: the main form, whether
    null is allowed, and whether the partial form `{"at_least": ...}` is."""

    main: dict[str, Any]
    nullable: bool
    at_least: bool


_PARTIAL_MARK = "x-modenhet-partial"  # a `$defs` entry for a partial form (spec 9.2)


def _without_partial_form(merged: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The node without the partial form the schema adds to it (`{"type": [..., "object"],
    "$ref": "#/$defs/partial_number"}`), and whether it had one."""
    if merged.get(_PARTIAL_MARK) not in ("number", "list"):
        return merged, False  # a partial date is a string: the date probe finds it
    types = [t for t in _types(merged) if t != "object"]
    rest = {
        k: v
        for k, v in merged.items()
        if k not in (_PARTIAL_MARK, "properties", "required", "additionalProperties", "type")
    }
    if types:
        rest["type"] = types if len(types) > 1 else types[0]
    return rest, True


def shape(root: dict[str, Any], node: Any) -> Shape:
    merged, at_least = _without_partial_form(_deref(root, node))
    nullable = "null" in _types(merged)
    for keyword in ("anyOf", "oneOf"):
        branches = merged.get(keyword)
        if not isinstance(branches, list):
            continue
        rest = {k: v for k, v in merged.items() if k != keyword}
        useful: list[dict[str, Any]] = []
        for branch in branches:
            inner = shape(root, branch)
            if _types(inner.main) == ["null"]:
                nullable = True
            elif _is_at_least(inner.main):
                at_least = True
                nullable = nullable or inner.nullable
            else:
                useful.append(inner.main)
                nullable = nullable or inner.nullable
                at_least = at_least or inner.at_least
        merged = {**useful[0], **rest} if useful else rest
    if "null" in _types(merged) or (
        isinstance(merged.get("enum"), list) and None in merged["enum"]
    ):
        nullable = True
    return Shape(merged, nullable, at_least)


_LABEL = re.compile(r"«([^»]+)»:\s*([^;«]+)")


def _labels(choices: tuple[str, ...], description: str) -> tuple[str, ...]:
    """The words the schema's description gives each choice («current»: ein vedteken plan
    gjeld no); the choices themselves when it does not name each one once."""
    found: dict[str, str] = {}
    for code, label in _LABEL.findall(description):
        found.setdefault(code, label.strip().rstrip(".").strip())
    labels = tuple(found.get(code, "") for code in choices)
    if all(labels) and len(set(labels)) == len(labels) and not set(labels) & set(choices):
        return labels
    return choices


def _accepts(root: dict[str, Any], node: Any, value: Any) -> bool:
    import jsonschema  # only when a workbook is made or read

    schema = {**_deref(root, node), "$defs": root.get("$defs", {})}
    try:
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        return bool(validator.is_valid(value))
    except Exception:  # a schema this probe cannot use: offer only the full form
        return False


def _field(root: dict[str, Any], node: Any, parent_description: str = "") -> Field | None:
    """The answer cell of a scalar field, or None for what is not one (objects, lists)."""
    found = shape(root, node)
    main = found.main
    types = [t for t in _types(main) if t != "null"]
    description = str(main.get("description", "")) or parent_description
    enum = main.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum if v is not None):
        choices = tuple(v for v in enum if v is not None)
        return Field("choice", choices, _labels(choices, description))
    low = main.get("minimum", main.get("exclusiveMinimum"))
    high = main.get("maximum", main.get("exclusiveMaximum"))
    exclusive = "exclusiveMinimum" in main or "exclusiveMaximum" in main
    if types == ["boolean"]:
        return Field("boolean")
    if types == ["integer"]:
        return Field("integer", minimum=low, maximum=high, exclusive=exclusive,
                     at_least=found.at_least)  # fmt: skip
    if types in (["number"], ["integer", "number"], ["number", "integer"]):
        return Field("number", minimum=low, maximum=high, exclusive=exclusive,
                     at_least=found.at_least)  # fmt: skip
    if types == ["string"] or (not types and "pattern" in main):
        if (
            main.get("format") == "date"
            or _accepts(root, node, "2025-06-30")
            and not _accepts(root, node, "x")
        ):
            return Field(
                "date",
                year_only=_accepts(root, node, "2025"),
                month_only=_accepts(root, node, "2025-06"),
            )
        return Field("text")
    return None


# ----------------------------------------------------------------------------- the layout


@functools.cache
def _cached(schema_text: str, lang: str) -> Layout:
    return _build(json.loads(schema_text), lang)


def layout(schema: dict[str, Any], lang: str = "nn") -> Layout:
    """The workbook's layout for this schema, in this language (`nn` or `nb`)."""
    return _cached(json.dumps(schema, ensure_ascii=False), lang)


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    name = re.sub(r"[\[\]:*?/\\]", "-", title).strip("' ") or "Ark"
    name = name[:31].rstrip()
    base, number = name, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" {number}"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(name)
    return name


class _Builder:
    def __init__(self, root: dict[str, Any], lang: str) -> None:
        self.root = root
        self.lang = lang
        self.words = WORDS[lang]
        self.consts: dict[Path, Any] = {}
        self.lists: dict[Path, ListInfo] = {}
        self.objects: list[Path] = [()]
        self.nullable: set[Path] = set()
        self.taken: set[str] = {self.words["choices"], META_SHEET}

    def build(self) -> Layout:
        root = shape(self.root, self.root).main
        front = Sheet(
            sheet_name(self.words["front"], self.taken),
            str(root.get("title", self.words["title"])),
            str(root.get("description", "")),
            "front",
        )
        sheets = [front]
        rows = front.rows
        front_first = FRONT_FIRST
        for key, note in (
            ("_filled_by", "filled_by"),
            ("_contact", "contact"),
            ("_filled_date", "filled_date"),
        ):
            rows.append(
                Row(front.name, front_first + len(rows), key, "note", self.words[note], "", ())
            )
        list_sheet = ""
        for key, child in root.get("properties", {}).items():
            found = shape(self.root, child)
            main = found.main
            path: Path = (key,)
            if _fixed(main):
                self.consts[path] = main.get("const", main.get("default"))
                continue
            members = main.get("properties")
            if (
                isinstance(members, dict)
                and members
                and all(
                    shape(self.root, member).main.get("properties") is not None
                    for member in members.values()
                )
            ):
                self.objects.append(path)
                for sub, member in members.items():
                    inner = shape(self.root, member).main
                    sheet = Sheet(
                        sheet_name(str(inner.get("title", sub)), self.taken),
                        str(inner.get("title", sub)),
                        str(inner.get("description", "")),
                        "fields",
                    )
                    self.objects.append((key, sub))
                    if shape(self.root, member).nullable:
                        self.nullable.add((key, sub))
                    self._members(sheet, inner, (key, sub), 0)
                    sheets.append(sheet)
                continue
            items = shape(self.root, main.get("items", {})).main
            if "array" in _types(main) and items.get("properties"):
                sheet = Sheet(
                    sheet_name(str(main.get("title", key)), self.taken),
                    str(main.get("title", key)),
                    str(main.get("description", "")),
                    "fields",
                )
                list_sheet = list_sheet or sheet.name
                self._field(sheet, key, child, path, 0, ITEMS_ON_A_SHEET)
                sheets.append(sheet)
                continue
            self._field(front, key, child, path, 0, ITEMS_IN_A_LIST, first=front_first)
        schema_id = str(self.root.get("$id", ""))
        return Layout(self.lang, schema_id, sheets, self.consts, self.lists, self.objects,
                      self.nullable, list_sheet)  # fmt: skip

    def _next(self, sheet: Sheet, first: int) -> int:
        return first + len(sheet.rows) if sheet.kind == "front" else FIRST_ROW + len(sheet.rows)

    def _add(self, sheet: Sheet, first: int = FIRST_ROW, **row: Any) -> Row:
        made = Row(sheet.name, self._next(sheet, first), **row)
        sheet.rows.append(made)
        return made

    def _members(self, sheet: Sheet, node: dict[str, Any], path: Path, depth: int,
                 first: int = FIRST_ROW, count: int = ITEMS_IN_A_LIST) -> None:  # fmt: skip
        for key, child in node.get("properties", {}).items():
            self._field(sheet, key, child, (*path, key), depth, count, first=first)

    def _field(self, sheet: Sheet, key: str, node: Any, path: Path, depth: int, count: int,
               first: int = FIRST_ROW) -> None:  # fmt: skip
        found = shape(self.root, node)
        main = found.main
        title = str(main.get("title", key))
        description = str(main.get("description", ""))
        row_key = _key(path)
        if _fixed(main):
            self.consts[path] = main.get("const", main.get("default"))
            return
        if main.get("properties") is not None and "array" not in _types(main):
            self.objects.append(path)
            if found.nullable:
                self.nullable.add(path)
            self._add(sheet, first, key=row_key, kind="heading", title=title,
                      description=description, path=path, depth=depth)  # fmt: skip
            self._members(sheet, main, path, depth + 1, first, count)
            return
        if "array" in _types(main):
            self._list(sheet, found, title, description, path, depth, count, first)
            return
        made = _field(self.root, node)
        if made is None:  # a form the workbook cannot hold: left for the JSON route
            return
        self._add(sheet, first, key=row_key, kind="value", title=title,
                  description=description, path=path, depth=depth, field=made)  # fmt: skip

    def _list(self, sheet: Sheet, found: Shape, title: str, description: str, path: Path,
              depth: int, count: int, first: int) -> None:  # fmt: skip
        main = found.main
        items_node = main.get("items", {})
        items = shape(self.root, items_node).main
        item_field = _field(self.root, items_node, description)
        row_key = _key(path)
        if item_field is not None and item_field.kind == "choice":
            self.lists[path] = ListInfo(path, "members", title, found.nullable, found.at_least,
                                        item_field, len(item_field.choices))  # fmt: skip
            self._add(sheet, first, key=row_key, kind="heading", title=title,
                      description=description, path=path, depth=depth)  # fmt: skip
            for code, label in zip(item_field.choices, item_field.labels, strict=True):
                self._add(sheet, first, key=f"{row_key}={code}", kind="member", title=label,
                          description="", path=path, depth=depth + 1, code=code)  # fmt: skip
            return
        objects = items.get("properties") is not None
        if not objects and item_field is None:
            return
        keys = tuple(items.get("properties", {})) if objects else ()
        self.lists[path] = ListInfo(path, "objects" if objects else "items", title,
                                    found.nullable, found.at_least,
                                    None if objects else item_field, count, keys)  # fmt: skip
        self._add(sheet, first, key=row_key, kind="list", title=title, description=description,
                  path=path, depth=depth)  # fmt: skip
        item_title = str(items.get("title", "")) or title
        for index in range(count):
            here: Path = (*path, index)
            if objects:
                self._add(sheet, first, key=_key(here), kind="heading",
                          title=f"{item_title} {self.words['item']} {index + 1}",
                          description="", path=here, depth=depth + 1)  # fmt: skip
                self._members(sheet, items, here, depth + 2, first, count)
            else:
                self._add(sheet, first, key=_key(here), kind="item",
                          title=f"{self.words['item']} {index + 1}", description="",
                          path=here, depth=depth + 1, field=item_field)  # fmt: skip


FRONT_FIRST = 8  # the front sheet: title, text, instructions, what then, blank, header, ...


def _key(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def ordered(root: dict[str, Any], node: Any, value: Any) -> Any:
    """`value` with the keys of every object in the schema's order (as `template` has them)."""
    main = shape(root, node).main
    if isinstance(value, dict):
        properties = main.get("properties", {})
        if not isinstance(properties, dict):
            return value
        known = [key for key in properties if key in value]
        rest = [key for key in value if key not in properties]
        return {key: ordered(root, properties.get(key, {}), value[key]) for key in known + rest}
    if isinstance(value, list):
        return [ordered(root, main.get("items", {}), item) for item in value]
    return value


def pointer(path: Path) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _build(schema: dict[str, Any], lang: str) -> Layout:
    return _Builder(schema, lang).build()
