"""Syntax errors in words a policy expert understands, each at its line and column, and the
lexical rules of spec section 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import modenhet

from conftest import HEADER

# (rule text after HEADER, line, column, message fragment); HEADER has 8 lines.
SYNTAX = [
    (
        'factor f "F" {\n  level 2 {\n    criterion a "A" x > 1\n  }\n}\n',
        11,
        21,
        "expected 'when' after the criterion's title",
    ),
    (
        'factor f "F" {\n  level 2 {\n    criterion a "A" when x > 1\n  }\n',
        9,
        14,
        "this '{' is never closed",
    ),
    ("let a = (1 + 2\n", 9, 9, "this '(' is never closed"),
    ("let a = [1, 2\n", 9, 9, "this '[' is never closed"),
    ("let a = 1 < 2 < 3\n", 9, 15, "comparisons do not chain"),
    ("let a = x.a in [1] in [2]\n", 9, 20, "comparisons do not chain"),
    ("let a = x == 1 != 2\n", 9, 16, "comparisons do not chain"),
    ('let a = "abc\n', 9, 9, "this text is never closed"),
    ("let a = x = 1\n", 9, 11, "'=' is not a comparison"),
    ("let a = x ! 1\n", 9, 11, "'!' is not an operator"),
    ("let a = 'x'\n", 9, 9, "texts are written in double quotes"),
    ('factor f "F" {\n  levl 2 { }\n}\n', 10, 3, "did you mean 'level'"),
    ("let a = .5\n", 9, 9, "unexpected '.'; expected an expression"),
    ("let a = 1e5\n", 9, 10, "unexpected name 'e5'"),
    ("let a =\n", 9, 8, "unexpected end of the file"),
    ("let a = `x\n", 9, 9, "back-ticked key is never closed"),
]


@pytest.mark.parametrize(("text", "line", "column", "fragment"), SYNTAX)
def test_syntax_error(
    write_rules: Callable[..., Path], text: str, line: int, column: int, fragment: str
) -> None:
    path = write_rules(HEADER + text)
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    errors = caught.value.errors
    assert len(errors) == 1, caught.value.render()
    assert (errors[0].line, errors[0].column) == (line, column), errors[0].message
    assert fragment in errors[0].message or fragment in (errors[0].hint or "")


# (expression, message fragment) of problems the parser reports and then goes on
LEXICAL_ERRORS = [
    ("2023-7-1 == as_of", "invalid date 2023-7-1: a date is written YYYY-MM-DD"),
    ("2023-02-30 == as_of", "invalid date 2023-02-30: there is no such day"),
    ('x.a == "a\\qb"', "unknown escape '\\q'"),
    ("x.a == 9" + "9" * 400 + ".5", "is too large"),
]


@pytest.mark.parametrize(("expression", "fragment"), LEXICAL_ERRORS)
def test_lexical_errors(
    ruleset_from: Callable[..., modenhet.RuleSet], expression: str, fragment: str
) -> None:
    with pytest.raises(modenhet.RuleError) as caught:
        ruleset_from(f'factor f "F" {{ level 2 {{ criterion a "A" when {expression} }} }}')
    assert any(fragment in d.message for d in caught.value.errors), caught.value.render()


def test_every_lexical_problem_of_a_file_is_reported(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    with pytest.raises(modenhet.RuleError) as caught:
        ruleset_from('let and = 2023-7-1\nlet b = 2023-13-01\nlet c = "\\x"\n')
    messages = [d.message for d in caught.value.errors]
    assert len(messages) == 4, messages
    assert "'and' is a reserved word" in messages[0]


@pytest.mark.parametrize(
    "word", ["and", "or", "not", "in", "any", "all", "true", "false", "null", "as_of"]
)
def test_reserved_words_are_not_names(
    ruleset_from: Callable[..., modenhet.RuleSet], word: str
) -> None:
    with pytest.raises(modenhet.RuleError) as caught:
        ruleset_from(f'factor {word} "F" {{ level 2 {{ criterion a "A" when x.a }} }}')
    assert f"'{word}' is a reserved word" in caught.value.render()


def test_statement_words_and_function_names_are_keys_where_no_statement_fits(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    ruleset = ruleset_from("""
        let count = x.level.criterion
        let when = x.factor
        factor level "Nivå" {
          level 2 {
            criterion criterion "Kriterium" when count == 1 and when.in.and.not == 2
          }
        }
    """)
    doc = {"x": {"level": {"criterion": 1}, "factor": {"in": {"and": {"not": 2}}}}}
    assert ruleset.evaluate(doc).factors["level"].level == 2


def test_source_is_normalised_to_nfc_and_columns_count_code_points(
    write_rules: Callable[..., Path],
) -> None:
    decomposed = "a\u030a"  # å as a + combining ring
    path = write_rules(HEADER + f"let bl{decomposed} = evidence.x\nlet y = cout(bl{decomposed})\n")
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    error = caught.value.errors[0]
    assert (error.line, error.column) == (10, 9)  # `cout` after `let y = `
    ruleset_text = (
        HEADER
        + f"let bl{decomposed} = evidence.x\n"
        + ('factor f "F" { level 2 { criterion a "A" when blå.b == "bö" } }\n')
    )
    path.write_text(ruleset_text, encoding="utf-8")
    ruleset = modenhet.load_ruleset(path)
    assert ruleset.evaluate({"evidence": {"x": {"b": "bo\u0308"}}}).overall == 2


def test_numbers(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    ruleset = ruleset_from("""
        factor f "F" {
          level 2 { criterion a "A" when x.n == 1_000_000 and x.d == 0.5 and x.m == -3 }
        }
    """)
    assert ruleset.evaluate({"x": {"n": 1000000, "d": 0.5, "m": -3}}).overall == 2


def test_comments_and_free_whitespace(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    ruleset = ruleset_from(
        '# kommentar\nfactor f "F"   # ein faktor\n{ level 2 { criterion a "A"\n when\n'
        "   x.a   # ja\n    and x.b\n} }\n"
    )
    assert ruleset.evaluate({"x": {"a": True, "b": True}}).overall == 2


def test_strings_with_escapes(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    ruleset = ruleset_from(
        'factor f "F" { level 2 { criterion a "A" when x.s == "a\\"b\\\\c\\nd\\te#f" } }'
    )
    assert ruleset.evaluate({"x": {"s": 'a"b\\c\nd\te#f'}}).overall == 2


def test_rule_file_that_is_not_utf8(write_rules: Callable[..., Path]) -> None:
    path = write_rules("")
    path.write_bytes(b'ruleset "\xe6"\n')
    with pytest.raises(modenhet.RuleFileError, match="not UTF-8"):
        modenhet.load_ruleset(path)


def test_missing_rule_file(tmp_path: Path) -> None:
    with pytest.raises(modenhet.RuleFileError, match="no such rule file"):
        modenhet.load_ruleset(tmp_path / "nowhere.rules")


def test_header_rules(write_rules: Callable[..., Path]) -> None:
    path = write_rules(
        'let a = 1\nruleset "X"\nlevels { 1 "A" 1 "B" }\nschema "s.json"\noverall maks\n'
    )
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    messages = [d.message for d in caught.value.errors]
    assert 'a rule set begins with  ruleset "NAME"' in messages[0]
    assert any("must come before the first let" in m for m in messages)
    assert any("level 1 is declared twice" in m for m in messages)
    assert any("cannot read the schema 's.json'" in m for m in messages)
    assert any("unknown overall mode 'maks'" in m for m in messages)


def test_levels_are_required(write_rules: Callable[..., Path]) -> None:
    with pytest.raises(modenhet.RuleError, match="declares no levels"):
        modenhet.load_ruleset(write_rules('ruleset "X"\n'))
