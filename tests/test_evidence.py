"""Strict reading of evidence: nothing is evaluated from a misread document, and every problem
says where it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import modenhet
from modenhet.evidence.reader import collect_files, iter_evidence, parse_document

from conftest import SAMPLES


def problems(data: bytes) -> list[tuple[str, str]]:
    document, found = parse_document(data)
    assert (document is None) == bool(found)
    return [(p.pointer, p.message) for p in found]


@pytest.mark.parametrize(
    ("data", "pointer", "fragment"),
    [
        (b'{"a": 1, "a": 2}', "/a", "the key 'a' appears more than once"),
        (b'{"x": {"b": [{"k": 1, "k": 1}]}}', "/x/b/0/k", "appears more than once"),
        ('{"bl\u00e5": 1, "bla\u030a": 2}'.encode(), "/blå", "appears more than once"),
        (b'{"a": NaN}', "", "NaN is not a valid JSON value"),
        (b'{"a": -Infinity}', "", "-Infinity is not a valid JSON value"),
        (b"", "", "the document is empty"),
        (b"  \n ", "", "the document is empty"),
        (b"[1, 2]", "", "must be a JSON object, not a list"),
        (b'"tekst"', "", "must be a JSON object, not a string"),
        (b'{"a": 1} {"b": 2}', "", "unexpected text after the JSON value (line 1, column 10)"),
        (b'{"a": 1,}', "", "not valid JSON: Expecting property name"),
        (b'{"a": "\xe6"}', "", "not UTF-8: byte 7 (0xe6) cannot be decoded"),
        (b"[" * 100_000 + b"]" * 100_000, "", "nested more than 64 levels deep"),
    ],
)
def test_problems_are_located(data: bytes, pointer: str, fragment: str) -> None:
    found = problems(data)
    assert len(found) == 1, found
    assert found[0][0] == pointer
    assert fragment in found[0][1]


def test_a_byte_order_mark_is_accepted() -> None:
    document, found = parse_document(b'\xef\xbb\xbf{"a": 1}')
    assert found == [] and document == {"a": 1}


def test_keys_and_strings_are_normalised_to_nfc() -> None:
    document, _ = parse_document('{"bla\u030a": ["o\u0308", "\\u00e5"]}'.encode())
    assert document == {"bl\u00e5": ["\u00f6", "\u00e5"]}
    document, _ = parse_document(b'{"s": "a\\u030a"}')  # an escape that decomposes
    assert document == {"s": "\u00e5"}


def test_the_size_limit() -> None:
    _, found = parse_document(b'{"a": "' + b"x" * 100 + b'"}', limit=50)
    assert "the limit is 50" in found[0].message


def test_jsonl_skips_blank_lines_and_isolates_broken_ones(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b'{"a": 1}\r\n\r\n{broken\n{"a": 2}')
    items = list(iter_evidence([str(path)]))
    assert [i.source for i in items] == [f"{path}:1", f"{path}:3", f"{path}:4"]
    assert [i.document for i in items] == [{"a": 1}, None, {"a": 2}]
    assert (
        items[1].problems[0].render(items[1].source).startswith(f"{path}:3: error: not valid JSON")
    )


def test_folders_are_read_by_name_and_only_json(tmp_path: Path) -> None:
    for name in ("b.json", "a.jsonl", "c.txt", "sub/d.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [Path(p).name for p in collect_files([str(tmp_path)])] == ["a.jsonl", "b.json"]
    assert [Path(p).name for p in collect_files([str(tmp_path)], recursive=True)] == [
        "a.jsonl",
        "b.json",
        "d.json",
    ]


def test_read_evidence_api(tmp_path: Path) -> None:
    document = modenhet.read_evidence(SAMPLES / "4601-bergen.json")
    assert document["municipality"]["name"] == "Bergen"
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": 1, "a": 1}', encoding="utf-8")
    with pytest.raises(modenhet.EvidenceError) as caught:
        modenhet.read_evidence(broken)
    assert str(caught.value) == (
        f"{broken}:1#/a: error: the key 'a' appears more than once in this object "
        "(JSON readers would silently keep the last)"
    )
    assert isinstance(caught.value, modenhet.ModenhetError)


def test_evaluate_refuses_a_document_that_is_not_an_object() -> None:
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    with pytest.raises(modenhet.EvidenceError, match="must be a JSON object"):
        ruleset.evaluate(["not", "an", "object"])


def test_validate_api_sorted_by_pointer() -> None:
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    document = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    document["year"] = "i fjor"
    document["municipality"]["number"] = "46"
    del document["municipality"]["name"]
    document["evidence"]["economy"]["budget_nok"] = float("nan")
    assert ruleset.validate(document) == [
        {
            "pointer": "/evidence/economy/budget_nok",
            "message": "`evidence.economy.budget_nok` is nan, which is not a valid JSON number",
        },
        {"pointer": "/municipality/name", "message": "`municipality.name` is required but missing"},
        {
            "pointer": "/municipality/number",
            "message": '`municipality.number` must match the pattern ^[0-9]{4}$; got "46"',
        },
        {"pointer": "/year", "message": '`year` must be a whole number or null; got "i fjor"'},
    ]


def test_any_of_shows_the_best_match() -> None:
    from modenhet.evidence.validation import SchemaValidator

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "plan": {
                "anyOf": [
                    {"type": "null"},
                    {"type": "object", "properties": {"status": {"enum": ["none", "current"]}}},
                ]
            },
        },
    }
    (violation,) = SchemaValidator(schema).violations({"plan": {"status": "gjeldande"}})
    assert violation.pointer == "/plan/status"
    assert violation.message == '`plan.status` must be one of none, current; got "gjeldande"'
