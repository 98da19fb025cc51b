"""The specification suite (tests/semantics/): every case runs through the engine (`evaluate`),
its exact evaluator and tests/reference.py, and each must give what the case says."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import modenhet
from modenhet.engine.exactcore import Failure, Known
from semantics import (
    arithmetic,
    comparison,
    dates,
    equality,
    functions,
    levels,
    literals,
    logic,
    membership,
    missing,
    nfc,
    partial,
    paths,
    quantifiers,
    rule_errors,
    schema,
    statuses,
)
from semantics.case import Case

import reference
from conftest import HEADER

TOPICS = [
    literals, paths, quantifiers, membership, comparison, arithmetic, logic, equality, dates, nfc,
    functions, missing, statuses, levels, schema, partial,
]  # fmt: skip
RUNNERS = ("engine", "exact", "reference")


def _params() -> list[Any]:
    params = []
    seen: set[str] = set()
    for topic in TOPICS:
        short = topic.__name__.rsplit(".", 1)[-1]
        for case in topic.CASES:
            name = f"{short}/{case.name}"
            assert name not in seen, f"two cases named {name!r}"
            seen.add(name)
            for runner in RUNNERS:
                marks = []
                if case.bug and runner in case.bug_in:
                    marks.append(pytest.mark.xfail(strict=True, reason=f"BUG: {case.bug}"))
                params.append(pytest.param(case, runner, id=f"{runner}:{name}", marks=marks))
    return params


def _exact_status(result: Any) -> str:
    if isinstance(result, Known):
        if result.value.__class__ is bool:
            return "met" if result.value else "not_met"
        return "error"
    return "error" if isinstance(result, Failure) else "unknown"


FAST_STATUS = {True: "met", False: "not_met", None: "unknown", "error": "error"}


@pytest.mark.parametrize(("case", "runner"), _params())
def test_case(case: Case, runner: str, ruleset_from: Callable[[str], modenhet.RuleSet],
              tmp_path: Path) -> None:  # fmt: skip
    for name, text in case.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    rs = ruleset_from(case.text())
    keys = {c.index: f"{c.factor_id}.{c.id}" for c in rs.model.criteria}
    unlisted = set(case.expected()) - set(keys.values())
    assert not unlisted, f"the case names criteria the rules do not have: {unlisted}"
    doc = copy.deepcopy(case.doc)
    if runner == "engine":
        check_engine(case, rs, doc)
    elif runner == "exact":
        check_exact(case, rs, doc, keys)
    else:
        check_reference(case, rs, doc, keys)
    assert doc == case.doc, "evaluation changed the document"


def check_engine(case: Case, rs: modenhet.RuleSet, doc: dict[str, Any]) -> None:
    result = rs.evaluate(doc, as_of=case.as_of)
    found = {f"{c.definition.factor_id}.{c.id}": c for f in result.factors.values()
             for c in f.criteria}  # fmt: skip
    for key, (status, expected_missing, words) in case.expected().items():
        criterion = found[key]
        assert (criterion.status, set(criterion.missing)) == (status, expected_missing), key
        assert len(criterion.missing) == len(set(criterion.missing)), "a path listed twice"
        if status == "error":
            message = criterion.message or ""
            assert message.startswith(f"{key}: "), message
            for word in words:
                assert word in message, f"{word!r} not in {message!r}"
        else:
            assert criterion.message is None
    assert list(result.factors) == [f.id for f in rs.model.factors]
    labels = {level.number: level.label for level in rs.model.levels}
    for factor in result.factors.values():
        assert factor.label == labels[factor.level]
    if case.levels is not None:
        assert {fid: f.level for fid, f in result.factors.items()} == case.levels
        assert list(result.factors) == list(case.levels), "factors not in rule-file order"
    if case.overall is not None:
        assert result.overall == case.overall
    if case.gaps is not None:
        for fid, gap in case.gaps.items():
            got = [(c.id, c.status, set(c.missing)) for c in result.factors[fid].gap]
            assert got == gap, fid


def check_exact(case: Case, rs: modenhet.RuleSet, doc: dict[str, Any],
                keys: dict[int, str]) -> None:  # fmt: skip
    """The exact evaluator alone gives the expected statuses, and the fast path agrees with it
    wherever it decided a criterion itself."""
    exact = {}
    for index in keys:
        exact[index] = _exact_status(rs.exact.criteria[index](rs.exact.frame(doc, case.as_of)))
    expected = case.expected()
    for index, key in keys.items():
        if key in expected:
            assert exact[index] == expected[key][0], key
    statuses, _, _, fallback, bad = rs._fast(doc, case.as_of)
    if not bad:
        for index, status in enumerate(statuses):
            if index not in fallback:
                assert FAST_STATUS[status] == exact[index], f"fast path: {keys[index]}"
    result = rs.evaluate(doc, as_of=case.as_of)
    engine = {f"{c.definition.factor_id}.{c.id}": c.status for f in result.factors.values()
              for c in f.criteria}  # fmt: skip
    assert engine == {keys[i]: s for i, s in exact.items()}


def check_reference(case: Case, rs: modenhet.RuleSet, doc: dict[str, Any],
                    keys: dict[int, str]) -> None:  # fmt: skip
    outcome = reference.evaluate(rs.model, doc, case.as_of)
    by_key = {keys[i]: (outcome.statuses[i], set(outcome.missing[i])) for i in keys}
    for key, (status, expected_missing, _) in case.expected().items():
        assert by_key[key] == (status, expected_missing), key
    if case.levels is not None:
        assert outcome.levels == case.levels
    if case.overall is not None:
        assert outcome.overall == case.overall
    if case.gaps is not None:
        for fid, gap in case.gaps.items():
            assert [(i, s, set(m)) for i, s, m in outcome.gaps[fid]] == gap, fid


# ------------------------------------------------------------------------- rule errors


HEADER_LINES = HEADER.count("\n")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.name,
            marks=[pytest.mark.xfail(strict=True, reason=f"BUG: {c.bug}")] if c.bug else [],
        )  # fmt: skip
        for c in rule_errors.ERRORS
    ],
)
def test_rule_error(case: rule_errors.RuleErrorCase,
                    ruleset_from: Callable[[str], modenhet.RuleSet]) -> None:  # fmt: skip
    with pytest.raises(modenhet.RuleError) as raised:
        ruleset_from(case.text)
    errors = [d for d in raised.value.diagnostics if d.severity == "error"]
    assert errors
    on_line = [d for d in errors if d.line == HEADER_LINES + case.line]
    assert on_line, [(d.line - HEADER_LINES, d.message) for d in errors]
    if case.column is not None:
        on_line = [d for d in on_line if d.column == case.column]
        assert on_line, [(d.line - HEADER_LINES, d.column, d.message) for d in errors]
    text = " ".join(f"{d.message} {getattr(d, 'hint', None) or ''}" for d in on_line).lower()
    for word in case.words:
        assert word in text, text


def test_a_datetime_as_of_counts_as_its_date(
    ruleset_from: Callable[[str], modenhet.RuleSet],
) -> None:
    rs = ruleset_from(
        'factor f "F" { level 2 { criterion c "C" when as_of == 2025-06-30 and '
        "days_since(2025-06-29) == 1 and years_since(2024-06-30) == 1 } }"
    )
    result = rs.evaluate({}, as_of=datetime.datetime(2025, 6, 30, 23, 59))
    assert result.factors["f"].criteria[0].status == "met"
