"""The compiled program: regressions found by the differential and benchmark runs, and the
structural properties that keep evaluation fast."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

import modenhet

from conftest import AS_OF, RULES


@pytest.mark.parametrize("value", ["yes", 1, 0, 2.5, [True], {"a": True}])
def test_a_non_boolean_where_the_schema_says_boolean_is_an_error(value: object) -> None:
    """The schema's type is a promise the evidence may break; `evaluate` does not validate."""
    ruleset = modenhet.load_ruleset(RULES)
    doc = {"evidence": {"anchoring": {"admin_owner_in_leadership": value}}}
    criterion = ruleset.evaluate(doc, as_of=AS_OF).factors["anchoring"].criteria[1]
    assert criterion.id == "admin_owner" and criterion.status == "error"
    assert criterion.message is not None and "must be true or false" in criterion.message


def test_a_quantifier_over_an_unknown_item_stays_unknown_under_not(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    ruleset = ruleset_from(
        'factor f "F" { level 2 { criterion c "C" when not any v in [e.l]: v == 0 } }'
    )
    criterion = ruleset.evaluate({}, as_of=AS_OF).factors["f"].criteria[0]
    assert (criterion.status, criterion.missing) == ("unknown", ["e.l"])


def test_compound_operands_are_computed_once(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    ruleset = ruleset_from(
        'factor f "F" { level 2 { criterion c "C" when x.y >= year(as_of) - 3 } }'
    )
    functions = ruleset.generated_source.split("\ndef ")
    assert len(functions) == 2  # all statuses; levels only
    for function in functions:
        assert function.count("as_of.year") == 1, function
    assert ruleset.evaluate({"x": {"y": 2022}}, as_of=AS_OF).overall == 2


def test_evaluation_never_touches_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = modenhet.load_ruleset(RULES)
    from lark import Lark

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluation called into Lark")

    monkeypatch.setattr(Lark, "parse", forbidden)
    monkeypatch.setattr(Lark, "lex", forbidden)
    result = ruleset.evaluate({"evidence": {}}, as_of=datetime.date(2025, 6, 30))
    assert [c.missing for f in result.factors.values() for c in f.criteria]
