"""The checker: every static problem located (file, line, column) with words a policy expert
understands, all of a file's problems at once, and warnings apart from errors.

Each case is a rule text whose expected findings are written as `### severity: regex` comments
on the line after the one they point at (the column is given as `@COL`), in the manner of
starlark-go's test files.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import modenhet

from conftest import HEADER

EXPECT = re.compile(r"### (error|warning)@(\d+): (.*)$")


def expectations(text: str) -> list[tuple[int, int, str, str]]:
    """(line, column, severity, regex) from `### severity@COL: regex` lines (they point up)."""
    found = []
    line_number = 0
    for line in text.splitlines():
        match = EXPECT.search(line)
        if match:
            found.append((line_number, int(match.group(2)), match.group(1), match.group(3)))
        else:
            line_number += 1
    return found


def strip_expectations(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not EXPECT.search(line)) + "\n"


CASES = {
    "five_mistakes_that_are_not_syntax_errors": """
        let a = b + 1
        ### error@5: let 'a' refers to itself through b -> a
        let b = a * 2
        let økonomi = evidence.economy
        factor economy "Økonomi" {
          level 2 {
            criterion budget "Budsjett" when cout(økonomi.instruments_used) >= 2
        ### error@38: unknown function 'cout' \\(did you mean 'count'\\?\\)
            criterion budget "Igjen" when økonomi.budget_nok > 0
        ### error@15: criterion 'budget' is defined twice in factor 'economy'
          }
          level 6 {
        ### error@9: level 6 is not declared in 'levels'
            criterion text "Tekst" when "a" + 1 > 2
        ### error@37: '\\+' needs two numbers, but '"a"' is a string
          }
        }
    """,
    "static_types": """
        factor f "F" {
          level 2 {
            criterion a "A" when count(3) > 1
        ### error@32: count\\(\\) needs a list, but '3' is a number
            criterion b "B" when as_of.year == 2025
        ### error@26: reading key 'year' needs an object, but 'as_of' is a date
            criterion c "C" when 5
        ### error@26: the condition of a criterion must be true or false, but '5' is a number
            criterion d "D" when x.y + "a" > 1
        ### error@30: '\\+' needs two numbers, but '"a"' is a string
            criterion e "E" when not 3
        ### error@30: the operand of 'not' must be true or false
            criterion f "F" when x.a and "ja"
        ### error@34: an operand of 'and' must be true or false
            criterion g "G" when as_of < "2023"
        ### error@34: "2023" is not a date
            criterion h "H" when days_since("i går") > 3
        ### error@37: "i går" is not a date
            criterion i "I" when x.a / 0 > 1
        ### warning@32: division by zero: 'x.a / 0' is an error whenever 'x.a' is known
            criterion j "J" when true < 1
        ### error@31: cannot order a boolean and a number
            criterion k "K" when x.a in 5
        ### error@33: 'in' needs a list, but '5' is a number
            criterion l "L" when any o in 7: o.x
        ### error@35: 'any' needs a list
            criterion m "M" when - "a" == 1
        ### error@28: '-' needs a number
          }
        }
    """,
    "names_and_calls": """
        let økonomi = evidence.economy
        ### warning@5: let 'økonomi' is not used by any criterion
        factor f "F" {
          level 2 {
            criterion a "A" when økonmi.budget_nok > 0
        ### warning@26: 'økonmi' is not a let, .*did you mean the let 'økonomi'\\?
            criterion b "B" when exists(1)
        ### error@33: exists\\(\\) takes a path
            criterion c "C" when count(x.a, x.b) > 1
        ### error@26: count\\(\\) takes 1 argument, not 2
            criterion d "D" when summ(x.a) > 1
        ### error@26: unknown function 'summ' \\(did you mean 'sum'\\?\\)
            criterion e "E" when x.a == null
        ### error@33: 'null' is not a value
            criterion g "G" when `økonmi`.a > 1
          }
        }
    """,
    "levels_and_ids": """
        factor f "F" {
          level 1 {
        ### error@9: level 1 is the floor
            criterion a "A" when x.a
          }
          level 3 {
            criterion b "B" when x.a
          }
          level 2 {
        ### error@9: level 2 comes after level 3
            criterion c "C" when x.a
          }
          level 3 {
        ### error@9: level 3 appears twice in factor 'f'
            criterion d "D" when x.a
          }
        }
        factor f "Igjen" weight 0 {
        ### error@8: factor 'f' is defined twice
        ### error@25: weight 0 is not positive
        }
        let f = 1
        ### warning@5: let 'f' is not used by any criterion
        let f = 2
        ### error@5: let 'f' is defined twice
    """,
    "criterion_options": """
        factor f "F" {
          level 2 {
            criterion a "A" when x.a advice "Gjer det" advice "Igjen"
        ### error@48: 'advice' is written twice for criterion 'a'
            criterion b "B" when x.b legal ref "§ 5" legal
        ### error@46: 'legal' is written twice for criterion 'b'
          }
        }
    """,
    "let_refers_to_itself": """
        let a = a + 1
        ### error@5: let 'a' refers to itself
        let b = any a in [1]: a > 0
        factor f "F" { level 2 { criterion c "C" when b } }
    """,
    "equality_of_different_kinds": """
        factor f "F" {
          level 2 {
            criterion a "A" when 1 == "1"
        ### warning@26: criterion 'a' is never met: '1 == "1"' does not depend on the evidence
        ### warning@28: compares a number with a string: always false
          }
        }
    """,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str, write_rules: Callable[..., Path]) -> None:
    text = textwrap.dedent(CASES[name]).lstrip("\n")
    path = write_rules(HEADER + strip_expectations(text))
    offset = HEADER.count("\n")
    expected = [(line + offset, col, sev, rx) for line, col, sev, rx in expectations(text)]
    try:
        ruleset = modenhet.load_ruleset(path)
        diagnostics = ruleset.warnings
    except modenhet.RuleError as error:
        diagnostics = error.diagnostics
    got = [(d.line, d.column, d.severity, d.message) for d in diagnostics]
    assert len(got) == len(expected), "\n".join(map(str, got))
    for (line, col, severity, message), (e_line, e_col, e_severity, pattern) in zip(
        got, expected, strict=True
    ):
        assert (line, col, severity) == (e_line, e_col, e_severity), message
        assert re.search(pattern, message), f"{message!r} !~ {pattern!r}"


def test_rendering_has_location_source_line_and_caret(write_rules: Callable[..., Path]) -> None:
    text = 'factor f "F" {\n  level 2 {\n    criterion a "A" when cout(x) > 1\n  }\n}\n'
    path = write_rules(HEADER + text)
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    rendered = str(caught.value).splitlines()
    assert rendered[0] == (f"{path}:11:26: error: unknown function 'cout' (did you mean 'count'?)")
    assert rendered[1] == '   11 |     criterion a "A" when cout(x) > 1'
    assert rendered[2] == "      |                          ^^^^ M401"


def test_diagnostics_are_sorted_and_carry_positions(write_rules: Callable[..., Path]) -> None:
    path = write_rules(
        CASES_FIVE_TEXT := HEADER
        + strip_expectations(
            textwrap.dedent(CASES["five_mistakes_that_are_not_syntax_errors"]).lstrip("\n")
        )
    )
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    diagnostics = caught.value.diagnostics
    assert [(d.line, d.column) for d in diagnostics] == sorted(
        (d.line, d.column) for d in diagnostics
    )
    assert all(d.file == str(path) and d.severity == "error" for d in diagnostics)
    assert CASES_FIVE_TEXT.count("\n") > 10


def test_warnings_do_not_stop_loading(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    ruleset = ruleset_from("""
        let økonomi = evidence.economy
        factor f "F" { level 2 { criterion a "A" when økonmi.b > 0 } }
    """)
    assert [w.code for w in ruleset.warnings] == ["M607", "M601"]  # unused let, near-let
    assert ruleset.evaluate({"økonmi": {"b": 1}}).overall == 2
