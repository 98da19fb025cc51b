"""The levels function (the levels-only path of `RuleSet.evaluate`) writes some criteria out
as the condition that they are met, membership of the rule's own strings inline with its own
count of steps (docs/performance.md): it must give the levels a full evaluation gives, on
evidence of every awkward kind, and run out of steps where the helpers would."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest

import modenhet
from modenhet.engine.exactcore import Failure, Known, Unknown
from modenhet.results import Evaluation
from modenhet.values import render_path

from conftest import AS_OF, HEADER

RULES = """\
factor f "F" {
  level 2 {
    criterion one "One" when "K" in x.xs
    criterion every_one "All" when contains_all(x.xs, ["K", "b"])
  }
  level 3 {
    criterion some "Any" when contains_any(x.ys, ["K", "z"])
    criterion each "Each" when any o in x.os: "K" in o.xs
  }
  level 4 {
    criterion both "Both" when x.flag and x.n >= 2 and x.s == "a" and x.e in ["p", "q"]
    criterion dated "Dated" when years_since(x.d) < 4 and x.d <= as_of
  }
  level 5 {
    criterion every "Every" when all o in x.os: contains_any(o.xs, ["b"])
  }
}
"""

KELVIN = "\u212a"  # KELVIN SIGN: "K" in NFC
MET = {
    "xs": ["K", "b"],
    "ys": ["z"],
    "os": [{"xs": ["K", "b"]}],
    "flag": True,
    "n": 2,
    "s": "a",
    "e": "q",
    "d": "2023-01-01",
}
# Each value put in place of one field of MET in turn.
AWKWARD: list[Any] = [
    None,
    [],
    [None],
    ["K", None],
    [KELVIN, "b"],
    ["b", KELVIN],
    ["k", "B"],
    ["a\u030a", "b"],  # not ASCII, and not a needle in any form
    [1, "K", "b"],
    [["K"], {"K": 1}],
    {"at_least": ["K", "b"]},  # a partial list
    {"at_least": []},
    "K",
    True,
    2,
    2.5,
    {"at_least": 3},
    "2021",
    "2023-02-29",
    "2024-02-29",
    "a\u030a",
    KELVIN,
    [{"xs": [KELVIN, "b"]}],
    [{"xs": None}, {"xs": ["K", "b"]}],
    [{"xs": ["b"]}, {}],
    [{}, None],
    [{"xs": {"at_least": ["K"]}}],
]


def _documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = [{}, {"x": None}, {"x": []}, {"x": dict(MET)}]
    for key in MET:
        for value in AWKWARD:
            docs.append({"x": {**MET, key: value}})
        docs.append({"x": {k: v for k, v in MET.items() if k != key}})  # absent
        docs.append({"x": {**{k: v for k, v in MET.items() if k != key}, key.upper(): 1}})
    docs.append({"x": {**MET, "xs": ["b"] * 10 + ["K"]}})
    return docs


def _exact_levels(rs: modenhet.RuleSet, doc: Any, as_of: datetime.date) -> tuple[Any, ...]:
    frame = rs.exact.frame(doc, as_of)
    statuses = []
    for code in rs.exact.criteria:
        result = code(frame)
        known = isinstance(result, Known) and result.value is True
        statuses.append(True if known else None if not isinstance(result, Failure) else "error")
    return rs.levels_of(tuple(statuses))


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory: pytest.TempPathFactory) -> modenhet.RuleSet:
    path = tmp_path_factory.mktemp("levels") / "levels.rules"
    path.write_text(HEADER + RULES, encoding="utf-8")
    return modenhet.load_ruleset(path)


@pytest.mark.parametrize("doc", _documents())
def test_the_levels_path_gives_the_levels_of_every_status(
    ruleset: modenhet.RuleSet, doc: dict[str, Any]
) -> None:
    for as_of in (AS_OF, datetime.date(2027, 1, 1), datetime.date(2028, 2, 28)):
        levels = ruleset.evaluate(doc, as_of=as_of)
        full = ruleset.evaluate(doc, as_of=as_of, full=True)
        assert (levels.levels, levels.overall) == (full.levels, full.overall)
        assert (levels.levels, levels.overall) == _exact_levels(ruleset, doc, as_of)


def test_plain_evidence_is_decided_by_the_levels_function(ruleset: modenhet.RuleSet) -> None:
    """What the schema promises (lists of ASCII strings, no null in them) never leaves the
    levels function for the slower paths."""
    for doc in ({"x": dict(MET)}, {"x": {**MET, "xs": ["b"]}}, {"x": {**MET, "os": []}}, {}):
        assert ruleset._levels(doc, AS_OF) is not None
    assert ruleset._levels({"x": dict(MET)}, AS_OF) == ((5,), 5)


def test_steps_counted_inline_run_out_as_the_helpers_do(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    """`"K" in o.xs` over 100 lists of 6,000 strings is 600,000 steps, past the 500,000 of
    one document: the levels function gives up, and the criterion is an error."""
    rs = ruleset_from(
        'factor f "F" { level 2 { criterion c "C" when any o in x.os: "K" in o.xs } }'
    )
    doc = {"x": {"os": [{"xs": ["b"] * 6000} for _ in range(100)]}}
    assert rs._levels(doc, AS_OF) is None
    result = rs.evaluate(doc, as_of=AS_OF)
    criterion = result.factors["f"].criteria[0]
    assert criterion.status == "error" and "steps" in str(criterion.message)
    assert result.levels == (1,)
    within = {"x": {"os": [{"xs": ["b"] * 6000} for _ in range(80)] + [{"xs": ["K"]}]}}
    assert rs._levels(within, AS_OF) == ((2,), 2)


def test_steps_of_helpers_and_inline_counted_together(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    """300,000 steps inline (`contains_all` of two strings over 99,999), then 210,000 in the
    helpers (`any` walks its list): together past the budget, though each alone is within
    it, so the levels function leaves the document to the full evaluation."""
    rs = ruleset_from(
        """
        factor f "F" {
          level 2 {
            criterion c1 "C1" when contains_all(x.big, ["K", "b"])
            criterion c2 "C2" when any v in x.l: v > 0
            criterion c3 "C3" when any v in x.m: v > 0
            criterion c4 "C4" when any v in x.n: v > 0
          }
        }
        """
    )
    ones = [0] * 99_999 + [1]
    doc = {"x": {"big": ["b"] * 99_998 + ["K"], "l": ones, "m": ones, "n": [1] * 10_000}}
    assert "_contains_rest" in rs.generated_source  # c1 is written out in the levels function
    assert rs._levels(doc, AS_OF) is None
    full = rs.evaluate(doc, as_of=AS_OF, full=True)
    assert rs.evaluate(doc, as_of=AS_OF).levels == full.levels
    within = {"x": {**doc["x"], "n": [1]}}  # 300,000 + 200,001: one step too many
    assert rs._levels(within, AS_OF) is None
    within = {"x": {**doc["x"], "big": ["b"] * 99_997 + ["K"], "n": [1]}}  # 499,998
    assert rs._levels(within, AS_OF) == ((2,), 2)


def test_an_evaluation_is_frozen_once_made(ruleset: modenhet.RuleSet) -> None:
    result = ruleset.evaluate({"x": dict(MET)}, as_of=AS_OF)
    assert type(result) is Evaluation
    with pytest.raises(AttributeError):
        result.overall = 1
    with pytest.raises(AttributeError):
        del result.levels


def test_missing_paths_inside_a_partial_value_come_from_the_exact_evaluator(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    """`e.x == e.x` can be unknown only for `e.x` — unless `e.x` holds a partial value, which
    the exact evaluator decides: then `e.x[0]` is missing (found by the differential test)."""
    rs = ruleset_from('factor f "F" { level 2 { criterion c "C" when e.x == e.x } }')
    result = rs.evaluate({"e": {"x": [{"at_least": 0}]}}, as_of=AS_OF)
    criterion = result.factors["f"].criteria[0]
    assert criterion.status == "unknown"
    assert criterion.missing == ["e.x[0]"]
    assert result.partly_known(criterion.definition.index) == frozenset({"e.x[0]"})
    plain = rs.evaluate({"e": {}}, as_of=AS_OF).factors["f"].criteria[0]
    assert plain.missing == ["e.x"]


def test_the_levels_only_evaluation_is_an_evaluation_like_any(ruleset: modenhet.RuleSet) -> None:
    """`results.levels_evaluation` fills in every slot `Evaluation.__init__` does."""
    doc = {"x": dict(MET)}
    quick = ruleset.evaluate(doc, as_of=AS_OF)
    made = Evaluation(ruleset.model, None, quick.levels, quick.overall, AS_OF, quick._details)
    assert type(quick) is Evaluation
    for name in Evaluation.__slots__:
        assert getattr(quick, name) is getattr(made, name), name
    assert quick.factors["f"].criteria[0].status == "met"


@pytest.mark.parametrize("doc", _documents())
def test_statuses_and_missing_paths_are_the_exact_evaluators(
    ruleset: modenhet.RuleSet, doc: dict[str, Any]
) -> None:
    """The full result's missing paths, found by the generated code where it can (`"K" in
    x.xs` unknown for `x.xs`; a null in the list is left to the exact evaluator)."""
    frame = ruleset.exact.frame(doc, AS_OF)
    for full in (True, False):
        result = ruleset.evaluate(doc, as_of=AS_OF, full=full)
        for factor in result.factors.values():
            for criterion in factor.criteria:
                exact = ruleset.exact.criteria[criterion.definition.index](frame)
                missing = (
                    [render_path(p, ruleset.hidden_roots) for p in exact.missing]
                    if isinstance(exact, Unknown)
                    else []
                )
                assert criterion.missing == missing, criterion.id


def test_quantifiers_in_a_block_tested_whole(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    """A factor of more than 60 criteria has its blocks tested whole (codegen's
    `_MAX_NESTED_CRITERIA`), where a quantifier is a condition, not a loop of its own."""
    fillers = "\n".join(f'criterion c{i} "C{i}" when x.flag' for i in range(60))
    rs = ruleset_from(
        f"""
        factor f "F" {{
          level 2 {{
            {fillers}
            criterion q "Q" when any o in x.os: "K" in o.xs
            criterion a "A" when all o in x.os: contains_any(o.xs, ["b"])
          }}
        }}
        """
    )
    levels = rs.generated_source.split("def levels")[1]
    assert re.search(r"^ +for _v", levels, re.MULTILINE) is None  # no loop statement
    for doc in _documents():
        quick = rs.evaluate(doc, as_of=AS_OF)
        full = rs.evaluate(doc, as_of=AS_OF, full=True)
        assert (quick.levels, quick.overall) == (full.levels, full.overall)
    assert rs._levels({"x": dict(MET)}, AS_OF) == ((2,), 2)
