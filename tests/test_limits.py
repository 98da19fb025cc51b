"""Limits against broken and hostile input: each gives a clear error that names the limit and
how to raise it, never a crash or a hang. Each test fails if its protection is removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import modenhet
from modenhet.evidence.reader import parse_document

from conftest import AS_OF, HEADER


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_deep_parentheses_are_no_trouble(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    """Lark's parser and the AST builder do not recurse over the nesting of the text."""
    deep = "(" * 5000 + "x.a" + ")" * 5000
    ruleset = ruleset_from(f'factor f "F" {{ level 2 {{ criterion c "C" when {deep} }} }}')
    assert ruleset.evaluate({"x": {"a": True}}, as_of=AS_OF).overall == 2


def test_an_expression_nested_too_deeply(write_rules: Callable[..., Path]) -> None:
    path = write_rules(
        HEADER + 'factor f "F" { level 2 { criterion c "C" when ' + "not " * 5000 + "x.a } }\n"
    )
    completed = run("check", str(path))
    assert completed.returncode == 1
    assert "is nested 5001 levels deep; the limit is 64" in completed.stderr
    assert "MODENHET_MAX_EXPRESSION_DEPTH" in completed.stderr
    raised = run("check", str(path), env={"MODENHET_MAX_EXPRESSION_DEPTH": "6000"})
    assert "is nested 5001 levels deep; the limit is 200" in raised.stderr  # the ceiling
    path.write_text(
        HEADER + 'factor f "F" { level 2 { criterion c "C" when ' + "not " * 150 + "x.a } }\n",
        encoding="utf-8",
    )
    assert run("check", str(path)).returncode == 1
    raised = run("check", str(path), env={"MODENHET_MAX_EXPRESSION_DEPTH": "200"})
    assert raised.returncode == 0, raised.stderr


def test_a_rule_file_over_the_size_limit(write_rules: Callable[..., Path]) -> None:
    path = write_rules(HEADER + "# " + "x" * 2000 + "\n")
    completed = run("check", str(path), env={"MODENHET_MAX_RULE_FILE_BYTES": "1000"})
    assert completed.returncode == 2
    assert "the limit is 1000 (raise it with the environment variable " in completed.stderr


def rules_with(write_rules: Callable[..., Path], condition: str) -> Path:
    return write_rules(
        HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when {condition} }} }}\n'
    )


def evaluate(rules: Path, doc: object, tmp_path: Path, env: dict[str, str]) -> dict[str, object]:
    evidence = tmp_path / "doc.json"
    evidence.write_text(json.dumps(doc), encoding="utf-8")
    completed = run(
        "evaluate", str(evidence), "-r", str(rules), "--as-of", "2025-06-30", "-f", "json", env=env
    )
    assert completed.returncode == 0, completed.stderr
    criterion = json.loads(completed.stdout)["results"][0]["factors"]["f"]["criteria"][0]
    return criterion  # type: ignore[no-any-return]


def test_a_list_over_the_length_limit(write_rules: Callable[..., Path], tmp_path: Path) -> None:
    rules = rules_with(write_rules, "any v in x.l: v > 5")
    criterion = evaluate(
        rules, {"x": {"l": list(range(50))}}, tmp_path, {"MODENHET_MAX_LIST_LENGTH": "10"}
    )
    assert criterion["status"] == "error"
    assert "the list has 50 elements; the limit is 10" in str(criterion["message"])


def test_no_rule_set_can_make_one_document_take_minutes(
    write_rules: Callable[..., Path], tmp_path: Path
) -> None:
    """Four quantifiers nested over a list of 200 elements would visit 1.6 billion elements;
    the step budget stops it within a second, as an error of that criterion."""
    nested = "any a in x.l: any b in x.l: any c in x.l: any d in x.l: a + b + c + d < 0"
    rules = rules_with(write_rules, nested)
    started = time.perf_counter()
    criterion = evaluate(rules, {"x": {"l": list(range(200))}}, tmp_path, {})
    assert time.perf_counter() - started < 60
    assert criterion["status"] == "error"
    assert "took more than 500,000 steps" in str(criterion["message"])
    assert "MODENHET_MAX_EVALUATION_STEPS" in str(criterion["message"])


def test_a_product_too_large(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    product = " * ".join(["x.n"] * 40)
    ruleset = ruleset_from(f'factor f "F" {{ level 2 {{ criterion c "C" when {product} > 0 }} }}')
    criterion = ruleset.evaluate({"x": {"n": 10**1000}}, as_of=AS_OF).factors["f"].criteria[0]
    assert criterion.status == "error"
    assert "is too large a number" in str(criterion.message)


def test_numbers_too_large_for_evidence() -> None:
    assert "1e999 is too large a number" in parse_document(b'{"a": 1e999}')[1][0].message
    digits = parse_document(b'{"a": ' + b"9" * 5000 + b"}")[1][0].message
    assert "a whole number has more than 4300 digits" in digits


def test_very_long_strings_and_hostile_keys(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    ruleset = ruleset_from(
        'factor f "F" { level 2 { criterion c "C" when x.__class__ == "a" and x.`__dict__` == 1 } }'
    )
    doc = {"x": {"__class__": "a" * 1_000_000, "__dict__": 1}}
    assert ruleset.evaluate(doc, as_of=AS_OF).factors["f"].criteria[0].status == "not_met"
    doc = {"x": {"__class__": "a", "__dict__": 1}}
    assert ruleset.evaluate(doc, as_of=AS_OF).overall == 2


def test_an_expression_python_cannot_compile_goes_to_the_exact_evaluator(
    write_rules: Callable[..., Path],
) -> None:
    """At 150 levels the generated code has more nested parentheses than Python's parser
    takes; those criteria and lets are left to the exact evaluator, and the rest compiles."""
    deep = "not " * 150 + "x.a"
    path = write_rules(
        HEADER + f"let q = {deep}\n"
        f'factor f "F" {{ level 2 {{ criterion c "C" when {deep} and q }} }}\n'
    )
    code = (
        "import json, modenhet, sys\n"
        "rs = modenhet.load_ruleset(sys.argv[1])\n"
        "assert '_fallback()' in rs.generated_source\n"
        "result = rs.evaluate({'x': {'a': True}})\n"
        "print(json.dumps([result.overall, result.factors['f'].criteria[0].status]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MODENHET_MAX_EXPRESSION_DEPTH": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [2, "met"]  # 150 negations of true are true
