"""`check` with a schema: every evidence path resolved against it, with "did you mean", type
mismatches and values outside an enum."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import modenhet
from modenhet.cli import main

from conftest import HEADER, ROOT


@pytest.fixture
def checked(tmp_path: Path) -> Callable[[str], list[tuple[int, str, str]]]:
    """Check a rule text that names the repository's schema; (line, severity, message)."""
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "rules").mkdir()

    def run(body: str) -> list[tuple[int, str, str]]:
        path = tmp_path / "rules" / "test.rules"
        text = HEADER.replace(
            'version "1"\n', 'version "1"\nschema "../schemas/evidence.schema.json"\n'
        )
        path.write_text(text + "let økonomi = evidence.economy\n" + body, encoding="utf-8")
        try:
            found = modenhet.load_ruleset(path).warnings
        except modenhet.RuleError as error:
            found = error.diagnostics
        return [
            (d.line - text.count("\n") - 1, d.severity, d.message)
            for d in found
            if d.code != "M607"  # the fixture's let is not always used
        ]

    return run


def criterion(condition: str) -> str:
    return f'factor f "F" {{\n  level 2 {{\n    criterion c "C" when {condition}\n  }}\n}}\n'


def test_unknown_path_with_did_you_mean(
    checked: Callable[[str], list[tuple[int, str, str]]],
) -> None:
    assert checked(criterion("evidence.economy.budget_nkk > 0")) == [
        (
            3,
            "error",
            "'evidence.economy.budget_nkk' is not in the schema: evidence.economy has "
            "no key 'budget_nkk' (did you mean 'budget_nok'?)",
        ),
    ]


def test_unknown_path_through_a_let(checked: Callable[[str], list[tuple[int, str, str]]]) -> None:
    (finding,) = checked(criterion("økonomi.budget_nkk > 0"))
    assert "'evidence.economy.budget_nkk' is not in the schema" in finding[2]


def test_type_mismatches(checked: Callable[[str], list[tuple[int, str, str]]]) -> None:
    findings = checked(
        criterion(
            "økonomi.in_economic_plan > 1 and count(økonomi.budget_nok) > 1 "
            "and days_since(økonomi.in_economic_plan) > 3"
        )
    )
    messages = [message for _, severity, message in findings if severity == "error"]
    assert len(messages) == 3, findings
    assert "cannot order a boolean and a number" in messages[0]
    assert "count() needs a list, but 'økonomi.budget_nok' is a number" in messages[1]
    assert "days_since() needs a date or a string" in messages[2]


def test_value_outside_an_enum_is_always_false(
    checked: Callable[[str], list[tuple[int, str, str]]],
) -> None:
    status = 'evidence.strategy.action_plan.status == "gjeldande"'
    findings = checked(criterion(f'{status} and "startlån" in økonomi.instruments_used'))
    assert [severity for _, severity, _ in findings] == ["warning", "warning"]
    assert '"gjeldande" is never a value of' in findings[0][2]
    assert "always false" in findings[0][2]
    assert '"startlån" is never a value of' in findings[1][2]


def test_quantifier_variable_has_the_item_type(
    checked: Callable[[str], list[tuple[int, str, str]]],
) -> None:
    orgs = "evidence.participation.user_organisations"
    assert checked(criterion(f'any o in {orgs}: o.name == "RIO"')) == []
    findings = checked(criterion(f"any o in {orgs}: o.involved_in > 1 or o.nmae == 1"))
    messages = [message for _, _, message in findings]
    assert "cannot order a list and a number" in messages[0]
    assert "'o.nmae' is not in the schema: o has no key 'nmae' (did you mean 'name'?)" in messages


def test_default_rule_set_checks_clean() -> None:
    assert modenhet.load_ruleset(ROOT / "rules" / "bustadsosialt.rules").warnings == []


def test_a_copy_of_the_default_rules_with_three_mistakes(tmp_path: Path) -> None:
    """A misspelt path, a type mismatch and an enum typo: all three, located, with a hint."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    path = tmp_path / "rules" / "bustadsosialt.rules"
    text = path.read_text("utf-8")
    text = text.replace("when økonomi.housing_social_fte > 0", "when økonomi.housing_social_ft > 0")
    text = text.replace(
        "when forankring.admin_owner_in_leadership\n",
        "when forankring.admin_owner_in_leadership > 1\n",
    )
    text = text.replace('cross_sector_forum == "formal_mandate"', 'cross_sector_forum == "formal"')
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--lang", "en", str(path)])
    assert result.exit_code == 1
    found = [
        line for line in result.stderr.splitlines() if ": error: " in line or ": warning: " in line
    ]
    assert len(found) == 3, result.stderr
    typed, enum, misspelt = found
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    typed_line = line_of("admin_owner_in_leadership > 1")
    enum_line = line_of('== "formal"')
    misspelt_line = line_of("housing_social_ft >")
    assert typed.startswith(f"{path}:{typed_line}:49: error: cannot order a boolean and a number")
    assert enum.startswith(f'{path}:{enum_line}:45: warning: "formal" is never a value of')
    assert enum.endswith("always false")
    assert misspelt.startswith(
        f"{path}:{misspelt_line}:12: error: 'evidence.economy.housing_social_ft'"
    )
    assert "(did you mean 'housing_social_fte'?)" in misspelt
    assert 'did you mean "formal_mandate"?' in result.stderr  # the enum's hint
    assert "compare two numbers, two strings or two dates" in result.stderr  # the type's hint
