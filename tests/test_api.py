"""The Python API of spec section 7 and the complete example of spec section 1, as written.

`tests/spec_examples/language-section-1.rules` is the spec's example copied verbatim."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

import modenhet

from conftest import ROOT, SAMPLES

EXAMPLE = Path(__file__).parent / "spec_examples" / "language-section-1.rules"


def test_section_7_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    doc = json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8"))
    rs = modenhet.load_ruleset("rules/bustadsosialt.rules")
    res = rs.evaluate(doc, as_of=datetime.date(2025, 6, 30))
    # samples/README.md: Alstahaug is at 1 overall (strategy: goals in the kommuneplan null).
    assert isinstance(res.overall, int) and res.overall == 1
    economy = res.factors["economy"]
    assert list(res.factors) == [f.id for f in rs.factors]
    assert (economy.level, economy.label) == (2, "Grunnleggjande")
    first = economy.criteria[0]
    assert (first.id, first.level, first.status, first.missing, first.message) == (
        "in_economic_plan",
        2,
        "met",
        [],
        None,
    )
    assert first.title and first.advice and first.ref
    assert [(c.id, c.status, c.missing) for c in economy.gap] == [
        ("dedicated_staff", "unknown", ["evidence.economy.housing_social_fte"]),
        ("own_instrument", "unknown", ["evidence.economy.own_instruments"]),
    ]
    assert rs.validate(doc) == []


def test_as_of_a_datetime_counts_as_its_date_and_defaults_to_today() -> None:
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "1103-stavanger.json").read_text("utf-8"))
    moment = datetime.datetime(2025, 6, 30, 23, 59)
    assert rs.evaluate(doc, as_of=moment).as_of == datetime.date(2025, 6, 30)
    assert rs.evaluate(doc).as_of == datetime.date.today()


def test_validate_and_evaluate_a_dict_whose_keys_are_not_strings() -> None:
    """A document from Python code may have keys JSON cannot hold: validation names them as
    unknown keys (it raised TypeError in the "did you mean" lookup), evaluation ignores them."""
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc[1] = "one"
    doc["municipality"][("a", "b")] = 2
    assert [(v["pointer"], v["message"][:24]) for v in rs.validate(doc)] == [
        ("/1", "`1` is not a known key; "),
        ("/municipality/('a', 'b')", "`municipality.('a', 'b')"),
    ]
    assert rs.evaluate(doc, datetime.date(2025, 6, 30)).overall == 5


@pytest.mark.parametrize(
    ("value", "shown"),
    [({"startlan"}, "{'startlan'}"), (b"x", "b'x'"), (datetime.date(2020, 1, 1), "datetime.date")],
)
def test_validate_a_value_json_cannot_hold(value: object, shown: str) -> None:
    """A set, bytes or a date put in a document by Python code is a violation that shows the
    value (describing it as JSON raised TypeError)."""
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["evidence"]["economy"]["instruments_used"] = value
    (violation,) = rs.validate(doc)
    assert violation["pointer"] == "/evidence/economy/instruments_used"
    assert violation["message"].startswith("`evidence.economy.instruments_used` must be a list")
    assert f"; got {shown}" in violation["message"]


def test_validate_without_a_schema_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "x.rules"
    path.write_text('ruleset "X"\nlevels { 1 "A" }\n', encoding="utf-8")
    assert modenhet.load_ruleset(path).validate({"anything": float("nan")}) == []


def test_error_hierarchy() -> None:
    assert issubclass(modenhet.RuleError, modenhet.ModenhetError)
    assert issubclass(modenhet.EvidenceError, modenhet.ModenhetError)
    assert issubclass(modenhet.RuleFileError, modenhet.RuleError)


@pytest.fixture
def example(tmp_path: Path) -> modenhet.RuleSet:
    """The spec's section 1 example beside a copy of the schema, as its `schema` line expects."""
    (tmp_path / "rules").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "rules" / "example.rules")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    return modenhet.load_ruleset(tmp_path / "rules" / "example.rules")


def test_section_1_example_loads_without_findings(example: modenhet.RuleSet) -> None:
    assert example.name == "Bustadsosialt arbeid" and example.version == "2025.1"
    assert [(lv.number, lv.label) for lv in example.levels] == [
        (1, "Initial"),
        (2, "Under utvikling"),
        (3, "Etablert"),
        (4, "Integrert"),
        (5, "Leiande"),
    ]
    assert example.warnings == []


@pytest.mark.parametrize(
    ("economy", "population", "level", "gap"),
    [
        # budget 0: level 2 fails; the gap is budget_allocated.
        ({"budget_nok": 0}, 1000, 1, ["budget_allocated"]),
        # 5 kr per inhabitant and in the economic plan: level 2 only; per_capita is not met.
        ({"budget_nok": 5000, "in_economic_plan": True}, 1000, 2, ["per_capita"]),
        # 12 kr per inhabitant: level 3; level 5 needs startlån and 25 kr.
        (
            {"budget_nok": 12000, "in_economic_plan": True, "instruments_used": ["startlan"]},
            1000,
            3,
            ["startlan"],
        ),
        (
            {"budget_nok": 30000, "in_economic_plan": True, "instruments_used": ["startlan"]},
            1000,
            5,
            [],
        ),
    ],
)
def test_section_1_example_evaluates(
    example: modenhet.RuleSet,
    economy: dict[str, object],
    population: int,
    level: int,
    gap: list[str],
) -> None:
    doc = {
        "municipality": {"number": "0301", "name": "Oslo", "population": population},
        "evidence": {"economy": economy},
    }
    result = example.evaluate(doc, as_of=datetime.date(2025, 6, 30))
    assert result.factors["economy"].level == level == result.overall
    assert [c.id for c in result.factors["economy"].gap] == gap
