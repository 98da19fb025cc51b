"""Level bounds (spec 9.1): `level_max`, `overall_max` and the decided counts, through the API.

Every expected value here is worked out by hand from the rule text in the test."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import modenhet
from modenhet.cli import main

from conftest import AS_OF, SAMPLES

FACTORS = ("anchoring", "strategy", "coordination", "economy", "competence", "participation")

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


# ------------------------------------------------------------- an empty document, every format

EMPTY = {"municipality": {"number": "4601", "name": "Bergen"}}  # valid; no evidence at all


@pytest.fixture
def empty_doc(tmp_path: Path) -> Path:
    path = tmp_path / "4601-tom.json"
    path.write_text(json.dumps(EMPTY), encoding="utf-8")
    return path


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def total_criteria() -> int:
    return len(modenhet.load_ruleset(modenhet.default_rules_path()).model.criteria)


def test_empty_document_in_the_table(empty_doc: Path) -> None:
    out = cli("evaluate", str(empty_doc), "--as-of", "2025-06-30", "--lang", "en").stdout
    total = total_criteria()
    assert f"Overall level: 1–5 Innleiande – Leiande · 0 of {total} decided" in out
    rows = [line for line in out.splitlines() if "1–5 Innleiande – Leiande" in line]
    assert len(rows) == 7  # the overall line and the six factors, none as a plain 1
    assert "What to collect next" in out
    # In the summary of several documents too: each factor is 1–5, and counted apart.
    twice = cli("evaluate", str(empty_doc), str(empty_doc), "--as-of", "2025-06-30", "--lang", "en")
    lines = twice.stdout.splitlines()
    row = next(line for line in lines if line.startswith("Bergen (4601)"))
    assert row.split()[2:] == ["1–5"] * 7 + [f"0/{total}"]
    overall = next(line for line in lines if line.startswith("overall "))
    assert overall.split()[1:] == ["0", "0", "0", "0", "0", "2"]  # two not settled


def test_empty_document_in_json_and_jsonl(empty_doc: Path) -> None:
    total = total_criteria()
    for format_ in ("json", "jsonl"):
        out = cli("evaluate", str(empty_doc), "--as-of", "2025-06-30", "-f", format_).stdout
        result = json.loads(out)["results"][0] if format_ == "json" else json.loads(out)
        assert (result["overall"], result["overall_max"]) == (1, 5)
        assert result["decided"] == {"criteria": 0, "of": total}
        for factor in result["factors"].values():
            assert (factor["level"], factor["level_max"]) == (1, 5)
            assert factor["decided"] == {"criteria": 0, "of": len(factor["criteria"])}


def test_empty_document_in_csv(empty_doc: Path) -> None:
    args = ["evaluate", str(empty_doc), "--as-of", "2025-06-30", "-f", "csv", "--lang", "en"]
    header, row = (line.split(",") for line in cli(*args).stdout.splitlines())
    cells = dict(zip(header, row, strict=True))  # the header is for people: factors by title
    assert cells["Overall level"] == "1" and cells["Overall level (at most)"] == "5"
    titles = [f.title for f in modenhet.load_ruleset(modenhet.default_rules_path()).factors]
    assert len(titles) == len(FACTORS)
    assert all(cells[f"{title} (at most)"] == "5" and cells[title] == "1" for title in titles)
    assert (cells["Criteria decided"], cells["Criteria"]) == ("0", str(total_criteria()))


def test_empty_document_in_markdown(empty_doc: Path) -> None:
    out = cli("evaluate", str(empty_doc), "--as-of", "2025-06-30", "-f", "markdown").stdout
    row = next(line for line in out.splitlines() if line.startswith("| Bergen (4601)"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1:] == ["1–5"] * 7 + [f"0/{total_criteria()}"]
    assert "## Kva som bør samlast inn" in out


def test_empty_document_in_html(empty_doc: Path) -> None:
    args = ("evaluate", str(empty_doc), "--as-of", "2025-06-30", "-f", "html", "--lang", "en")
    out = cli(*args).stdout
    assert f"0 of {total_criteria()} decided" in out
    assert 'class="chip lvl-0 bounded" title="not settled">1–5</span>' in out
    assert 'class="shape-max"' in out


def test_empty_document_in_explain(empty_doc: Path) -> None:
    text = cli("explain", str(empty_doc), "--as-of", "2025-06-30", "--lang", "en").stdout
    total = total_criteria()
    assert f"Overall level: 1–5 Innleiande – Leiande · 0 of {total} decided" in text
    assert text.count("level 1–5 Innleiande – Leiande (0 of ") == 6
    report = json.loads(
        cli("explain", str(empty_doc), "--as-of", "2025-06-30", "-f", "json").stdout
    )
    assert (report["overall"], report["overall_max"]) == (1, 5)
    assert report["decided"] == {"criteria": 0, "of": total}
    assert all(f["to_collect"] for f in report["factors"])


def test_empty_document_through_a_real_process(empty_doc: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", "evaluate", str(empty_doc), "--as-of", "2025-06-30",
         "--lang", "en", "--fail-under", "2"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    # --fail-under compares the proven level: 1–5 is below 2.
    assert done.returncode == 1 and "below --fail-under 2" in done.stderr
    assert "Overall level: 1–5" in done.stdout and "Traceback" not in done.stderr


# ------------------------------------------------------------------- what to collect next

# Two factors over evidence keys x.* and y.*; x.p stands in both. Worked out by hand:
# for each missing path, the lowest block above the proven level whose unknown criterion names
# it; without the path the factor reaches only the block below that one, so the path could
# unlock the declared levels from there up to level_max.
COLLECT = """\
factor f "F" {
  level 2 {
    criterion a "A" when x.p
    criterion a2 "A2" when x.q
  }
  level 3 {
    criterion b "B" when x.p > 0
  }
  level 4 {
    criterion c "C" when x.r
  }
  level 5 {
    criterion d "D" when x.s or x.t
  }
}
factor g "G" {
  level 2 {
    criterion e "E" when y.a
  }
  level 3 {
    criterion e3 "E3" when y.b
  }
  level 4 {
    criterion e4 "E4" when y.c
  }
  level 5 {
    criterion h "H" when y.d and x.p > 1
  }
}
"""


def collected(items: list[modenhet.ToCollect]) -> list[tuple[str, int, int]]:
    return [(item.path, item.levels, item.criteria) for item in items]


def test_collect_next_on_an_empty_document(write_rules: Callable[..., Path]) -> None:
    rs = modenhet.load_ruleset(write_rules(COLLECT, header=True))
    res = rs.evaluate({}, as_of=AS_OF)
    # f is 1–5. x.p and x.q stand at level 2 (levels 2-5 wait for them), x.r at 4 (4, 5),
    # x.s and x.t at 5. x.p is named by a and b: two criteria.
    assert collected(res.factors["f"].to_collect()) == [
        ("x.p", 4, 2),
        ("x.q", 4, 1),
        ("x.r", 2, 1),
        ("x.s", 1, 1),
        ("x.t", 1, 1),
    ]
    # g is 1–5 likewise; h names y.d and x.p.
    assert collected(res.factors["g"].to_collect()) == [
        ("y.a", 4, 1),
        ("y.b", 3, 1),
        ("y.c", 2, 1),
        ("y.d", 1, 1),
        ("x.p", 1, 1),
    ]
    # The document: x.p counts in both factors (4 + 1); ties keep the rule set's order.
    document = res.to_collect()
    assert collected(document) == [
        ("x.p", 5, 3),
        ("x.q", 4, 1),
        ("y.a", 4, 1),
        ("y.b", 3, 1),
        ("x.r", 2, 1),
        ("y.c", 2, 1),
        ("x.s", 1, 1),
        ("x.t", 1, 1),
        ("y.d", 1, 1),
    ]
    assert document[0].factors == (("f", 4), ("g", 1))
    assert document[0].title is None and document[0].partial is False  # no schema here


def test_collect_next_blocks_fewer_levels_first_fewer(write_rules: Callable[..., Path]) -> None:
    """The issue's example: a path that alone blocks levels 2 and 3 comes before one that
    blocks only level 5."""
    rs = modenhet.load_ruleset(write_rules(COLLECT, header=True))
    doc = {"x": {"r": False}, "y": {"a": True, "b": True, "c": True}}
    res = rs.evaluate(doc, as_of=AS_OF)
    f, g = res.factors["f"], res.factors["g"]
    # f: c is not met, so f is 1–3 and x.s, x.t (level 5) cannot matter.
    assert (f.level, f.level_max) == (1, 3)
    assert collected(f.to_collect()) == [("x.p", 2, 2), ("x.q", 2, 1)]
    # g: 4 proven, only h (level 5) open, for y.d and x.p.
    assert (g.level, g.level_max) == (4, 5)
    assert collected(g.to_collect()) == [("y.d", 1, 1), ("x.p", 1, 1)]
    assert collected(res.to_collect()) == [("x.p", 3, 3), ("x.q", 2, 1), ("y.d", 1, 1)]


def test_nothing_to_collect_when_every_level_is_settled(
    write_rules: Callable[..., Path],
) -> None:
    rs = modenhet.load_ruleset(write_rules(COLLECT, header=True))
    # f stops at a (x.p false): settled at 1 although x.q, x.r... are unknown.
    res = rs.evaluate({"x": {"p": False}, "y": {"a": False}}, as_of=AS_OF)
    assert [(f.level, f.level_max) for f in res.factors.values()] == [(1, 1), (1, 1)]
    assert res.to_collect() == []


def test_collect_next_counts_levels_on_the_rule_sets_scale(
    write_rules: Callable[..., Path],
) -> None:
    """A factor with blocks at 2 and 5 only: the level-5 path lifts it from 2 to 5, three
    levels of the scale."""
    text = 'factor k "K" {\n level 2 {\n criterion a "A" when a\n }\n level 5 {\n' \
        ' criterion b "B" when b\n }\n}\n'  # fmt: skip
    rs = modenhet.load_ruleset(write_rules(text, header=True))
    res = rs.evaluate({"a": True}, as_of=AS_OF)
    assert collected(res.factors["k"].to_collect()) == [("b", 3, 1)]


def test_collect_next_titles_come_from_the_schema() -> None:
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8"))
    res = rs.evaluate(doc, as_of=AS_OF)
    titles = {item.path: item.title for item in res.to_collect()}
    schema = json.loads((SAMPLES.parent / "schemas" / "evidence.schema.json").read_text("utf-8"))
    economy = schema["properties"]["evidence"]["properties"]["economy"]["properties"]
    assert titles["evidence.economy.housing_social_fte"] == economy["housing_social_fte"]["title"]
    # A field inside a list element is named with its list.
    assert titles["evidence.participation.user_organisations[0].involved_in"] == (
        "Brukarorganisasjonar: Med i"
    )


def test_a_partly_known_path_is_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook for partial evidence (issue 12, items 3-4): a missing path the evaluators
    report as partly known is flagged in the API and marked in the table."""
    monkeypatch.setattr(
        modenhet.Evaluation,
        "partly_known",
        lambda self, index: frozenset({"evidence.economy.housing_social_fte"}),
    )
    rs = modenhet.load_ruleset(modenhet.default_rules_path())
    doc = json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8"))
    items = {item.path: item for item in rs.evaluate(doc, as_of=AS_OF).to_collect()}
    assert items["evidence.economy.housing_social_fte"].partial is True
    assert items["evidence.strategy.master_plan_goals"].partial is False
    args = ("evaluate", str(SAMPLES / "1820-alstahaug.json"), "--as-of", "2025-06-30")
    out = cli(*args, "--lang", "en").stdout
    assert "evidence.economy.housing_social_fte (partly known)" in out


def test_a_settled_overall_beside_a_factor_that_is_not(
    ladder: Callable[[str], modenhet.RuleSet], tmp_path: Path
) -> None:
    # one: a, b met, c not met: settled at 2. two: f met, g unknown: 2–4. min: 2, settled.
    rs = ladder("min")
    res = rs.evaluate({"a": True, "b": True, "c": False, "f": True}, as_of=AS_OF)
    assert (res.overall, res.overall_max, res.bounded, res.overall_bounded) == (2, 2, True, False)
    rules = next(tmp_path.glob("*.rules"))
    (tmp_path / "d.json").write_text('{"a": true, "b": true, "c": false, "f": true}', "utf-8")
    args = ["-r", str(rules), str(tmp_path / "d.json"), "--as-of", "2025-06-30", "--lang", "en"]
    out = cli("evaluate", *args).stdout
    assert "Overall level: 2 To · 4 of 7 decided\n" in out
    assert "2–4 To – Fire" in out
    page = cli("evaluate", *args, "-f", "html").stdout
    assert 'Overall level</th><td class="num"><span class="chip lvl-1">2</span>' in page
