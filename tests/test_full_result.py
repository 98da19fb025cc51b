"""`evaluate(full=True)` — every criterion in one pass of the generated code, with the levels,
the bounds and the missing paths it finds itself — gives what the lazy evaluation gives (the
levels function, then the statuses, the missing paths from the exact evaluator)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modenhet
from test_differential import AS_OFS, EXAMPLES, documents, rule_sets

from conftest import AS_OF, RULES, SAMPLES


def _same(rs: modenhet.RuleSet, doc: dict[str, Any], as_of: datetime.date) -> None:
    full = rs.evaluate(doc, as_of, full=True)
    lazy = rs.evaluate(doc, as_of)
    assert full.settle() == lazy.settle()
    assert full.factors_dict() == lazy.factors_dict()
    assert [c.id for c in full.legal_floor] == [c.id for c in lazy.legal_floor]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rule_sets(), docs=st.lists(documents(), min_size=1, max_size=4), as_of=AS_OFS)
def test_full_and_lazy_agree_on_generated_rule_sets(
    rules: str, docs: list[dict[str, Any]], as_of: datetime.date, tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("full") / "generated.rules"
    path.write_text(rules, encoding="utf-8")
    rs = modenhet.load_ruleset(path)
    for doc in docs:
        _same(rs, doc, as_of)


def test_full_and_lazy_agree_on_the_samples() -> None:
    rs = modenhet.load_ruleset(RULES)
    for path in sorted(SAMPLES.glob("*.json")):
        _same(rs, json.loads(path.read_text(encoding="utf-8")), AS_OF)


QUANTIFIED = """\
factor f "F" {
  level 2 {
    criterion any_one "A" when any o in e.l: "x" in o.k
    criterion all_two "B" when all o in e.l: o.k.m >= 1
    criterion both "C" when e.s == "a" and (e.n >= 1 or not e.b)
  }
}
"""


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"e": None},
        {"e": {"l": []}},
        {"e": {"l": [{}, {"k": None}, {"k": ["y"]}]}},
        {"e": {"l": [{"k": ["y", None]}, {}]}},  # a null element: unknown, not for the path
        {"e": {"l": [None, {}]}},  # a null member
        {"e": {"l": [1, {}]}},  # a member that is not an object: an error
        {"e": {"l": [{"k": {"m": None}}, {"k": {"m": 2}}, {"k": None}]}},
        {"e": {"l": [{"k\u0301": ["x"]}, {"k": ["x"]}]}},
        {"e": {"l": [{"k": {"at_least": ["y"]}}]}},  # a partial value
        {"e": {"l": {"at_least": [{}]}}},
        {"e": {"s": "a", "b": True}},
        {"e": {"s": None, "n": None, "b": None}},
        {"e": {"s": "a", "n": 0}},
        {"e": {"s": "b", "n": None}},
        {"e": {"s": 1, "n": None}},
    ],
    ids=repr,
)
def test_full_and_lazy_agree_on_quantifiers_and_logic(
    ruleset_from: Callable[..., modenhet.RuleSet], doc: dict[str, Any]
) -> None:
    _same(ruleset_from(QUANTIFIED), doc, AS_OF)


def test_the_generated_code_finds_those_missing_paths(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    rs = ruleset_from(QUANTIFIED)

    def missing(doc: dict[str, Any]) -> dict[str, list[str]]:
        result = rs.evaluate(doc, AS_OF, full=True)
        return {c.id: c.missing for c in result.factors["f"].criteria if c.status == "unknown"}

    assert missing({"e": {"l": [{}, {"k": None}, {"k": ["y"]}], "s": None, "b": True}}) == {
        "any_one": ["e.l[0].k", "e.l[1].k"],
        "both": ["e.s", "e.n"],
    }
    assert missing({"e": {"l": [{}, {"k": None}, {"k": {"m": 2}}], "s": "a", "b": False}}) == {
        "all_two": ["e.l[0].k.m", "e.l[1].k.m"],
    }
    assert "_missing_tree" in rs.generated_source
