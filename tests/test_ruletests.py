"""`modenhet test`: rule tests written by hand (YAML), their errors located, their failures
explained, JUnit XML, coverage and `--fail-under`; and the tests that ship with the default rule
set, which must cover it completely."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modenhet.authoring.ruletests.coverage import parse_threshold, percent_text
from modenhet.authoring.ruletests.paths import parse_path
from modenhet.authoring.ruletests.runner import run_tests
from modenhet.authoring.ruletests.yamlfile import YamlDocument
from modenhet.cli import main
from modenhet.i18n import Text
from modenhet.resources import default_rules_path

from conftest import ROOT, SAMPLES

SHIPPED = ROOT / "rules" / "bustadsosialt.test.yaml"

SMALL_RULES = """\
ruleset "Liten" version "1"
levels {
  1 "Ein"
  2 "To"
  3 "Tre"
}
factor f "F" {
  level 2 {
    criterion x "X er positiv" when a.x > 0
  }
  level 3 {
    criterion y "Y er sann" when a.y
  }
}
"""

SMALL_TESTS = """\
as_of: 2025-06-30
cases:
  both met:
    evidence: {a: {x: 1, y: true}}
    expect: {overall: 3, criteria: {f.x: met, f.y: met}}
  y not met:
    evidence: {a: {x: 1, y: false}}
    expect: {factors: {f: 2}, criteria: {f.y: not_met}}
  x not met:
    evidence: {a: {x: 0, y: true}}
    expect: {factors: {f: 1}, criteria: {f.x: not_met}}
"""


def run(*args: str) -> Result:
    """`modenhet test` in English, as these tests read it (tests/test_i18n_diagnostics.py
    reads the other languages)."""
    return CliRunner().invoke(main, ["test", "--lang", "en", *args], catch_exceptions=False)


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a three-criterion rule set and its tests, as the working folder."""
    (tmp_path / "liten.rules").write_text(SMALL_RULES, encoding="utf-8")
    (tmp_path / "liten.test.yaml").write_text(SMALL_TESTS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of rules/ and schemas/ to edit, as the working folder."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules" / "bustadsosialt.test.yaml"


def remove_case(text: str, name: str) -> str:
    """The test file without one case: from its name to the next case (or comment)."""
    start = text.index(f"\n  {name}:\n")
    end = re.compile(r"\n  (?=[^ \n])|\n(?=[^ \n])").search(text, start + 1)
    return text[:start] + (text[end.start() :] if end else "\n")


# --------------------------------------------------------------- the tests that ship with it


def test_shipped_tests_pass_and_cover_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("--coverage", "--fail-under", "100")
    assert result.exit_code == 0, result.stdout + result.stderr
    # The packaged tests: in the checkout (editable install) or inside site-packages.
    assert re.search(
        r"rules/bustadsosialt\.test\.yaml: 39 case\(s\) against \S*rules/bustadsosialt\.rules",
        result.stdout,
    ), result.stdout
    assert "39 passed, 0 failed\n" in result.stdout
    assert "Not covered" not in result.stdout
    # 56 criteria, each seen met and not met, and 6 factors at each of 5 levels: 112 + 30.
    assert (
        "100.00 % (142 of 142: criteria seen met and not met 112 of 112, levels stood at 30 of 30)"
        in result.stdout
    )
    assert result.stderr == ""


def test_shipped_documents_are_the_samples() -> None:
    """The evidence under `documents` is a copy of samples/*.json and of Drammen's submission
    for 2023, value for value."""
    documents = YamlDocument(str(SHIPPED), SHIPPED.read_text("utf-8")).value["documents"]
    samples = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(SAMPLES.glob("*.json"))}
    drammen = json.loads((SAMPLES / "2024" / "3005-drammen.json").read_text("utf-8"))
    assert documents == {**samples, "3005-drammen-2023": drammen}


def test_the_archived_tests_of_2025_1_pass_and_cover_everything() -> None:
    """Rule set 2025.1 stays in rules/archive/ with its own tests (for `modenhet impact`)."""
    # The archived rule set lives in rules/archive/, outside the test file's folder tree.
    result = run(str(ROOT / "tests" / "archive"), "--fail-under", "100", "--rules-anywhere")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "21 passed, 0 failed\n" in result.stdout
    assert "rules/archive/bustadsosialt-2025.1.rules" in result.stdout


def test_every_criterion_is_expected_not_met_by_some_case() -> None:
    """Coverage only asks that a case *saw* a criterion not met; the shipped tests also say so:
    every criterion is expected `not_met` by name in at least one case."""
    cases = YamlDocument(str(SHIPPED), SHIPPED.read_text("utf-8")).value["cases"]
    expected = set()
    for case in cases.values():
        for criterion, status in (case["expect"].get("criteria") or {}).items():
            if (status if isinstance(status, str) else status["status"]) == "not_met":
                expected.add(criterion)
    ruleset = run_tests([str(SHIPPED)], default_rules_path()).files[0].ruleset
    assert ruleset is not None
    every = {
        f"{factor.id}.{criterion.id}"
        for factor in ruleset.factors
        for block in factor.blocks
        for criterion in block.criteria
    }
    assert len(every) == 56 and expected == every


def test_removing_a_case_fails_fail_under_100(shipped_copy: Path) -> None:
    text = shipped_copy.read_text("utf-8")
    # The only case with no staff: economy.dedicated_staff is then never seen not met.
    shipped_copy.write_text(remove_case(text, "no staff set aside"), encoding="utf-8")
    result = run("rules", "--coverage", "--fail-under", "100")
    assert result.exit_code == 1
    assert "38 passed, 0 failed" in result.stdout
    assert "Not covered:\n  economy.dedicated_staff (level 3): never not met\n" in result.stdout
    assert "99.29 % (141 of 142" in result.stdout
    assert result.stderr == (
        "error: the coverage of rules/bustadsosialt.rules, 99.29 % (141 of 142), "
        "is below --fail-under 100\n"
    )
    # 141/142 is 99.2957... %: above 99.29, below 99.30 — compared exactly.
    assert run("rules", "--fail-under", "99.29").exit_code == 0
    assert run("rules", "--fail-under", "99.3").exit_code == 1


def test_installed_elsewhere_the_shipped_tests_run(tmp_path: Path) -> None:
    """A real process, from another folder: the tests found next to the packaged rules."""
    completed = subprocess.run(
        [sys.executable, "-m", "modenhet", "test", "--fail-under", "100", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "39 passed, 0 failed" in completed.stdout
    assert "100.00 %" in completed.stdout


# -------------------------------------------------------------------------------- failures


def test_a_failure_shows_expected_actual_and_the_deciding_values(shipped_copy: Path) -> None:
    text = shipped_copy.read_text("utf-8")
    wrong = text.replace(
        "    set: {evidence.economy.housing_social_fte: 0}\n",
        "    set: {evidence.economy.housing_social_fte: 1}\n",
    )
    assert wrong != text
    shipped_copy.write_text(wrong, encoding="utf-8")
    line = wrong.splitlines().index("    set: {evidence.economy.housing_social_fte: 1}") + 1
    result = run("rules")
    assert result.exit_code == 1
    out = result.stdout
    assert "  FAIL  no staff set aside  (rules/bustadsosialt.test.yaml:" in out
    assert (
        f"rules/bustadsosialt.test.yaml:{line + 2}: overall: expected level 2, got level 5" in out
    )
    assert (
        f"rules/bustadsosialt.test.yaml:{line + 3}: economy: expected level 2, got level 5" in out
    )
    assert (
        f"rules/bustadsosialt.test.yaml:{line + 4}: economy.dedicated_staff: expected not_met, "
        "got met"
    ) in out
    assert "economy.dedicated_staff (level 3) — met  [rules/bustadsosialt.rules:" in out
    assert "= økonomi.housing_social_fte: 1  (#/evidence/economy/housing_social_fte)" in out
    assert "38 passed, 1 failed" in out


def test_missing_paths_are_compared(small: Path) -> None:
    (small / "liten.test.yaml").write_text(
        "as_of: 2025-06-30\ncases:\n  no y:\n    evidence: {a: {x: 1}}\n    expect:\n"
        "      criteria:\n        f.y: {status: unknown, missing: [a.z]}\n",
        encoding="utf-8",
    )
    result = run(".")
    assert result.exit_code == 1
    assert (
        "liten.test.yaml:7: f.y: expected unknown (missing: a.z), got unknown (missing: a.y)"
    ) in result.stdout


def test_a_level_too_low_names_the_criteria_not_met(small: Path) -> None:
    (small / "liten.test.yaml").write_text(
        "as_of: 2025-06-30\ncases:\n  c:\n    evidence: {a: {x: 0}}\n"
        "    expect: {factors: {f: 3}}\n",
        encoding="utf-8",
    )
    out = run(".").stdout
    assert "liten.test.yaml:5: f: expected level 3, got level 1" in out
    assert "f.x (level 2) — not met  [liten.rules:9]" in out
    assert "= a.x: 0  (#/a/x)" in out
    assert "f.y (level 3) — unknown; missing a.y  [liten.rules:12]" in out


# --------------------------------------------------------------------- the small rule set


def test_small_rule_set_passes_with_full_coverage(small: Path) -> None:
    result = run(".", "--coverage", "--fail-under", "100", "-v")
    assert result.exit_code == 0, result.stderr
    assert "liten.test.yaml: 3 case(s) against liten.rules, as of 2025-06-30" in result.stdout
    assert "  ok    both met\n" in result.stdout
    # 2 criteria x (met, not met) + 3 levels of f.
    assert "100.00 % (7 of 7: criteria seen met and not met 4 of 4, levels stood at 3 of 3)" in (
        result.stdout
    )


def test_coverage_counts_and_rounds_down(small: Path) -> None:
    tests = small / "liten.test.yaml"
    tests.write_text(remove_case(tests.read_text("utf-8"), "x not met"), encoding="utf-8")
    result = run(".", "--coverage")
    assert result.exit_code == 0  # no --fail-under: coverage alone does not fail
    assert "f.x (level 2): never not met" in result.stdout
    assert "f: no case stands at level 1" in result.stdout
    assert "71.42 % (5 of 7" in result.stdout  # 71.428...: rounded down
    assert run(".", "--fail-under", "71.42").exit_code == 0
    assert run(".", "--fail-under", "71.43").exit_code == 1


def test_percentages_are_exact() -> None:
    assert percent_text(Fraction(99999, 1000)) == "99.99"
    assert percent_text(Fraction(100)) == "100.00"
    assert percent_text(Fraction(13300, 134)) == "99.25"
    assert parse_threshold("99.99") == Fraction(9999, 100)
    assert Fraction(99999, 1000) < parse_threshold("100")
    for bad in ("abc", "-1", "100.01", "1e2"):
        with pytest.raises(ValueError):
            parse_threshold(bad)


def test_a_block_without_criteria_is_not_a_level_to_stand_at(tmp_path: Path) -> None:
    rules = SMALL_RULES.replace(
        'level 3 {\n    criterion y "Y er sann" when a.y\n  }', "level 3 {}"
    )
    (tmp_path / "tom.rules").write_text(rules, encoding="utf-8")
    (tmp_path / "tom.test.yaml").write_text(
        "as_of: 2025-06-30\ncases:\n  c:\n    evidence: {a: {x: 1}}\n    expect: {overall: 3}\n"
        "  d:\n    evidence: {a: {x: 0}}\n    expect: {overall: 1}\n",
        encoding="utf-8",
    )
    test_run = run_tests([str(tmp_path / "tom.test.yaml")], default_rules_path())
    (coverage,) = test_run.coverage
    # f stands at 1 or 3, never at 2 (level 3 is always reached once 2 is): 2 + 2 items.
    assert (coverage.covered, coverage.total) == (4, 4)


@pytest.mark.parametrize("bad", ["abc", "101", "-5"])
def test_a_bad_fail_under_cannot_run(small: Path, bad: str) -> None:
    result = run(".", "--fail-under", bad)
    assert result.exit_code == 2
    assert "--fail-under" in result.stderr


# ---------------------------------------------------------------- finding the tests to run


def test_no_test_found_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    result = run("empty")
    assert result.exit_code == 1
    assert "error: no test files found" in result.stderr


def test_a_path_that_does_not_exist_cannot_run(small: Path) -> None:
    result = run("liten.test.yaml", "nowhere.test.yaml")
    assert result.exit_code == 2
    assert result.stderr == "nowhere.test.yaml: error: no such file or folder\n"
    assert result.stdout == ""


def test_rules_in_the_folder_above_and_evidence_files(small: Path) -> None:
    """tests/x.test.yaml tests ../liten.rules; evidence from a file, with set and unset."""
    (small / "liten.test.yaml").unlink()
    (small / "tests").mkdir()
    (small / "tests" / "base.json").write_text(
        json.dumps({"a": {"x": 5, "y": True, "list": [{"k": 1}], "odd-key": 1}}), "utf-8"
    )
    (small / "tests" / "x.test.yaml").write_text(
        "as_of: 2025-06-30\n"
        "cases:\n"
        "  from the file:\n"
        "    evidence: base.json\n"
        "    expect: {overall: 3}\n"
        "  overridden:\n"
        "    evidence: base.json\n"
        "    set: {a.x: 0, 'a.list[0].k': 2, 'a.`odd-key`': 2, b.c.d: new}\n"
        "    unset: [a.y]\n"
        "    expect:\n"
        "      factors: {f: 1}\n"
        "      criteria: {f.x: not_met, f.y: {status: unknown, missing: [a.y]}}\n",
        encoding="utf-8",
    )
    result = run(".")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "tests/x.test.yaml: 2 case(s) against liten.rules" in result.stdout


def test_a_file_name_picks_its_rule_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.rules").write_text(SMALL_RULES, encoding="utf-8")
    (tmp_path / "b.rules").write_text(SMALL_RULES.replace('"Liten"', '"B"'), encoding="utf-8")
    (tmp_path / "b.test.yaml").write_text(SMALL_TESTS, encoding="utf-8")
    (tmp_path / "other.test.yaml").write_text(SMALL_TESTS, encoding="utf-8")
    result = run(".")
    assert "b.test.yaml: 3 case(s) against b.rules" in result.stdout
    assert result.stderr.startswith(
        "other.test.yaml:1: error: several rule sets in . (a.rules, b.rules): name the one to "
        "test with `rules:`\n"
    )
    assert result.exit_code == 1


def test_rules_named_relative_to_the_test_file(small: Path) -> None:
    (small / "sub").mkdir()
    (small / "sub" / "t.test.yaml").write_text(
        "rules: ../liten.rules\n" + SMALL_TESTS, encoding="utf-8"
    )
    result = run("sub")
    assert result.exit_code == 0
    assert "sub/t.test.yaml: 3 case(s) against liten.rules" in result.stdout


def test_a_rule_set_that_does_not_check(small: Path) -> None:
    (small / "liten.rules").write_text(SMALL_RULES.replace("a.x > 0", "cout(a.x) > 0"), "utf-8")
    result = run(".")
    assert result.exit_code == 1
    assert "liten.rules:9:37: error: unknown function 'cout'" in result.stderr
    assert "liten.test.yaml:1: error: the rule set liten.rules does not check" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# ------------------------------------------------------------------- malformed test files

CASE = "cases:\n  c:\n    evidence: {a: {x: 1}}\n    expect: {overall: 2}\n"

MALFORMED = [
    ("empty", "", 1, "the test file is empty"),
    ("not a mapping", "- a\n- b\n", 1, "a test file is a mapping with `as_of` and `cases`"),
    ("bad YAML", "as_of: 2025-06-30\ncases: [\n", 3, "not valid YAML: expected the node"),
    (
        "duplicate key",
        "as_of: 2025-06-30\nas_of: 2025-07-01\n" + CASE,
        2,
        "the key 'as_of' appears more than once in this mapping (first on line 1)",
    ),
    (
        "duplicate case",
        "as_of: 2025-06-30\n" + CASE + "  c:\n    evidence: {}\n",
        6,
        "the key 'c' appears more than once",
    ),
    (
        "unknown key",
        "as_of: 2025-06-30\nrule: x.rules\n" + CASE,
        2,
        "unknown key `rule` in test file (did you mean `rules`?)",
    ),
    ("no as_of", CASE, 1, "the test file has no `as_of`"),
    ("bad date", "as_of: 2025-02-30\n" + CASE, 1, "2025-02-30 is not a real date"),
    ("date as a number", "as_of: 20250630\n" + CASE, 1, "`as_of` is a date written YYYY-MM-DD"),
    (
        "rules missing",
        "rules: nope.rules\nas_of: 2025-06-30\n" + CASE,
        1,
        "the rule set nope.rules cannot be read: no such rule file",
    ),
    (
        "alias",
        "as_of: 2025-06-30\ndocuments:\n  d: &d {a: {x: 1}}\n  e: *d\n" + CASE,
        4,
        "aliases (*name) are not used in test files",
    ),
    ("tag", "as_of: !!timestamp 2025-06-30\n" + CASE, 1, "the tag tag:yaml.org,2002:timestamp"),
    ("no cases", "as_of: 2025-06-30\ncases: {}\n", 2, "`cases` is a mapping of named cases"),
    (
        "unknown case key",
        "as_of: 2025-06-30\n" + CASE.replace("expect:", "expected:"),
        5,
        "unknown key `expected` in case 'c' (did you mean `expect`?)",
    ),
    (
        "unknown factor",
        "as_of: 2025-06-30\n" + CASE.replace("{overall: 2}", "{factors: {g: 2}}"),
        5,
        "unknown factor 'g' (known: f)",
    ),
    (
        "unknown criterion",
        "as_of: 2025-06-30\n" + CASE.replace("{overall: 2}", "{criteria: {f.z: met}}"),
        5,
        "unknown criterion of f 'z' (known: x, y)",
    ),
    (
        "not a level",
        "as_of: 2025-06-30\n" + CASE.replace("{overall: 2}", "{overall: 7}"),
        5,
        "7 is not a level of the rule set (levels: 1, 2, 3)",
    ),
    (
        "a boolean is not a level",
        "as_of: 2025-06-30\n" + CASE.replace("{overall: 2}", "{factors: {f: true}}"),
        5,
        "true is not a level of factor f (levels: 1, 2, 3)",
    ),
    (
        "not a status",
        "as_of: 2025-06-30\n" + CASE.replace("{overall: 2}", "{criteria: {f.x: true}}"),
        5,
        "true is not a status (statuses: met, not_met, unknown, error)",
    ),
    (
        "missing without unknown",
        "as_of: 2025-06-30\n"
        + CASE.replace(
            "{overall: 2}", "\n      criteria:\n        f.x: {status: met, missing: []}"
        ),
        7,
        "only an unknown criterion has `missing`",
    ),
    (
        "nothing expected",
        "as_of: 2025-06-30\n" + CASE.replace("{overall: 2}", "{}"),
        5,
        "`expect` gives `overall`, `factors` and/or `criteria`",
    ),
    (
        "unknown document",
        "as_of: 2025-06-30\n" + CASE.replace("{a: {x: 1}}", "base"),
        4,
        "no document named 'base' under `documents`",
    ),
    (
        "evidence file missing",
        "as_of: 2025-06-30\n" + CASE.replace("{a: {x: 1}}", "nope.json"),
        4,
        "nope.json: cannot be read",
    ),
    (
        "unset what is not there",
        "as_of: 2025-06-30\n" + CASE.replace("    expect", "    unset: [a.q]\n    expect"),
        5,
        "cannot unset a.q: it is not in the evidence",
    ),
    (
        "a bad path",
        "as_of: 2025-06-30\n" + CASE.replace("    expect", "    set: {'a..x': 1}\n    expect"),
        5,
        "'a..x' is not a path like evidence.economy.budget_nok",
    ),
    (
        "set through a number",
        "as_of: 2025-06-30\n" + CASE.replace("    expect", "    set: {a.x.y: 1}\n    expect"),
        5,
        "cannot set a.x.y: a.x is not an object",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_a_malformed_test_file_is_a_located_error(
    small: Path, text: str, line: int, message: str
) -> None:
    (small / "liten.test.yaml").write_text(text, encoding="utf-8")
    result = run(".", "--format", "junit")
    assert result.exit_code == 1
    errors = [row for row in result.stderr.splitlines() if ": error: " in row]
    assert any(
        row.startswith(f"liten.test.yaml:{line}: error: ") and message in row for row in errors
    ), result.stderr
    assert "Traceback" not in result.stderr
    suites = ET.fromstring(result.stdout)
    assert int(suites.get("errors", "0")) >= 1


def test_evidence_that_does_not_validate_is_an_error_at_its_set_line(shipped_copy: Path) -> None:
    """`no` is text, not false (YAML 1.1's Norway problem), so the schema refuses it."""
    shutil.copy(SAMPLES / "4601-bergen.json", shipped_copy.parent / "bergen.json")
    shipped_copy.write_text(
        "as_of: 2025-06-30\n"
        "cases:\n"
        "  c:\n"
        "    evidence: bergen.json\n"
        "    set:\n"
        "      evidence.economy.in_economic_plan: no\n"
        "      evidence.economy.budget_nok: -1\n"
        "    expect: {overall: 1}\n"
        "  fine:\n"
        "    evidence: bergen.json\n"
        "    expect: {overall: 5}\n",
        encoding="utf-8",
    )
    result = run("rules")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "rules/bustadsosialt.test.yaml:6: error: case 'c': the evidence does not validate: "
        "#/evidence/economy/in_economic_plan: `evidence.economy.in_economic_plan` must be true or "
        'false or null; got "no"',
        "rules/bustadsosialt.test.yaml:7: error: case 'c': the evidence does not validate: "
        "#/evidence/economy/budget_nok: `evidence.economy.budget_nok` must be at least 0; got -1",
    ]
    assert "  ERROR c  (rules/bustadsosialt.test.yaml:3): not run" in result.stdout
    assert "1 passed, 0 failed, 1 not run" in result.stdout


def test_a_file_that_is_not_utf8(small: Path) -> None:
    (small / "liten.test.yaml").write_bytes(b"as_of: 2025-06-30\n# \xe6\n")
    result = run(".")
    assert result.exit_code == 1
    assert result.stderr.startswith("liten.test.yaml:2: error: not UTF-8: byte 20 (0xe6)")


def test_yaml_scalars_are_read_as_json_would_have_them() -> None:
    value = YamlDocument(
        "t.yaml",
        "a: no\nb: 0123\nc: 2025-06-30\nd: 1.5\ne: ~\nf: True\ng: 1e3\nh: 12:30\ni: .inf\n",
    ).value
    assert value == {
        "a": "no",
        "b": 123,
        "c": "2025-06-30",
        "d": 1.5,
        "e": None,
        "f": True,
        "g": 1000.0,
        "h": "12:30",
        "i": ".inf",
    }


def test_paths() -> None:
    assert parse_path("evidence.participation.user_organisations[0].involved_in") == [
        "evidence",
        "participation",
        "user_organisations",
        0,
        "involved_in",
    ]
    assert parse_path("a.`budget-2025`[1][2]") == ["a", "budget-2025", 1, 2]
    assert str(parse_path("a.[0]")) == "'a.[0]' is not a path like evidence.economy.budget_nok"
    assert isinstance(parse_path("a b"), Text)


# ---------------------------------------------------------------------------------- JUnit


def test_junit_xml(small: Path) -> None:
    tests = small / "liten.test.yaml"
    tests.write_text(
        tests.read_text("utf-8").replace("expect: {factors: {f: 1}", "expect: {factors: {f: 3}")
        + "  broken:\n    evidence: {a: {x: 1}}\n    expect: {overall: 9}\n",
        encoding="utf-8",
    )
    result = run(".", "-f", "junit")
    assert result.exit_code == 1
    suites = ET.fromstring(result.stdout)
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("4", "1", "1")
    (suite,) = suites
    assert suite.get("name") == "liten.test.yaml"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"rules": "liten.rules", "as_of": "2025-06-30"}
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == ["both met", "y not met", "x not met", "broken"]
    failure = cases["x not met"].find("failure")
    assert failure is not None
    assert failure.get("message") == "f: expected level 3, got level 1"
    assert "= a.x: 0  (#/a/x)" in (failure.text or "")
    error = cases["broken"].find("error")
    assert error is not None and "9 is not a level" in (error.get("message") or "")
    assert cases["both met"].find("failure") is None
    assert cases["both met"].get("line") == "3"
    # Deterministic: the same run gives the same bytes, also written to a file.
    assert run(".", "-f", "junit").stdout == result.stdout
    assert run(".", "-f", "junit", "-o", "out.xml").exit_code == 1
    assert (small / "out.xml").read_text("utf-8") == result.stdout
    assert "timestamp" not in result.stdout


def test_junit_for_a_file_that_cannot_run(small: Path) -> None:
    (small / "liten.test.yaml").write_text("as_of: [\n", encoding="utf-8")
    suites = ET.fromstring(run(".", "-f", "junit").stdout)
    (case,) = suites.iter("testcase")
    error = case.find("error")
    assert error is not None and (error.get("message") or "").startswith("liten.test.yaml:2: ")


def test_the_example_in_the_docs_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "testing-rules.md").read_text("utf-8")
    example = re.search(r"```yaml\n(# Tests for .*?)```", text, re.S)
    assert example is not None
    for folder in ("rules", "schemas", "samples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "rules" / "bustadsosialt.test.yaml").write_text(example.group(1), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("rules")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "4 passed, 0 failed" in result.stdout


def test_a_case_has_its_own_as_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.rules").write_text(
        'ruleset "D"\nlevels {\n  1 "Ein"\n  2 "To"\n}\n'
        'factor g "G" {\n  level 2 {\n    criterion d "Ny" when years_since(a.d) < 1\n  }\n}\n',
        encoding="utf-8",
    )
    # years_since(2025-01-01) is 0 on 2025-06-30 (met) and 1 on 2026-06-30 (not < 1).
    (tmp_path / "d.test.yaml").write_text(
        "as_of: 2025-06-30\ncases:\n"
        "  this year:\n    evidence: {a: {d: 2025-01-01}}\n    expect: {overall: 2}\n"
        "  a year on:\n    as_of: 2026-06-30\n    evidence: {a: {d: 2025-01-01}}\n"
        "    expect: {overall: 1, criteria: {g.d: not_met}}\n",
        encoding="utf-8",
    )
    result = run("d.test.yaml")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "2 passed, 0 failed" in result.stdout
