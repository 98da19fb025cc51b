"""The built-in functions' registry (`modenhet.engine.functions`): one entry per function, and
everything a function needs exists for every entry — the signature `check` reads, an exact
implementation and a fast emitter that agree on real calls, a row in docs/language.md, and
a place in both editors' grammars. A new function fails here until it has all of them.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

import modenhet
from modenhet.engine.exactcore import Failure, Known
from modenhet.engine.functions import FUNCTIONS
from modenhet.language.functions import BUILTINS

from conftest import ROOT
from reference import evaluate as reference_evaluate

AS_OF = datetime.date(2025, 6, 30)
DOCUMENT: dict[str, Any] = {
    "x": {
        "words": ["nav", "helse", None],
        "numbers": [3, 1, 2],
        "mixed": [1, "a"],
        "empty": [],
        "date": "2021-06-30",
        "late": "2026-01-01",
        "flag": True,
        "nothing": None,
    }
}

# Calls of each function with the status each must give on DOCUMENT, worked out by hand from
# spec section 4 and 5. A function without cases here fails the first test below.
CASES: dict[str, list[tuple[str, str]]] = {
    "count": [
        ("count(x.words) == 3", "met"),
        ("count(x.empty) == 0", "met"),
        ("count(x.absent) > 0", "unknown"),
        ("count(x.flag) > 0", "error"),
    ],
    "exists": [
        ("exists(x.flag)", "met"),
        ("exists(x.nothing)", "not_met"),
        ("exists(x.absent.deeper)", "not_met"),
    ],
    "sum": [
        ("sum(x.numbers) == 6", "met"),
        ("sum(x.empty) == 0", "met"),
        ("sum(x.words) > 0", "unknown"),
        ("sum(x.mixed) > 0", "error"),
    ],
    "min": [("min(x.numbers) == 1", "met"), ("min(x.empty) > 0", "error")],
    "max": [("max(x.numbers) == 3", "met"), ("max(x.absent) > 0", "unknown")],
    "days_since": [("days_since(x.date) == 1461", "met"), ("days_since(x.late) < 0", "met")],
    "years_since": [("years_since(x.date) == 4", "met"), ("years_since(x.late) == -1", "met")],
    "year": [("year(x.date) == 2021", "met"), ("year(x.flag) > 0", "error")],
    "contains_all": [
        ('contains_all(x.words, ["nav", "helse"])', "met"),
        ('contains_all(x.words, ["nav", "bolig"])', "unknown"),  # the null might be "bolig"
        ("contains_all(x.numbers, [])", "met"),
    ],
    "contains_any": [
        ('contains_any(x.words, ["helse", "bolig"])', "met"),
        ('contains_any(x.numbers, ["nav"])', "not_met"),
        ("contains_any(x.words, [])", "not_met"),
    ],
}


def test_every_signature_has_an_implementation_and_cases() -> None:
    assert set(FUNCTIONS) == set(BUILTINS)
    assert set(CASES) == set(FUNCTIONS)
    for name, function in FUNCTIONS.items():
        assert function.signature is BUILTINS[name]
        assert callable(function.exact) and callable(function.fast), name


def _ruleset(tmp_path: Path, conditions: list[str]) -> modenhet.RuleSet:
    lines = ['ruleset "Funksjonar"', "levels {", '  1 "Ein"', '  2 "To"', "}"]
    lines.append('factor f "F" {')
    lines.append("  level 2 {")
    lines += [f'    criterion c{i} "c{i}" when {text}' for i, text in enumerate(conditions)]
    lines += ["  }", "}"]
    path = tmp_path / "functions.rules"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return modenhet.load_ruleset(path)


def _exact_status(result: Any) -> str:
    if isinstance(result, Known):
        return ("met" if result.value else "not_met") if result.value.__class__ is bool else "error"
    return "error" if isinstance(result, Failure) else "unknown"


FAST = {True: "met", False: "not_met", None: "unknown", "error": "error"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_both_evaluators_implement_the_function(name: str, tmp_path: Path) -> None:
    """The registry's exact implementation, its fast emitter (where the fast path decides) and
    the test-only reference evaluator all give the hand-worked status."""
    conditions = [text for text, _ in CASES[name]]
    rs = _ruleset(tmp_path, conditions)
    frame = rs.exact.frame(DOCUMENT, AS_OF)
    fast, _, _, fallback, bad = rs._fast(DOCUMENT, AS_OF)
    reference = reference_evaluate(rs.model, DOCUMENT, AS_OF)
    evaluation = rs.evaluate(DOCUMENT, as_of=AS_OF)
    for index, (text, expected) in enumerate(CASES[name]):
        assert _exact_status(rs.exact.criteria[index](frame)) == expected, text
        assert reference.statuses[index] == expected, text
        assert evaluation.factors["f"].criteria[index].status == expected, text
        if not bad and index not in fallback:
            assert FAST[fast[index]] == expected, text
    # The fast path really decides the plain cases: the emitter is used, not only the fallback.
    decided_fast = [i for i, (_, status) in enumerate(CASES[name]) if status != "error"]
    assert not bad and any(i not in fallback for i in decided_fast), name


def test_every_function_has_a_row_in_the_language_reference() -> None:
    doc = (ROOT / "docs" / "language.md").read_text("utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)\(", doc, re.M))
    assert set(FUNCTIONS) <= rows


def _grammar_functions(text: str) -> set[str]:
    found = re.search(r"\\\\b\(\?:((?:[a-z_]+\|)+[a-z_]+)\)\\\\b\(\?=\\\\s\*\\\\\(\)", text)
    if found is None:  # the plist writes single back-slashes
        found = re.search(r"\\b\(\?:((?:[a-z_]+\|)+[a-z_]+)\)\\b\(\?=\\s\*\\\(\)", text)
    assert found is not None
    return set(found.group(1).split("|"))


def test_every_function_is_highlighted_by_both_editors_grammars() -> None:
    vscode = (ROOT / "editors" / "vscode" / "syntaxes" / "modenhet.tmLanguage.json").read_text()
    json.loads(vscode)  # still a valid grammar
    sublime = (ROOT / "editors" / "sublime" / "modenhet.tmLanguage").read_text()
    assert _grammar_functions(vscode) == set(FUNCTIONS)
    assert _grammar_functions(sublime) == set(FUNCTIONS)
