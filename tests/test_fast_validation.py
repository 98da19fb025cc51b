"""Schema validation's fast path (jsonschema-rs) against jsonschema, which it stands in for.

The fast path only ever says "valid" or "ask jsonschema", so it must never call valid what
jsonschema rejects, and for plain JSON it must call valid all that jsonschema accepts: the same
validity, and so the same violations, for the samples, the negative corpus and generated
documents (impossible dates, wrong types, extra keys, nulls, huge numbers). A schema it cannot
mirror exactly gets no fast path and everything goes to jsonschema.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modenhet.cli import main
from modenhet.evidence.fastschema import compile_fast, is_plain, unsupported
from modenhet.evidence.reader import iter_evidence
from modenhet.evidence.validation import SchemaValidator

from conftest import ROOT, SAMPLES

SCHEMA = json.loads((ROOT / "schemas" / "evidence.schema.json").read_text(encoding="utf-8"))
NEGATIVE = Path(__file__).parent / "evidence_negative"
SAMPLE_DOCS = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted(SAMPLES.glob("*.json")) + sorted(SAMPLES.glob("partial/*.json"))
]
EXAMPLES = 300


def full_validator(schema: dict[str, Any]) -> Any:
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


FAST = compile_fast(SCHEMA)
FULL = full_validator(SCHEMA)


def slow_validator(schema: dict[str, Any]) -> SchemaValidator:
    """A SchemaValidator with its fast path taken away: jsonschema for every document."""
    validator = SchemaValidator(schema)
    validator.fast = None
    return validator


def assert_agree(document: Any, fast: Any = FAST, full: Any = FULL) -> None:
    assert fast is not None
    valid = full.is_valid(document)
    accepted = fast.accepts(document)
    assert not accepted or valid, f"the fast path accepts what jsonschema rejects: {document!r}"
    if is_plain(document):
        assert accepted == valid, f"jsonschema accepts what the fast path rejects: {document!r}"


def test_the_evidence_and_report_schemas_have_a_fast_path() -> None:
    report = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    for schema in (SCHEMA, report):
        assert unsupported(schema) is None
        assert compile_fast(schema) is not None


@pytest.mark.parametrize(
    "document", SAMPLE_DOCS, ids=[d["municipality"]["name"] for d in SAMPLE_DOCS]
)
def test_every_sample_is_valid_on_both_paths(document: dict[str, Any]) -> None:
    assert FULL.is_valid(document)
    assert_agree(document)


def negative_documents() -> list[tuple[str, Any]]:
    found = []
    for item in iter_evidence(sorted(str(p) for p in NEGATIVE.iterdir())):
        if item.document is not None:
            found.append((item.source, item.document))
    return found


@pytest.mark.parametrize(("source", "document"), negative_documents())
def test_the_negative_corpus_gets_the_same_violations(source: str, document: Any) -> None:
    assert_agree(document)
    assert SchemaValidator(SCHEMA).violations(document) == slow_validator(SCHEMA).violations(
        document
    )


# -------------------------------------------------------------------- generated documents

DIGITS = st.integers(0, 9999)
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.builds("{:04d}-{:02d}-{:02d}".format, DIGITS, st.integers(0, 13), st.integers(0, 32)),
    st.sampled_from(["2023-02-29", "2024-02-29", "2100-02-29", "2000-02-29", "0000-01-01",
                     "2024-02-30", "2024-13-01", "2024-1-01", "20240101", "2024-W01-1",
                     "2024-01-01\n", "2024-01-01T00:00", " 2024-01-01", "٢٠٢٤-٠١-٠١", ""]),
    st.sampled_from(["2021", "2021-06", "2021-13", "2021-00", "0000", "0000-01", "2021-6",
                     "202", "2021-06-"]),  # partial dates (spec 9.2) and near misses
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.integers(),
    st.sampled_from([2**53, 2**53 + 1, -(2**63), 10**30, 0, 1, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 0.5, -0.0, 1e20, 2020.0, 1.0000001, 85.0]),
    st.text(max_size=12),
    st.sampled_from(["4601", "4601\n", "0301", "46011", "abc", "none", "current", "gjeldande",
                     "startlan", "https://example.no/plan", "http://a b", "ftp://x", "kommuneplan",
                     "Kommuneplan", "a..b", "-a", "planning", "nav"]),
    DATES,
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["id", "name", "x", "status", "number"]), inner,
                        max_size=3),
        st.builds(lambda known: {"at_least": known}, inner),  # partial values (spec 9.2)
    ),
    max_leaves=6,
)  # fmt: skip


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a document, containers included."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths(item, (*prefix, index)))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A sample with one to three changes: a value replaced, a key added, a key removed."""
    document = copy.deepcopy(draw(st.sampled_from(SAMPLE_DOCS)))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(document)))
        parent: Any = document
        for part in where[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "add", "remove"]))
        if action == "replace" or not isinstance(parent, dict):
            parent[where[-1]] = draw(VALUES)
        elif action == "add":
            parent[draw(st.sampled_from(["extra", "budget_nkk", "note", "id"]))] = draw(VALUES)
        else:
            del parent[where[-1]]
    return document


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_generated_documents_get_the_same_validity(document: Any) -> None:
    assert_agree(document)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_generated_documents_get_the_same_violations(document: Any) -> None:
    assert SchemaValidator(SCHEMA).violations(document) == slow_validator(SCHEMA).violations(
        document
    )


# What JSON values equal each other, and what counts as an integer, decided by jsonschema-rs
# as jsonschema does (1 == 1.0, true != 1; 1.0 is an integer).
SMALL_SCHEMA = {
    "type": "object",
    "properties": {
        "unique": {"type": "array", "uniqueItems": True},
        "choice": {"enum": [1, "1", None, [1, 2], {"a": 1}, False]},
        "fixed": {"const": {"a": [1, 2.5]}},
        "count": {"type": "integer", "minimum": -3, "exclusiveMaximum": 2.5},
        "share": {"type": "number", "maximum": 1},
        "word": {"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-zæøå]+$"},
        "date": {"type": "string", "format": "date"},
    },
    "patternProperties": {"^x-": {"type": "string"}},
    "additionalProperties": {"type": ["boolean", "null"]},
}
SMALL_FAST = compile_fast(SMALL_SCHEMA)
SMALL_FULL = full_validator(SMALL_SCHEMA)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["unique", "choice", "fixed", "count", "share", "word", "date", "x-1", "y"]),
    VALUES | st.sampled_from([[1, 1.0], [1, True], [0, False], [[1], [1.0]], {"a": [1, 2.5]},
                              {"a": [1.0, 2.5]}, "æøå", "ab\n", "e\u0301e", 2.0, 2.5, -3.0]),
    max_size=4,
))  # fmt: skip
def test_equality_and_numbers_as_jsonschema_sees_them(document: dict[str, Any]) -> None:
    assert_agree(document, SMALL_FAST, SMALL_FULL)


def test_what_is_not_plain_json_goes_to_jsonschema() -> None:
    assert FAST is not None
    base = copy.deepcopy(SAMPLE_DOCS[0])
    for odd in ((1, 2), float("nan"), float("inf"), 2**60, "\ud800"):
        document = copy.deepcopy(base)
        document["evidence"]["anchoring"]["source_ids"] = odd
        assert not FAST.accepts(document)
        assert SchemaValidator(SCHEMA).violations(document) == slow_validator(SCHEMA).violations(
            document
        )
    nan = copy.deepcopy(base)
    nan["evidence"]["economy"]["budget_nok"] = float("nan")
    messages = [v.message for v in SchemaValidator(SCHEMA).violations(nan)]
    assert any("not a valid JSON number" in message for message in messages)


# ------------------------------------------------------------------- no fast path at all

UNSUPPORTED = {
    "a format jsonschema-rs would check otherwise": {"properties": {"e": {"format": "email"}}},
    "multipleOf": {"properties": {"n": {"multipleOf": 0.1}}},
    "an older draft": {"$schema": "http://json-schema.org/draft-04/schema#"},
    "an unknown $schema": {"$schema": "https://example.org/my-schema"},
    "a patternProperties expression with $": {"patternProperties": {"^a$": False}},
    "a pattern Python cannot compile": {"properties": {"p": {"pattern": "(?<name>x)"}}},
}


@pytest.mark.parametrize("schema", UNSUPPORTED.values(), ids=list(UNSUPPORTED))
def test_a_schema_the_fast_path_cannot_mirror_gets_none(schema: dict[str, Any]) -> None:
    assert compile_fast(schema) is None


def test_without_jsonschema_rs_everything_goes_to_jsonschema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import jsonschema_rs fails
    validator = SchemaValidator(SCHEMA)
    assert validator.fast is None
    assert validator.violations(SAMPLE_DOCS[0]) == []
    broken = copy.deepcopy(SAMPLE_DOCS[0])
    broken["submitted"] = "2023-02-29"
    assert [v.pointer for v in validator.violations(broken)] == ["/submitted"]


def test_a_rule_set_whose_schema_has_no_fast_path_is_validated_by_jsonschema(
    tmp_path: Path,
) -> None:
    """`multipleOf` and the `email` format: every document goes to jsonschema, and its
    messages come out as usual."""
    schema = copy.deepcopy(SCHEMA)
    economy = schema["properties"]["evidence"]["properties"]["economy"]["properties"]
    economy["budget_nok"] = {"type": ["number", "null"], "multipleOf": 1000}
    schema["properties"]["contact"] = {"type": "string", "format": "email"}
    assert compile_fast(schema) is None
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    rules = (ROOT / "rules" / "bustadsosialt.rules").read_text(encoding="utf-8")
    rules = rules.replace('schema "../schemas/evidence.schema.json"', 'schema "schema.json"')
    (tmp_path / "r.rules").write_text(rules, encoding="utf-8")
    document = copy.deepcopy(SAMPLE_DOCS[0])
    document["evidence"]["economy"]["budget_nok"] = 1500
    (tmp_path / "odd.json").write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "ok.json").write_text(json.dumps(SAMPLE_DOCS[0]), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["evaluate", str(tmp_path / "ok.json"), str(tmp_path / "odd.json"), "-r",
         str(tmp_path / "r.rules"), "-f", "csv", "--as-of", "2025-06-30", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "#/evidence/economy/budget_nok: error: `evidence.economy.budget_nok` must be a " \
        "multiple of 1000; got 1500" in result.stderr  # fmt: skip
    assert len(result.stdout.splitlines()) == 3  # the header and both documents


# ---------------------------------------------------------------------- import laziness


def modules_after(*arguments: str) -> set[str]:
    code = (
        "import json, sys\nfrom modenhet.cli import main\ntry:\n"
        f"    main({list(arguments)!r})\nexcept SystemExit:\n    pass\n"
        "sys.__stderr__.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_evaluating_a_valid_document_never_imports_jsonschema() -> None:
    assert "jsonschema" not in modules_after("evaluate", "samples/4601-bergen.json", "-f", "csv")


def test_an_invalid_document_does_import_jsonschema_for_its_errors() -> None:
    """The counterpart: the test above can see the import."""
    negative = "tests/evidence_negative/13-no-such-day.json"
    assert "jsonschema" in modules_after("evaluate", negative, "-f", "csv")
