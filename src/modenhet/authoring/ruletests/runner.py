"""Running rule tests: every runnable case of every test file is evaluated, each expected value
compared with what the rule set gave, and a mismatch explained by the criteria that made the
difference (with `modenhet explain`'s tree); coverage is measured on the way.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modenhet.authoring.ruletests.coverage import Coverage
from modenhet.authoring.ruletests.model import (
    Case,
    CaseResult,
    CriterionReason,
    Expectation,
    Mismatch,
    Problem,
    TestFile,
    level_text,
    status_text,
)
from modenhet.authoring.ruletests.reader import TestLoader
from modenhet.engine.ruleset import RuleSet
from modenhet.i18n import N_, Text
from modenhet.results import Evaluation


@dataclass
class TestRun:
    """Every test file read, every runnable case run, and the coverage per rule set."""

    __test__ = False

    files: list[TestFile]
    results: list[CaseResult]
    coverage: list[Coverage]

    @property
    def problems(self) -> list[Problem]:
        """Every problem, file by file: those in other files (the rule set) first, then the
        test file's own by line."""
        found: list[Problem] = []
        for test_file in self.files:
            own = test_file.problems + [p for case in test_file.cases for p in case.problems]
            found += sorted(own, key=lambda p: (p.file == test_file.path, p.line or 0))
        return found

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)


def run_tests(
    paths: Sequence[str], default_rules: Path, *, rules_anywhere: bool = False
) -> TestRun:
    """Read every test file, run every case that can run, and measure coverage.
    `rules_anywhere`: a test file's `rules:` may name a file outside its folder."""
    loader = TestLoader(default_rules, rules_anywhere=rules_anywhere)
    files = [loader.load(path) for path in paths]
    results: list[CaseResult] = []
    coverage: dict[str, Coverage] = {}
    for test_file in files:
        if not test_file.runnable:
            continue
        ruleset = test_file.ruleset
        assert ruleset is not None and test_file.rules is not None
        key = os.path.realpath(test_file.rules)
        if key not in coverage:
            coverage[key] = Coverage.of(ruleset, test_file.rules)
        for case in test_file.cases:
            if case.runnable:
                result = run_case(ruleset, case)
                coverage[key].observe(result.evaluation)
                results.append(result)
    return TestRun(files, results, list(coverage.values()))


def run_case(ruleset: RuleSet, case: Case) -> CaseResult:
    """Evaluate a case's evidence and compare every expected value with what it gave."""
    assert case.document is not None and case.as_of is not None
    evaluation = ruleset.evaluate(case.document, case.as_of)
    explain = _Reasons(ruleset, case.document, case.as_of, evaluation)
    mismatches: list[Mismatch] = []
    for expected in case.expectations:
        if expected.kind == "overall":
            if evaluation.overall != expected.level:
                mismatches.append(explain.overall(expected))
        elif expected.kind == "factor":
            if evaluation.factors[expected.target].level != expected.level:
                mismatches.append(explain.factor(expected))
        else:
            factor_id, _, criterion_id = expected.target.partition(".")
            result = _criterion(evaluation, factor_id, criterion_id)
            missing = None if expected.missing is None else tuple(sorted(result.missing))
            if result.status != expected.status or (
                missing is not None and missing != expected.missing
            ):
                actual = status_text(result.status, missing)
                reason = explain.reason(factor_id, criterion_id)
                mismatches.append(Mismatch(expected, actual, [reason]))
    return CaseResult(case, evaluation, mismatches)


def _criterion(evaluation: Evaluation, factor_id: str, criterion_id: str) -> Any:
    for criterion in evaluation.factors[factor_id].criteria:
        if criterion.id == criterion_id:
            return criterion
    raise KeyError(f"{factor_id}.{criterion_id}")


class _Reasons:
    """The criteria that made the difference between an expected and an actual level."""

    def __init__(
        self,
        ruleset: RuleSet,
        doc: dict[str, Any],
        as_of: datetime.date,
        evaluation: Evaluation,
    ) -> None:
        from modenhet.analyses.explain import Explainer

        self.ruleset = ruleset
        self.evaluation = evaluation
        self.explainer = Explainer(ruleset.exact, doc, as_of)

    def reason(self, factor_id: str, criterion_id: str) -> CriterionReason:
        result = _criterion(self.evaluation, factor_id, criterion_id)
        definition = result.definition
        return CriterionReason(
            factor_id,
            criterion_id,
            definition.level,
            definition.title,
            result.status,
            list(result.missing),
            result.message,
            definition.span.file,
            definition.span.line,
            self.explainer.criterion(definition).to_dict(),
        )

    def deciding(self, factor_id: str, expected: int) -> list[CriterionReason]:
        """Below the expected level: the criteria not met in the blocks up to it. Above: the
        criteria of the block just above the expected level, which are all met."""
        factor = self.evaluation.factors[factor_id]
        if factor.level < expected:
            chosen = [
                c
                for c in factor.criteria
                if factor.level < c.level <= expected and c.status != "met"
            ]
        else:
            above = [b.number for b in factor.definition.blocks if b.number > expected]
            chosen = [c for c in factor.criteria if above and c.level == above[0]]
        return [self.reason(factor_id, c.id) for c in chosen]

    def factor(self, expected: Expectation) -> Mismatch:
        assert expected.level is not None
        factor = self.evaluation.factors[expected.target]
        return Mismatch(
            expected, level_text(factor.level), self.deciding(expected.target, expected.level)
        )

    def overall(self, expected: Expectation) -> Mismatch:
        assert expected.level is not None
        evaluation = self.evaluation
        reasons: list[CriterionReason] = []
        if evaluation.overall < expected.level:
            for factor in evaluation.factors.values():
                if factor.level < expected.level:
                    reasons += self.deciding(factor.id, expected.level)
        levels = ", ".join(f"{f.id} {f.level}" for f in evaluation.factors.values())
        note = Text(
            N_("factor levels: %(levels)s (overall %(mode)s)"),
            levels=levels,
            mode=self.ruleset.model.overall,
        )
        return Mismatch(expected, level_text(evaluation.overall), reasons, note)
