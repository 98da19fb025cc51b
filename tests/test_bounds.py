"""Level bounds (spec 9.1): `level_max`, `overall_max` and the decided counts, through the API.

Every expected value here is worked out by hand from the rule text in the test."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import modenhet

from conftest import AS_OF, SAMPLES

# Evidence keys a..h are booleans; each criterion is met, not met or unknown as the document
# says, and `e` divides by zero when `z` is 0 (an error).
LADDER = """\
overall {overall}
factor one "Ein" weight 3 {{
  level 2 {{
    criterion a "A" when a
    criterion b "B" when b
  }}
  level 3 {{
    criterion c "C" when c
  }}
  level 4 {{
    criterion d "D" when d
  }}
  level 5 {{
    criterion e "E" when 1 / z > 0
  }}
}}
factor two "To" {{
  level 2 {{
    criterion f "F" when f
  }}
  level 4 {{
    criterion g "G" when g
  }}
}}
"""


@pytest.fixture
def ladder(write_rules: Callable[..., Path]) -> Callable[[str], modenhet.RuleSet]:
    def load(overall: str = "min") -> modenhet.RuleSet:
        return modenhet.load_ruleset(write_rules(LADDER.format(overall=overall), header=True))

    return load


def bounds(rs: modenhet.RuleSet, doc: dict[str, object]) -> tuple[object, ...]:
    res = rs.evaluate(doc, as_of=AS_OF)
    return (
        {f.id: (f.level, f.level_max) for f in res.factors.values()},
        (res.overall, res.overall_max),
        res.decided,
        {f.id: f.decided for f in res.factors.values()},
    )


def test_nothing_known_is_floor_to_top(ladder: Callable[[str], modenhet.RuleSet]) -> None:
    # Every criterion unknown: proven at the floor, possible up to each factor's highest block.
    assert bounds(ladder("min"), {}) == (
        {"one": (1, 5), "two": (1, 4)},
        (1, 4),
        (0, 7),
        {"one": (0, 5), "two": (0, 2)},
    )


def test_an_unknown_below_a_criterion_not_met(ladder: Callable[[str], modenhet.RuleSet]) -> None:
    # one: a met, b unknown (level 2 not proven), c met, d not met: at most 3.
    # two: f met, g unknown: proven 2, possibly 4.
    doc = {"a": True, "c": True, "d": False, "f": True}
    assert bounds(ladder("min"), doc) == (
        {"one": (1, 3), "two": (2, 4)},
        (1, 3),
        (4, 7),  # a, c, d, f decided; b, e (z absent), g unknown
        {"one": (3, 5), "two": (1, 2)},
    )


def test_a_criterion_not_met_settles_the_factor(ladder: Callable[[str], modenhet.RuleSet]) -> None:
    # one stops at b (not met) although c, d, e are unknown: level_max stays at 1.
    doc = {"a": True, "b": False, "f": False}
    assert bounds(ladder("min"), doc)[:2] == ({"one": (1, 1), "two": (1, 1)}, (1, 1))


def test_an_error_stays_an_error(ladder: Callable[[str], modenhet.RuleSet]) -> None:
    # e divides by zero: one can reach 4 at most, however b is filled in.
    doc = {"a": True, "c": True, "d": True, "z": 0, "f": True, "g": True}
    res = ladder("min").evaluate(doc, as_of=AS_OF)
    one = res.factors["one"]
    assert [c.status for c in one.criteria] == ["met", "unknown", "met", "met", "error"]
    assert (one.level, one.level_max, one.decided) == (1, 4, (3, 5))
    assert (res.overall, res.overall_max) == (1, 4)


@pytest.mark.parametrize(
    ("overall", "expected"),
    [
        # levels one 2, two 1; maxima one 5, two 4 (doc below)
        ("min", (1, 4)),
        ("mean", (1, 4)),  # (2 + 1) / 2 = 1.5 -> 1; (5 + 4) / 2 = 4.5 -> 4
        ("weighted", (1, 4)),  # (3*2 + 1) / 4 = 1.75 -> 1; (3*5 + 4) / 4 = 4.75 -> 4
    ],
)
def test_overall_max_follows_the_overall_rule(
    ladder: Callable[[str], modenhet.RuleSet], overall: str, expected: tuple[int, int]
) -> None:
    doc = {"a": True, "b": True, "z": 1}
    res = ladder(overall).evaluate(doc, as_of=AS_OF)
    assert (res.factors["one"].level, res.factors["two"].level) == (2, 1)
    assert (res.factors["one"].level_max, res.factors["two"].level_max) == (5, 4)
    assert (res.overall, res.overall_max) == expected


def test_weighted_overall_max_differs_from_min(ladder: Callable[[str], modenhet.RuleSet]) -> None:
    # one 1-5 (b unknown), two settled at 2 (g not met). min: 1-2; weighted: (3*1 + 2) / 4 =
    # 1.25 -> 1 and (3*5 + 2) / 4 = 4.25 -> 4.
    doc = {"a": True, "c": True, "d": True, "z": 1, "f": True, "g": False}
    assert bounds(ladder("min"), doc)[1] == (1, 2)
    assert bounds(ladder("weighted"), doc)[1] == (1, 4)


def test_section_9_1_error_example(write_rules: Callable[..., Path]) -> None:
    """`m or 1 / 0 > 0` is an error while m is unknown: an error stays, so level_max is the
    floor although filling in m = true would make the criterion met (spec 9.1)."""
    text = 'factor f "F" {\n level 2 {\n criterion c "C" when m or 1 / 0 > 0\n }\n}\n'
    rs = modenhet.load_ruleset(write_rules(text, header=True))
    res = rs.evaluate({}, as_of=AS_OF)
    assert (res.factors["f"].criteria[0].status, res.factors["f"].level_max) == ("error", 1)
    assert rs.evaluate({"m": True}, as_of=AS_OF).factors["f"].level == 2


def test_complete_documents_are_settled() -> None:
    """A document in which every criterion is decided has level_max == level everywhere."""
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    res = rs.evaluate(doc, as_of=AS_OF)
    total = len(rs.model.criteria)
    assert res.decided == (total, total)
    assert res.levels_max == res.levels and res.overall_max == res.overall
    assert not res.bounded and not any(f.bounded for f in res.factors.values())


def test_empty_document_reads_floor_to_top_with_nothing_decided() -> None:
    """The acceptance case of issue 12: no evidence at all is `1–5, 0 of N decided`."""
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    res = rs.evaluate({}, as_of=AS_OF)
    floor, top = rs.levels[0].number, rs.levels[-1].number
    assert res.overall == floor and res.overall_max == top
    assert res.decided == (0, len(rs.model.criteria))
    for factor in res.factors.values():
        highest = factor.definition.blocks[-1].number
        assert (factor.level, factor.level_max) == (floor, highest)
        assert factor.decided == (0, len(factor.definition.criteria))
    assert repr(res).startswith(f"<Evaluation overall {floor}–{top}:")


def test_bounds_survive_a_worker_process() -> None:
    """`settle` carries the bounds to the main process of a `--jobs` run."""
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8"))
    res = rs.evaluate(doc, as_of=datetime.date(2025, 6, 30))
    again = modenhet.Evaluation.from_settled(rs, res.settle())
    assert again.levels_max == res.levels_max and again.overall_max == res.overall_max
    assert again.decided == res.decided
    assert res.levels_max != res.levels  # the sample leaves some evidence out
